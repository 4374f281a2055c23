from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Push alerts"

    def ready(self) -> None:
        from notifications import hooks

        hooks.connect()
