"""The editors' side of push alerts: compose, preview as the phone shows it, confirm, cancel."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from backend.admin_services import SavesThroughServices
from newsapi.models import Article
from notifications import selectors, services
from notifications.messages import push_message_for
from notifications.models import Alert, AlertBatch, AlertState, AlertTarget, Device
from notifications.permissions import alert_policy


class AlertForm(forms.ModelForm[Alert]):
    class Meta:
        model = Alert
        fields = ["edition", "article", "title", "body", "target", "sections", "urgency"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "article" in self.fields:
            self.fields["article"].queryset = Article.objects.published().select_related("edition")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        article, edition = cleaned.get("article"), cleaned.get("edition")
        if article is not None and edition is not None and article.edition_id != edition.pk:
            self.add_error("article", "The article belongs to another edition.")
        if cleaned.get("target") == AlertTarget.SECTIONS and not cleaned.get("sections"):
            self.add_error("sections", "Choose the sections whose followers get this alert.")
        return cleaned


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="Send this alert now")
    confirm_warnings = forms.BooleanField(required=False, label="I have read the warnings above: send anyway")

    def __init__(self, *args: Any, warnings: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warnings = warnings
        if not warnings:
            del self.fields["confirm_warnings"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.warnings and not cleaned.get("confirm_warnings"):
            raise ValidationError("This alert has warnings: confirm them to send it.")
        return cleaned


class AlertBatchInline(admin.TabularInline[AlertBatch, Alert]):
    model = AlertBatch
    extra = 0
    can_delete = False
    fields = ["index", "size", "state", "attempts", "sent", "failed", "invalid_tokens", "deferred", "last_error"]
    readonly_fields = [
        "index",
        "size",
        "state",
        "attempts",
        "sent",
        "failed",
        "invalid_tokens",
        "deferred",
        "last_error",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(SavesThroughServices, admin.ModelAdmin[Alert]):
    form = AlertForm
    list_display = [
        "title", "edition", "state", "urgency", "targeted", "sent", "failed", "invalid_tokens", "deferred", "opened",
        "created_at",
    ]  # fmt: skip
    list_filter = ["state", "edition", "urgency"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["article"]
    readonly_fields = [
        "state", "created_by", "created_at", "queued_at", "started_at", "finished_at", "targeted", "sent", "failed",
        "invalid_tokens", "deferred", "opened",
    ]  # fmt: skip
    inlines = [AlertBatchInline]
    actions = ["cancel_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return alert_policy.can_send(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Alert | None = None) -> bool:
        if obj is not None and obj.state != AlertState.DRAFT:
            return False  # what was sent is a record; view it, do not edit it
        return alert_policy.can_send(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Alert | None = None) -> bool:
        if obj is not None and obj.state != AlertState.DRAFT:
            return False
        return alert_policy.can_send(request.user) and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not alert_policy.can_send(request.user):
            actions.pop("cancel_selected", None)
        return actions

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        queryset.filter(state=AlertState.DRAFT).delete()

    service_fields = services.COMPOSED_FIELDS

    def service_create(self, request: HttpRequest, fields: dict[str, Any]) -> Alert:
        return services.alert_create(by=request.user, **fields)

    def service_update(self, request: HttpRequest, obj: Alert, changes: dict[str, Any]) -> None:
        services.alert_update(alert=obj, by=request.user, changes=changes)

    def response_add(self, request: HttpRequest, obj: Alert, post_url_continue: str | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:notifications_alert_send", args=[obj.pk]))

    def response_change(self, request: HttpRequest, obj: Alert) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:notifications_alert_send", args=[obj.pk]))

    def get_urls(self) -> list[URLPattern]:
        send = self.admin_site.admin_view(self.send_view)
        return [path("<int:pk>/send/", send, name="notifications_alert_send"), *super().get_urls()]

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Preview exactly what phones will show, the audience size and any warnings; queue on confirmation."""
        alert = get_object_or_404(Alert.objects.select_related("edition", "article__section", "article__image"), pk=pk)
        if not self.has_view_permission(request, alert):
            raise PermissionDenied
        warnings = selectors.alert_warnings(alert=alert)
        form = ConfirmForm(request.POST if request.method == "POST" else None, warnings=warnings)
        if request.method == "POST" and alert.state == AlertState.DRAFT and form.is_valid():
            if not self.has_change_permission(request, alert):
                return HttpResponse(status=403)
            try:
                services.alert_queue(alert=alert, by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"Alert “{alert.title}” queued for sending.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:notifications_alert_changelist"))
        preview = push_message_for(alert=alert, device=Device(token="preview-device"))  # noqa: S106 - not a credential
        context = {
            **self.admin_site.each_context(request),
            "title": "Preview and send alert",
            "opts": self.model._meta,
            "alert": alert,
            "preview": preview,
            "audience": selectors.alert_audience(alert=alert).count(),
            "warnings": warnings,
            "form": form,
            "dir": alert.edition.dir,
        }
        return TemplateResponse(request, "admin/notifications/alert/send.html", context)

    @admin.action(description="Cancel (only alerts not yet sending)")
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        for alert in queryset:
            try:
                services.alert_cancel(alert=alert, by=request.user)
                self.message_user(request, f"Cancelled “{alert.title}”.", messages.SUCCESS)
            except ValidationError as exc:
                self.message_user(request, f"{alert.title}: {' '.join(exc.messages)}", messages.ERROR)
            except PermissionDenied as exc:
                self.message_user(request, f"{alert.title}: {exc}", messages.ERROR)


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin[Device]):
    list_display = ["id", "platform", "edition", "app_version", "breaking", "is_active", "is_stale", "refreshed_at"]
    list_filter = ["platform", "edition", "is_active", "is_stale", "breaking"]
    readonly_fields = ["token", "registered_ip", "created_at", "refreshed_at", "deactivated_reason"]
    exclude = ["secret_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # devices register themselves through the API

    def has_change_permission(self, request: HttpRequest, obj: Device | None = None) -> bool:
        return False  # the app owns its registration: read-only here

    def has_delete_permission(self, request: HttpRequest, obj: Device | None = None) -> bool:
        return False
