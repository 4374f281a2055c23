from django.apps import AppConfig
from django.contrib.staticfiles import apps as staticfiles
from django.db.models.signals import post_migrate


class BackendConfig(AppConfig):
    default = True  # the app's own config; StaticFilesConfig below is installed by its dotted path
    name = "backend"
    verbose_name = "Newsline core"

    def ready(self) -> None:
        from django.apps import apps

        from backend.roles import roles_sync_after_migrate

        # post_migrate is sent once per app with models; this app has none, so hang on auth's.
        post_migrate.connect(
            roles_sync_after_migrate, sender=apps.get_app_config("auth"), dispatch_uid="newsline-roles-sync"
        )


class StaticFilesConfig(staticfiles.StaticFilesConfig):
    """``collectstatic`` without what Newsline never serves, so deploys compress less.

    The browsable API's assets (the API renders JSON only) and ReDoc (the docs page is
    Swagger UI) stay out of STATIC_ROOT.
    """

    ignore_patterns = [*staticfiles.StaticFilesConfig.ignore_patterns, "rest_framework", "redoc"]
