"""The editors' side of push alerts: compose (in one edition or several, to send now or at a time),
preview as the phones show it, confirm, cancel."""

from dataclasses import dataclass
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
from newsapi.publishing import PhonePreview
from notifications import admin_dashboard, selectors, services
from notifications.admin_alerts import (
    CountedInput,
    CountedTextarea,
    EditionSelect,
    EditionTextForm,
    article_draft_view,
    audience_view,
    compact_count,
    edition_texts_formset,
    editions_audience_message,
)
from notifications.messages import ALERT_MESSAGE_PREFETCH, ALERT_MESSAGE_RELATED
from notifications.models import (
    BODY_MAX_LENGTH,
    FOLLOWER_TARGETS,
    TITLE_MAX_LENGTH,
    Alert,
    AlertBatch,
    AlertState,
    AlertTarget,
    AlertUrgency,
    Device,
)
from notifications.permissions import alert_policy
from notifications.publishing import phone_preview
from notifications.selectors import alert_audience
from notifications.services import EditionText

# What an alert composed with other editions shares with them: fixed once composed (services.alert_update).
COMPOSE_FIELDS = ["edition", "article", "target", "sections", "tags", "authors", "urgency", "send_at"]


class AlertForm(forms.ModelForm[Alert]):
    """The compose form. Title and body show live counters at what a lock screen shows (the model's
    limits, which the form and ``alert_create`` enforce); the two inputs are right-to-left when the
    chosen edition is.

    A new alert may also go to other editions (``editions``, one row each, prefilled from the
    story's translations through the ``editions`` initial value): each row's edition gets its own
    alert in its own words. ``send_at`` (the newsroom's time) schedules it. The clean data's
    ``editions`` is every edition's text, the form's own first, for ``services.alert_compose``.
    """

    class Meta:
        model = Alert
        fields = [
            "edition", "article", "title", "body", "target", "sections", "tags", "authors", "urgency", "send_at",
        ]  # fmt: skip
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
        if "send_at" in self.fields:
            self.fields["send_at"].help_text = (
                f"Empty: sent when you confirm it. A time ({timezone.get_current_timezone_name()}): sent then, "
                "at most a week ahead; cancel it any time before."
            )
        direction = self._edition_dir()
        for name in ("title", "body"):
            if direction and name in self.fields:
                self.fields[name].widget.attrs["dir"] = direction
        # Other editions only while composing: a saved alert is one edition's (its siblings have their own pages).
        self.editions = None
        if self.instance.pk is None and "edition" in self.fields:
            self.editions = edition_texts_formset(
                data=self.data if self.is_bound else None, initial=self.initial.get("editions")
            )

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

    def clean_send_at(self) -> Any:
        send_at = self.cleaned_data.get("send_at")
        if send_at is not None:
            services.check_send_at(send_at)
        return send_at

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        article, edition = cleaned.get("article"), cleaned.get("edition")
        if article is not None and edition is not None and article.edition_id != edition.pk:
            self.add_error("article", "The article belongs to another edition.")
        others = self._other_editions(article=article, edition=edition)
        included = [each for each in [edition, *(row.cleaned_data["edition"] for row in others)] if each is not None]
        target = cleaned.get("target")
        if target in FOLLOWER_TARGETS and not cleaned.get(target):
            self.add_error(target, f"Choose the {target} whose followers get this alert.")
        tags = cleaned.get("tags") or ()
        if edition is not None and any(tag.edition_id not in {each.pk for each in included} for tag in tags):
            names = " or ".join(each.name for each in included)
            self.add_error("tags", f"Choose tags of the {names} edition{'s' if len(included) > 1 else ''}.")
        elif target == AlertTarget.TAGS and tags and len(included) > 1:
            for each in included:
                if not any(tag.edition_id == each.pk for tag in tags):
                    self.add_error("tags", f"Choose tags of the {each.name} edition too: its followers get the alert.")
        if edition is not None and self.editions is not None:
            cleaned["editions"] = [
                EditionText(edition=edition, title=cleaned.get("title", ""), body=cleaned.get("body", "")),
                *(EditionText(**row.cleaned_data) for row in others),
            ]
        return cleaned

    def _other_editions(self, *, article: Article | None, edition: Edition | None) -> list[EditionTextForm]:
        """The rows of ``editions`` that name an edition, each checked against the rest of the compose:
        an edition once only, and with an article, one its story is published in. A row refused
        marks the whole form invalid (the page lists why beside the row)."""
        if self.editions is None:
            return []
        if not self.editions.is_valid():
            self.add_error(None, "Check the other editions below.")
            return []
        rows = [row for row in self.editions.forms if not row.is_empty()]
        translations = selectors.published_translations(article=article) if article is not None else {}
        seen = {edition.pk} if edition is not None else set()
        for row in rows:
            other = row.cleaned_data["edition"]
            if other.pk in seen:
                row.add_error("edition", f"The {other.name} edition is already in this alert.")
            elif article is not None and other.pk not in translations:
                row.add_error(
                    "edition", f"The chosen story has no published {other.name} translation: leave this edition out."
                )
            seen.add(other.pk)
        if any(row.errors for row in rows):
            self.add_error(None, "Check the other editions below.")
            return []
        return rows


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="Send this alert now")
    confirm_warnings = forms.BooleanField(required=False, label="I have read the warnings above: send anyway")

    def __init__(self, *args: Any, warnings: list[str], send_at: Any = None, editions: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warnings = warnings
        if not warnings:
            del self.fields["confirm_warnings"]
        what = "this alert" if editions == 1 else f"this alert in its {editions} editions"
        if send_at is not None:
            local, zone = timezone.localtime(send_at), timezone.get_current_timezone_name()
            self.fields["confirm"].label = f"Schedule {what} for {date_format(local, 'j M Y')} {local:%H:%M} ({zone})"
        elif editions > 1:
            self.fields["confirm"].label = f"Send {what} now"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.warnings and not cleaned.get("confirm_warnings"):
            raise ValidationError("This alert has warnings: confirm them to send it.")
        return cleaned


@dataclass(frozen=True)
class EditionPreview:
    """One edition of a compose on the send page: its alert, as its phones show it, and how many get it now."""

    alert: Alert
    phone: PhonePreview
    audience: int


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
    compose_fieldsets = [
        (None, {"fields": ["edition", "article", "title", "body"]}),
        ("Who gets it", {"fields": ["target", "sections", "tags", "authors", "urgency"]}),
        ("When", {"fields": ["send_at"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Alert | None = None) -> Any:
        """Compose in three parts (the other editions go after the first, change_form.html); a saved
        alert adds its record."""
        if obj is None:
            return self.compose_fieldsets
        return [*self.compose_fieldsets, ("Delivery", {"fields": self.readonly_fields})]

    def get_readonly_fields(self, request: HttpRequest, obj: Alert | None = None) -> Any:
        """An alert composed with other editions changes only its own words: the rest is the compose's."""
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.compose_group is not None:
            readonly += COMPOSE_FIELDS
        return readonly

    def get_queryset(self, request: HttpRequest) -> QuerySet[Alert]:
        return selectors.with_compose_totals(super().get_queryset(request))

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

    # "editions": every edition's text of a new alert (AlertForm.clean), for alert_compose.
    service_fields = services.COMPOSED_FIELDS | {"editions"}

    def service_create(self, request: HttpRequest, fields: dict[str, Any]) -> Alert:
        """One alert per edition of the compose, all drafts; the page goes on with the form's own edition's."""
        texts = fields.pop("editions", None) or [
            EditionText(edition=fields["edition"], title=fields["title"], body=fields["body"])
        ]
        shared = {name: value for name, value in fields.items() if name not in ("edition", "title", "body")}
        return services.alert_compose(by=request.user, texts=texts, **shared)[0]

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
        badge = format_html('<span class="alert-state alert-state--{}">{}</span>', state, alert.get_state_display())
        if alert.state == AlertState.SCHEDULED and alert.send_at is not None:
            when = timezone.localtime(alert.send_at)
            badge = format_html(
                '{} <time class="alert-time" datetime="{}" title="{}">{} {}</time>',
                badge, when.isoformat(), date_format(when, "DATETIME_FORMAT"),
                date_format(when, "j M"), date_format(when, "H:i"),
            )  # fmt: skip
        return badge

    @admin.display(description="Targeted → sent → opened", ordering="-targeted")
    def reach_column(self, alert: Alert) -> str:
        if alert.state in (AlertState.DRAFT, AlertState.SCHEDULED, AlertState.QUEUED) and not alert.targeted:
            return format_html("—{}", self._compose_total(alert))
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
        return format_html("{}{}", reach, self._compose_total(alert))

    @staticmethod
    def _compose_total(alert: Alert) -> str:
        """The whole compose's reach under each of its editions' own (``with_compose_totals``)."""
        editions = getattr(alert, "compose_editions", None)
        if not editions or editions < 2:
            return ""
        targeted, sent, opened = (getattr(alert, f"compose_{name}") or 0 for name in ("targeted", "sent", "opened"))
        return format_html(
            '<span class="alert-compose-total" title="All {} editions of this alert: targeted {}, sent {}, opened {}">'
            "{} editions: {} → {} → {}</span>",
            editions, f"{targeted:,}", f"{sent:,}", f"{opened:,}",
            editions, compact_count(targeted), compact_count(sent), compact_count(opened),
        )  # fmt: skip

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
        article, the title and the body from that published article, and an other-editions row for
        each of its published translations. Any other id is ignored with a warning, never an error
        page: a link to a story withdrawn since is an ordinary thing.
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
        translations = selectors.alert_translation_drafts(article=article)
        return {**initial, **selectors.alert_draft_for(article=article), "editions": translations}

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """A saved alert's page names the alerts of the other editions composed with it."""
        alert = Alert.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        siblings = list(selectors.compose_siblings(alert=alert).select_related("edition")) if alert else []
        context = {**(extra_context or {}), "compose_siblings": siblings if len(siblings) > 1 else []}
        return super().change_view(request, object_id, form_url, extra_context=context)

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
        """Preview exactly what phones will show in each edition of the compose, the audience of each
        and in all, and any warnings; queue (or schedule) them all on confirmation. Once sent, the
        counts of each edition and their total; cancel while not yet sending."""
        alert = get_object_or_404(Alert, pk=pk)
        if not self.has_view_permission(request, alert):
            raise PermissionDenied
        siblings = list(
            selectors.compose_siblings(alert=alert)
            .select_related(*ALERT_MESSAGE_RELATED)
            .prefetch_related(*ALERT_MESSAGE_PREFETCH)
        )
        editions = [
            EditionPreview(alert=each, phone=phone_preview(alert=each), audience=alert_audience(alert=each).count())
            for each in siblings
        ]
        warnings = [
            warning if len(siblings) == 1 else f"{each.edition.name}: {warning}"
            for each in siblings
            for warning in selectors.alert_warnings(alert=each)
        ]
        posted = request.POST if request.method == "POST" and "_cancel" not in request.POST else None
        form = ConfirmForm(posted, warnings=warnings, send_at=alert.send_at, editions=len(siblings))
        if request.method == "POST" and "_cancel" in request.POST:
            return self._cancel_from_page(request, alert)
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
                self.message_user(request, self._queued_message(alert, editions=len(siblings)), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:notifications_alert_changelist"))
        audience = sum(each.audience for each in editions)
        totals = {
            name: sum(getattr(each, name) for each in siblings)
            for name in ("targeted", "sent", "failed", "invalid_tokens", "deferred", "opened")
        }
        context = {
            **self.admin_site.each_context(request),
            "title": "Preview and send alert",
            "opts": self.model._meta,
            "alert": alert,
            "editions": editions,
            "phone": editions[0].phone if len(editions) == 1 else None,
            "audience": audience,
            "audience_message": editions_audience_message(
                counts=[(each.alert.edition, each.audience) for each in editions],
                target=alert.target,
                urgency=alert.urgency,
                # Whether anything was chosen only changes what is said about an empty audience: asked only then.
                chosen=audience == 0 and alert.target in FOLLOWER_TARGETS and getattr(alert, alert.target).exists(),
            ),
            "totals": totals,
            "cancellable": alert_policy.can_send(request.user)
            and any(each.state in services.CANCELLABLE and each.state != AlertState.DRAFT for each in siblings),
            "warnings": warnings,
            "form": form,
        }
        return TemplateResponse(request, "admin/notifications/alert/send.html", context)

    def _queued_message(self, alert: Alert, *, editions: int) -> str:
        alert.refresh_from_db()
        where = "" if editions == 1 else f" in {editions} editions"
        if alert.state == AlertState.SCHEDULED and alert.send_at is not None:
            local = timezone.localtime(alert.send_at)
            zone = timezone.get_current_timezone_name()
            return f"Alert “{alert.title}” scheduled{where} for {local:%Y-%m-%d %H:%M} ({zone})."
        return f"Alert “{alert.title}” queued for sending{where}."

    def _cancel_from_page(self, request: HttpRequest, alert: Alert) -> HttpResponse:
        try:
            services.alert_cancel(alert=alert, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, f"Too late: {reason}", messages.ERROR)
        else:
            self.message_user(request, f"Cancelled “{alert.title}”.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:notifications_alert_send", args=[alert.pk]))

    @admin.action(description="Cancel (only alerts not yet sending; with the other editions composed with them)")
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        done: set[Any] = set()  # composes already cancelled through one of their alerts
        for alert in queryset:
            if alert.compose_group is not None and alert.compose_group in done:
                continue
            try:
                services.alert_cancel(alert=alert, by=request.user)
                done.add(alert.compose_group)
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


# The admin's first page is the editor dashboard for editors (notifications/admin_dashboard.py).
admin_dashboard.install(admin.site)
