from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Push alerts"

    def ready(self) -> None:
        from backend.metrics import register_collector
        from notifications import hooks
        from notifications.metrics import AlertStatesCollector, FanoutLagCollector, PushMessagesCollector

        hooks.connect()
        # The push app's figures in every /metrics scrape (the core app cannot import this one).
        register_collector("alerts", AlertStatesCollector())
        register_collector("fanout_lag", FanoutLagCollector())
        register_collector("push_messages", PushMessagesCollector())
