"""The alert admin's parts: the compose page's counted title and body inputs, editions that carry
their writing direction, the two JSON reads the page's script asks as the editor types, and the
list's compact counts.

The script (``notifications/static/notifications/admin/alert_compose.js``) only reads: what an
alert about an article would say (``article_draft_view``) and how many devices an alert with the
form's settings would reach now (``audience_view``). Both are for staff who may send alerts
(``notifications.send_alert``); saving still goes through the form and ``alert_create``.
"""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse

from newsapi.models import Author, Edition, Section, Tag
from notifications import selectors
from notifications.models import FOLLOWER_TARGETS, AlertTarget, AlertUrgency
from notifications.permissions import alert_policy


class _Counted(forms.Widget):
    """A live "23 / 65" counter beside the input (``output.char-counter``), counted again as the
    editor types by the page's script, and already right when the page is served.

    No ``maxlength``: a browser silently drops what is typed or pasted past it, mid-word, where
    the counter shows how far over the text is and the form refuses it with an error instead.
    """

    template_name = "admin/notifications/alert/widgets/counted.html"
    base_template = ""

    def __init__(self, *, limit: int, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.limit = limit

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"].pop("maxlength", None)
        counter_id = f"{widget['attrs'].get('id') or name}_counter"
        described = widget["attrs"].get("aria-describedby")
        widget["attrs"]["aria-describedby"] = f"{described} {counter_id}" if described else counter_id
        length = len(widget["value"] or "")
        widget.update(
            base_template=self.base_template,
            counter_id=counter_id,
            limit=self.limit,
            length=length,
            over=length > self.limit,
        )
        return context


class CountedInput(_Counted, forms.TextInput):
    base_template = "django/forms/widgets/input.html"

    def __init__(self, *, limit: int, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(limit=limit, attrs={"class": "vTextField", **(attrs or {})})


class CountedTextarea(_Counted, forms.Textarea):
    """The body: a short textarea, as a lock screen shows it on a few lines."""

    base_template = "django/forms/widgets/textarea.html"

    def __init__(self, *, limit: int, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(limit=limit, attrs={"class": "vLargeTextField", "rows": "3", **(attrs or {})})


class EditionSelect(forms.Select):
    """The edition choice; each option carries its edition's writing direction (``data-dir``), so
    the compose page turns the title and body right-to-left for Sorani and Arabic as it is chosen.
    """

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        edition = getattr(value, "instance", None)
        if isinstance(edition, Edition):
            option["attrs"]["data-dir"] = edition.dir
        return option


class AudienceQuery(forms.Form):
    """The compose form's settings that decide who gets an alert, as the page's script sends them."""

    edition = forms.ModelChoiceField(queryset=Edition.objects.all())
    target = forms.ChoiceField(choices=AlertTarget.choices)
    sections = forms.ModelMultipleChoiceField(queryset=Section.objects.all(), required=False)
    tags = forms.ModelMultipleChoiceField(queryset=Tag.objects.all(), required=False)
    authors = forms.ModelMultipleChoiceField(queryset=Author.objects.all(), required=False)
    urgency = forms.ChoiceField(choices=AlertUrgency.choices, required=False)


def audience_message(*, devices: int, edition: Edition, target: str, urgency: str, chosen: bool) -> str:
    """What the compose and send pages say about an alert's audience; when it is nobody, why. ``chosen``:
    whether the editor chose any of what a followers target names (sections, tags or authors)."""
    if devices == 0:
        if target not in FOLLOWER_TARGETS:
            reason = f"no active device in the {edition.name} edition takes breaking news."
        elif not chosen:
            reason = f"choose the {target} whose followers get it."
        else:
            reason = f"no active device in the {edition.name} edition follows the chosen {target}."
        return f"No device will receive this alert: {reason}"
    message = f"This alert will reach {devices:,} device{'' if devices == 1 else 's'}."
    if urgency == AlertUrgency.NORMAL:
        message += " Those in their quiet hours get it when these end."
    return message


def _require_send(request: HttpRequest) -> None:
    if not alert_policy.can_send(request.user):
        raise PermissionDenied("You may not send push alerts.")


def article_draft_view(request: HttpRequest) -> JsonResponse:
    """``?article=<id>``: what an alert about that published article says by default (its edition,
    its writing direction, title and cut summary), for filling an empty title and body when the
    editor chooses the article. Anything but a published article is a 404: no draft leaks here.
    """
    _require_send(request)
    article = selectors.published_article_for_alert(pk=request.GET.get("article", ""))
    if article is None:
        raise Http404("No published article with this id.")
    draft = selectors.alert_draft_for(article=article)
    return JsonResponse(
        {
            "article": article.pk,
            "edition": article.edition_id,
            "dir": article.edition.dir,
            "title": draft["title"],
            "body": draft["body"],
        }
    )


def audience_view(request: HttpRequest) -> JsonResponse:
    """``?edition=&target=&sections=&tags=&authors=&urgency=``: how many devices an alert with these
    settings would reach now, and the sentence to show. A fixed number of queries however many are chosen.
    """
    _require_send(request)
    query = AudienceQuery(request.GET)
    if not query.is_valid():
        return JsonResponse({"errors": query.errors.get_json_data()}, status=400)
    edition, target = query.cleaned_data["edition"], query.cleaned_data["target"]
    chosen = {name: query.cleaned_data[name] for name in ("sections", "tags", "authors")}
    devices = selectors.audience_for(edition_id=edition.pk, target=target, **chosen).count()
    message = audience_message(
        devices=devices,
        edition=edition,
        target=target,
        urgency=query.cleaned_data["urgency"],
        chosen=bool(chosen.get(target)),
    )
    return JsonResponse({"devices": devices, "message": message, "none": devices == 0})


def compact_count(number: int) -> str:
    """12,345 as "12.3k" and 1,234,567 as "1.2M", so the list's counts fit a narrow column; below
    10,000 the exact number. The exact numbers are in the cell's title.
    """
    if number < 10_000:
        return f"{number:,}"
    value, unit = (number / 1000, "k") if number < 999_500 else (number / 1_000_000, "M")
    return f"{value:.0f}{unit}" if value >= 100 else f"{value:.1f}".removesuffix(".0") + unit
