"""The alert admin's parts: the compose page's counted title and body inputs, editions that carry
their writing direction, the other editions' texts (one form per edition), the two JSON reads the
page's script asks as the editor types, and the list's compact counts.

The script (``notifications/static/notifications/admin/alert_compose.js``) only reads: what an
alert about an article would say (``article_draft_view``) and how many devices an alert with the
form's settings would reach now (``audience_view``). Both are for staff who may send alerts
(``notifications.send_alert``); saving still goes through the form and ``alert_create``.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse

from newsapi.models import Author, Edition, Section, Tag
from notifications import selectors
from notifications.models import BODY_MAX_LENGTH, FOLLOWER_TARGETS, TITLE_MAX_LENGTH, AlertTarget, AlertUrgency
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


class EditionTextForm(forms.Form):
    """One more edition of a compose: its edition, and the title and body its devices get.

    Every field may be left empty: a row with nothing chosen or written is no edition. A row with
    an edition needs both texts; the compose form checks the rest (the same edition twice, an
    edition the chosen story has no translation in). The texts are right-to-left when the row's
    edition is, as the compose form's own.
    """

    edition = forms.ModelChoiceField(queryset=Edition.objects.all(), required=False, widget=EditionSelect)
    title = forms.CharField(
        max_length=TITLE_MAX_LENGTH, required=False, strip=True, widget=CountedInput(limit=TITLE_MAX_LENGTH)
    )
    body = forms.CharField(
        max_length=BODY_MAX_LENGTH, required=False, strip=True, widget=CountedTextarea(limit=BODY_MAX_LENGTH)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        direction = self._edition_dir()
        for name in ("title", "body"):
            if direction:
                self.fields[name].widget.attrs["dir"] = direction

    def _edition_dir(self) -> str | None:
        chosen: Any = self.data.get(self.add_prefix("edition")) if self.is_bound else self.initial.get("edition")
        if isinstance(chosen, Edition):
            return chosen.dir
        if not chosen or not str(chosen).isdigit():
            return None
        return Edition.objects.filter(pk=int(chosen)).values_list("dir", flat=True).first()

    def is_empty(self) -> bool:
        """Nothing chosen or written: not an edition of the alert."""
        cleaned = getattr(self, "cleaned_data", {})
        return not (cleaned.get("edition") or cleaned.get("title") or cleaned.get("body"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_empty():
            return cleaned
        if cleaned.get("edition") is None:
            self.add_error("edition", "Choose the edition this text is for, or clear the text.")
            return cleaned
        name = cleaned["edition"].name
        for field in ("title", "body"):
            if field in cleaned and not cleaned[field]:
                self.add_error(field, f"Write the {field} for the {name} edition, or leave the edition out.")
        return cleaned


class BaseEditionTextFormSet(forms.BaseFormSet[EditionTextForm]):
    """The compose page's other editions (``editions-`` in the post). A post without the formset's
    management form (an older page, a script) composes for the main edition alone."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = {**dict(data.items()), f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
        super().__init__(data, *args, **kwargs)

    @classmethod
    def get_default_prefix(cls) -> str:
        return "editions"


def edition_texts_formset(*, data: Any = None, initial: list[dict[str, Any]] | None = None) -> BaseEditionTextFormSet:
    """The other editions' rows: the prefilled ones (``initial``, a story's translations), then empty
    ones up to one per edition but the main one; the page's script shows the empty ones one by one."""
    initial = initial or []
    extra = max(0, Edition.objects.count() - 1 - len(initial))
    formset_class = forms.formset_factory(EditionTextForm, formset=BaseEditionTextFormSet, extra=extra)
    return cast(BaseEditionTextFormSet, formset_class(data, initial=initial, prefix="editions"))


class AudienceQuery(forms.Form):
    """The compose form's settings that decide who gets an alert, as the page's script sends them.
    ``editions``: the compose's other editions, each counted on its own."""

    edition = forms.ModelChoiceField(queryset=Edition.objects.all())
    editions = forms.ModelMultipleChoiceField(queryset=Edition.objects.all(), required=False)
    target = forms.ChoiceField(choices=AlertTarget.choices)
    sections = forms.ModelMultipleChoiceField(queryset=Section.objects.all(), required=False)
    tags = forms.ModelMultipleChoiceField(queryset=Tag.objects.all(), required=False)
    authors = forms.ModelMultipleChoiceField(queryset=Author.objects.all(), required=False)
    urgency = forms.ChoiceField(choices=AlertUrgency.choices, required=False)


def audience_message(
    *, devices: int, edition: Edition, target: str, urgency: str, chosen: bool, where: str = ""
) -> str:
    """What the compose and send pages say about an alert's audience; when it is nobody, why. ``chosen``:
    whether the editor chose any of what a followers target names (sections, tags or authors);
    ``where``: the editions looked in, when not ``edition`` alone."""
    if devices == 0:
        where = where or f"the {edition.name} edition"
        if target not in FOLLOWER_TARGETS:
            reason = f"no active device in {where} takes breaking news."
        elif not chosen:
            reason = f"choose the {target} whose followers get it."
        else:
            reason = f"no active device in {where} follows the chosen {target}."
        return f"No device will receive this alert: {reason}"
    message = f"This alert will reach {devices:,} device{'' if devices == 1 else 's'}."
    if urgency == AlertUrgency.NORMAL:
        message += " Those in their quiet hours get it when these end."
    return message


def isolated(name: str) -> str:
    """``name`` as a bidirectional isolate (FSI … PDI): a right-to-left edition name in an English
    sentence keeps the count after it on its own side ("کوردی 2", never "2 کوردی")."""
    return f"\u2068{name}\u2069"


def editions_audience_message(*, counts: list[tuple[Edition, int]], target: str, urgency: str, chosen: bool) -> str:
    """What the compose and send pages say about the audience of a compose in several editions:
    the total, each edition's count, and which editions reach nobody."""
    if len(counts) == 1:
        edition, devices = counts[0]
        return audience_message(devices=devices, edition=edition, target=target, urgency=urgency, chosen=chosen)
    total = sum(devices for _, devices in counts)
    if total == 0:
        return audience_message(
            devices=0, edition=counts[0][0], target=target, urgency=urgency, chosen=chosen, where="any of its editions"
        )
    each = ", ".join(f"{isolated(edition.name)} {devices:,}" for edition, devices in counts)
    message = f"This alert will reach {total:,} device{'' if total == 1 else 's'} in {len(counts)} editions: {each}."
    nobody = [isolated(edition.name) for edition, devices in counts if devices == 0]
    if nobody:
        message += f" No device in {', '.join(nobody)} will receive it."
    if urgency == AlertUrgency.NORMAL:
        message += " Those in their quiet hours get it when these end."
    return message


def _require_send(request: HttpRequest) -> None:
    if not alert_policy.can_send(request.user):
        raise PermissionDenied("You may not send push alerts.")


def article_draft_view(request: HttpRequest) -> JsonResponse:
    """``?article=<id>``: what an alert about that published article says by default (its edition,
    its writing direction, title and cut summary), and the same for each of its published
    translations in other editions (``translations``), for filling empty titles and bodies when the
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
            "translations": [
                {
                    "edition": other["edition"].pk,
                    "dir": other["edition"].dir,
                    "title": other["title"],
                    "body": other["body"],
                }
                for other in selectors.alert_translation_drafts(article=article)
            ],
        }
    )


def audience_view(request: HttpRequest) -> JsonResponse:
    """``?edition=&editions=&target=&sections=&tags=&authors=&urgency=``: how many devices an alert
    with these settings would reach now, in its edition and in each other edition of the compose
    (``editions``), and the sentence to show. A fixed number of queries per edition however many
    sections, tags or authors are chosen.
    """
    _require_send(request)
    query = AudienceQuery(request.GET)
    if not query.is_valid():
        return JsonResponse({"errors": query.errors.get_json_data()}, status=400)
    edition, target = query.cleaned_data["edition"], query.cleaned_data["target"]
    chosen = {name: query.cleaned_data[name] for name in ("sections", "tags", "authors")}
    editions = [edition, *(other for other in query.cleaned_data["editions"] if other.pk != edition.pk)]
    counts = [(each, selectors.audience_for(edition_id=each.pk, target=target, **chosen).count()) for each in editions]
    total = sum(devices for _, devices in counts)
    message = editions_audience_message(
        counts=counts, target=target, urgency=query.cleaned_data["urgency"], chosen=bool(chosen.get(target))
    )
    return JsonResponse(
        {
            "devices": total,
            "message": message,
            "none": total == 0,
            "editions": [{"code": each.code, "name": each.name, "devices": devices} for each, devices in counts],
        }
    )


def compact_count(number: int) -> str:
    """12,345 as "12.3k" and 1,234,567 as "1.2M", so the list's counts fit a narrow column; below
    10,000 the exact number. The exact numbers are in the cell's title.
    """
    if number < 10_000:
        return f"{number:,}"
    value, unit = (number / 1000, "k") if number < 999_500 else (number / 1_000_000, "M")
    return f"{value:.0f}{unit}" if value >= 100 else f"{value:.1f}".removesuffix(".0") + unit
