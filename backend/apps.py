from django.apps import AppConfig
from django.contrib.staticfiles import apps as staticfiles


class BackendConfig(AppConfig):
    name = "backend"
    verbose_name = "Newsline core"


class StaticFilesConfig(staticfiles.StaticFilesConfig):
    """``collectstatic`` without what Newsline never serves, so deploys compress less.

    The browsable API's assets (the API renders JSON only) and ReDoc (the docs page is
    Swagger UI) stay out of STATIC_ROOT.
    """

    ignore_patterns = [*staticfiles.StaticFilesConfig.ignore_patterns, "rest_framework", "redoc"]
