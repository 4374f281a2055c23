from django.urls import path

from notifications.api import views

urlpatterns = [
    path("devices/", views.DeviceListView.as_view(), name="device-list"),
    path("devices/<int:pk>/", views.DeviceDetailView.as_view(), name="device-detail"),
    path("alerts/", views.AlertInboxView.as_view(), name="alert-list"),
    path("events/", views.EventsView.as_view(), name="events"),
]
