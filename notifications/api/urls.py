from django.urls import path

from notifications.api import views

urlpatterns = [
    path("devices/", views.DeviceListView.as_view(), name="device-list"),
    path("devices/<int:pk>/", views.DeviceDetailView.as_view(), name="device-detail"),
    path("devices/<int:pk>/alerts/", views.DeviceAlertsView.as_view(), name="device-alert-list"),
    path("devices/<int:pk>/alerts/<int:alert_id>/read/", views.DeviceAlertReadView.as_view(), name="device-alert-read"),
    path("alerts/", views.AlertInboxView.as_view(), name="alert-list"),
    path("events/", views.EventsView.as_view(), name="events"),
]
