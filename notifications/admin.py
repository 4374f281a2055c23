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
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from backend.admin_history import HistoryWithDiff
from backend.admin_services import SavesThroughServices
from newsapi.models import Article, Edition
from notifications import selectors, services
from notifications.admin_alerts import (
    CountedInput,
    CountedTextarea,
    EditionSelect,
    article_draft_view,
    audience_view,
    compact_count,
)
from notifications.messages import ALERT_MESSAGE_PREFETCH, ALERT_MESSAGE_RELATED
from notifications.models import (
    BODY_MAX_LENGTH,
    FOLLOWER_TARGETS,
    TITLE_MAX_LENGTH,
    Alert,
    AlertBatch,
    AlertState,
    AlertUrgency,
    Device,
)
from notifications.permissions import alert_policy
from notifications.publishing import phone_preview


class AlertForm(forms.ModelForm[Alert]):
    """The compose form. Title and body show live counters at what a lock screen shows (the model's
    limits, which the form and ``alert_create`` enforce); the two inputs are right-to-left when the
    chosen edition is.
    """

    class Meta:
        model = Alert
        fields = ["edition", "article", "title", "body", "target", "sections", "tags", "authors", "urgency"]
        widgets = {
            "edition": EditionSelect,
            "title": CountedInput(limit=TITLE_MAX_LENGTH),
            "body": CountedTextarea(limit=BODY_MAX_LENGTH),
        }
        help_texts = {
            "title": f"A lock screen shows about {TITLE_MAX_LENGTH} characters of a title.",
            "body": f"A lock screen shows about {BODY_MAX_LENGTH} characters of the text under the title.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "article" in self.fields:
            self.fields["article"].queryset = Article.objects.published().select_related("edition")  # type: ignore[attr-defined]
        direction = self._edition_dir()
        for name in ("title", "body"):
            if direction and name in self.fields:
                self.fields[name].widget.attrs["dir"] = direction

    def _edition_dir(self) -> str | None:
        """The writing direction of the edition the form shows as chosen: posted, prefilled or saved."""
        if "edition" not in self.fields:
            return None
        if self.is_bound:
            chosen: Any = self.data.get(self.add_prefix("edition"))
        else:
            chosen = self.get_initial_for_field(self.fields["edition"], "edition")
        if isinstance(chosen, Edition):
            return chosen.dir
        if not chosen or not str(chosen).isdigit():
            return None
        return Edition.objects.filter(pk=int(chosen)).values_list("dir", flat=True).first()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        article, edition = cleaned.get("article"), cleaned.get("edition")
        if article is not None and edition is not None and article.edition_id != edition.pk:
            self.add_error("article", "The article belongs to another edition.")
        target = cleaned.get("target")
        if target in FOLLOWER_TARGETS and not cleaned.get(target):
            self.add_error(target, f"Choose the {target} whose followers get this alert.")
        if edition is not None and any(tag.edition_id != edition.pk for tag in cleaned.get("tags") or ()):
            self.add_error("tags", f"Choose tags of the {edition.name} edition.")
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
class AlertAdmin(HistoryWithDiff, SavesThroughServices, admin.ModelAdmin[Alert]):
    form = AlertForm
    # Four dense columns that fit 1,280 px beside the filters, however long a title (alerts.css).
    list_display = ["title_column", "state_column", "reach_column", "created_column"]
    list_select_related = ["edition"]
    list_filter = ["state", "edition", "urgency"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["article", "tags", "authors"]
    readonly_fields = [
        "state", "created_by", "created_at", "queued_at", "started_at", "finished_at", "targeted", "sent", "failed",
        "invalid_tokens", "deferred", "opened", "activity",
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

    def delete_model(self, request: HttpRequest, obj: Alert) -> None:
        self._delete(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        self._delete(request, queryset)

    def _delete(self, request: HttpRequest, alerts: Any) -> None:
        """Through ``alert_delete``, which keeps what was queued or sent; each refusal is a message."""
        for alert in alerts:
            try:
                services.alert_delete(alert=alert, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{alert.title}: {' '.join(exc.messages)}", messages.ERROR)

    service_fields = services.COMPOSED_FIELDS

    def service_create(self, request: HttpRequest, fields: dict[str, Any]) -> Alert:
        return services.alert_create(by=request.user, **fields)

    def service_update(self, request: HttpRequest, obj: Alert, changes: dict[str, Any]) -> None:
        services.alert_update(alert=obj, by=request.user, changes=changes)

    def response_add(self, request: HttpRequest, obj: Alert, post_url_continue: str | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:notifications_alert_send", args=[obj.pk]))

    def response_change(self, request: HttpRequest, obj: Alert) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:notifications_alert_send", args=[obj.pk]))

    class Media:
        css = {"all": ["notifications/admin/alerts.css"]}
        js = ["admin/js/jquery.init.js", "notifications/admin/alert_compose.js"]

    # --- The list ---------------------------------------------------------------------------------

    @admin.display(description="Alert", ordering="title")
    def title_column(self, alert: Alert) -> str:
        urgency = "breaking" if alert.urgency == AlertUrgency.BREAKING else "normal"
        return format_html(
            '<span class="alert-summary"><span class="alert-badge" title="{}">{}</span> '
            '<span class="alert-badge alert-badge--{}">{}</span> '
            '<span class="alert-title" dir="auto" title="{}">{}</span></span>',
            alert.edition.name, alert.edition.code,
            urgency, urgency.capitalize(),
            alert.title, alert.title,
        )  # fmt: skip

    @admin.display(description="State", ordering="state")
    def state_column(self, alert: Alert) -> str:
        state = alert.state.replace("_", "-")
        return format_html('<span class="alert-state alert-state--{}">{}</span>', state, alert.get_state_display())

    @admin.display(description="Targeted → sent → opened", ordering="-targeted")
    def reach_column(self, alert: Alert) -> str:
        if alert.state in (AlertState.DRAFT, AlertState.QUEUED) and not alert.targeted:
            return "—"
        detail = (
            f"targeted {alert.targeted:,}, sent {alert.sent:,}, failed {alert.failed:,}, "
            f"invalid tokens {alert.invalid_tokens:,}, waiting for quiet hours to end {alert.deferred:,}, "
            f"opened {alert.opened:,}"
        )
        reach = format_html(
            '<span class="alert-reach" title="{}">{} → {} → {}</span>',
            detail, compact_count(alert.targeted), compact_count(alert.sent), compact_count(alert.opened),
        )  # fmt: skip
        if alert.failed:
            reach = format_html('{} <span class="alert-failed">{} failed</span>', reach, compact_count(alert.failed))
        return reach

    @admin.display(description="Created", ordering="created_at")
    def created_column(self, alert: Alert) -> str:
        created = timezone.localtime(alert.created_at)
        day = date_format(created, "j M" if created.year == timezone.localdate().year else "j M Y")
        return format_html(
            '<time datetime="{}" title="{}">{} <span class="alert-time">{}</span></time>',
            created.isoformat(), date_format(created, "DATETIME_FORMAT"), day, date_format(created, "H:i"),
        )  # fmt: skip

    # --- Compose ----------------------------------------------------------------------------------

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """``?article=<id>`` (the article page's "Compose alert" link) prefills the edition, the
        article, the title and the body from that published article. Any other id is ignored with a
        warning, never an error page: a link to a story withdrawn since is an ordinary thing.
        """
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        if "article" not in initial:
            return initial
        asked = initial.pop("article")
        article = selectors.published_article_for_alert(pk=asked)
        if article is None:
            self.message_user(
                request,
                f"No published article has the id “{str(asked)[:20]}”: the alert was not filled in from it.",
                messages.WARNING,
            )
            return initial
        return {**initial, **selectors.alert_draft_for(article=article)}

    def get_urls(self) -> list[URLPattern]:
        send = self.admin_site.admin_view(self.send_view)
        article_draft = self.admin_site.admin_view(article_draft_view)
        audience = self.admin_site.admin_view(audience_view)
        return [
            path("<int:pk>/send/", send, name="notifications_alert_send"),
            path("compose/article/", article_draft, name="notifications_alert_article_draft"),
            path("compose/audience/", audience, name="notifications_alert_audience"),
            *super().get_urls(),
        ]

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Preview exactly what phones will show, the audience size and any warnings; queue on confirmation."""
        alert = get_object_or_404(
            Alert.objects.select_related(*ALERT_MESSAGE_RELATED).prefetch_related(*ALERT_MESSAGE_PREFETCH), pk=pk
        )
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
        context = {
            **self.admin_site.each_context(request),
            "title": "Preview and send alert",
            "opts": self.model._meta,
            "alert": alert,
            "phone": phone_preview(alert=alert),
            "audience": selectors.alert_audience(alert=alert).count(),
            "warnings": warnings,
            "form": form,
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
