"""Revisions in the editor site: every version with who made it and why, what changed field by
field, an "Activity" block for the change page, and restoring an old version.

``HistoryWithDiff`` builds on simple-history's ``SimpleHistoryAdmin`` (the history list at
``<pk>/history/``). Its own revert is switched off, because it saves the row past the services;
instead, on an admin that saves through the services (``SavesThroughServices``), "Restore this
version" asks for confirmation and then calls the admin's ``service_update`` with the version's
values, so the service checks the user's permissions exactly as for an edit: a reporter cannot
restore a published article, and a forged POST is refused there and changes nothing.

Diffs are computed for a whole page of versions at once (one query per many-to-many field), so
the history pages make a bounded number of queries however long the history is.
"""

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_m2m_reverse_field_name

from backend.admin_services import SavesThroughServices
from backend.history import revision_note

# Every save moves ``updated_at``; the version's own date says when. ``id`` never changes.
HIDDEN_FIELDS = frozenset({"id", "updated_at"})
# Text longer than this is shown as one word-level diff rather than "before" and "after" in full.
LONG_TEXT = 120
# Unchanged stretches of a long text keep this many words on each side of a change.
CONTEXT_WORDS = 8


@dataclass(frozen=True)
class FieldChange:
    """One field of one version against the version before it (or the live row, when restoring)."""

    label: str
    old: str
    new: str
    inline: SafeString | None = None  # a long text's word-level diff, <del> and <ins> marked


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j M Y, H:i")


def _display(field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return _when(value)
    return str(value)


def _word_diff(old: str, new: str) -> SafeString:
    """``old`` turned into ``new`` word by word, removed words in <del>, added in <ins>, long
    unchanged stretches cut down to their ends."""
    before, after = old.split(), new.split()
    parts: list[SafeString] = []
    opcodes = SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            words = before[i1:i2]
            head = words[:CONTEXT_WORDS] if index > 0 else []
            tail = words[-CONTEXT_WORDS:] if index < len(opcodes) - 1 else []
            if len(head) + len(tail) < len(words):
                parts.append(format_html("{} … {}", " ".join(head), " ".join(tail)))
            else:
                parts.append(format_html("{}", " ".join(words)))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", " ".join(before[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", " ".join(after[j1:j2])))
    return format_html_join(" ", "{}", ((part,) for part in parts))


def _change(field: models.Field[Any, Any] | None, label: str, old: Any, new: Any) -> FieldChange:
    old_text, new_text = _display(field, old), _display(field, new)
    long = isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT
    return FieldChange(capfirst(label), old_text, new_text, _word_diff(old, new) if long else None)


class HistoryWithDiff(SimpleHistoryAdmin):
    """The history list with each version's changes, a page per version, restore, and ``activity``."""

    object_history_list_template = "admin/history/object_history_list.html"
    history_version_template = "admin/history/version.html"
    history_restore_template = "admin/history/restore.html"
    activity_size = 20

    # --- simple-history's own revert is closed ------------------------------------------------

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        """simple-history's revert saves the row directly, past the services: restore is ``restore_view``."""
        return True

    @property
    def history_restorable(self) -> bool:
        """A version can be restored where the admin saves through a service that checks the user."""
        return isinstance(self, SavesThroughServices)

    # --- versions and their changes -----------------------------------------------------------

    def _history_model(self) -> Any:
        return getattr(self.model, self.model._meta.simple_history_manager_attribute).model

    def _versions(self, object_id: Any) -> Any:
        """The versions of one row, newest first, with their users and related rows joined."""
        history_model = self._history_model()
        related = [field.name for field in history_model.tracked_fields if isinstance(field, models.ForeignKey)]
        return (
            history_model.objects.filter(**{self.model._meta.pk.attname: object_id})
            .select_related("history_user", *related)
            .order_by("-history_date", "-history_id")
        )

    def _version_before(self, record: Any) -> Any:
        earlier = models.Q(history_date__lt=record.history_date) | models.Q(
            history_date=record.history_date, history_id__lt=record.history_id
        )
        return self._versions(getattr(record, self.model._meta.pk.attname)).filter(earlier).first()

    def _m2m_values(self, records: Sequence[Any]) -> dict[str, dict[int, dict[Any, str]]]:
        """For each many-to-many field, each version's related rows as ``{pk: label}``: one query per field."""
        values: dict[str, dict[int, dict[Any, str]]] = {}
        ids = [record.history_id for record in records]
        for field in self._history_model()._history_m2m_fields:
            target = get_m2m_reverse_field_name(field)
            rows = getattr(self._history_model(), field.name).model.objects.filter(history_id__in=ids)
            per_version: dict[int, dict[Any, str]] = defaultdict(dict)
            for row in rows.select_related(target).order_by("m2m_history_id"):
                related = getattr(row, target)
                target_id = getattr(row, f"{target}_id")
                label = str(related) if related is not None else f"deleted {field.related_model._meta.verbose_name}"
                per_version[row.history_id][target_id] = label
            values[field.name] = per_version
        return values

    @staticmethod
    def _related(record: Any, field: models.ForeignKey[Any, Any]) -> Any:
        """The row a version's foreign key named (joined already), or a note that it was deleted since."""
        if getattr(record, field.attname) is None:
            return None
        try:
            related = getattr(record, field.name)
        except ObjectDoesNotExist:
            related = None
        if related is None:
            model: Any = field.related_model
            return f"deleted {model._meta.verbose_name} #{getattr(record, field.attname)}"
        return related

    def _diff(self, new: Any, old: Any, m2m: dict[str, dict[int, dict[Any, str]]]) -> list[FieldChange]:
        """What ``new`` changed from ``old``, every tracked field included. (simple-history's ``diff_against``
        skips fields that forms do not edit, such as an article's status, and queries each version's
        many-to-many rows again; the state changes are what an audit most needs.)"""
        history_model = self._history_model()
        changes = []
        for field in history_model.tracked_fields:
            if field.name in HIDDEN_FIELDS:
                continue
            before, after = getattr(old, field.attname), getattr(new, field.attname)
            if before == after:
                continue
            if isinstance(field, models.ForeignKey):
                before, after = self._related(old, field), self._related(new, field)
            changes.append(_change(field, str(field.verbose_name), before, after))
        for field in history_model._history_m2m_fields:
            before = m2m[field.name].get(old.history_id, {})
            after = m2m[field.name].get(new.history_id, {})
            if before.keys() != after.keys():
                old_text = ", ".join(sorted(before.values())) or None
                new_text = ", ".join(sorted(after.values())) or None
                changes.append(_change(None, str(field.verbose_name), old_text, new_text))
        return sorted(changes, key=lambda change: change.label)

    def _changes_between(self, chain: Sequence[Any]) -> dict[int, list[FieldChange]]:
        """Each version of ``chain`` (newest first) against the next one in it."""
        m2m = self._m2m_values(chain)
        return {new.history_id: self._diff(new, old, m2m) for new, old in itertools.pairwise(chain)}

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Iterable[Any], foreign_keys_are_objs: bool = True
    ) -> None:
        """Give every version on the history page its changes (the oldest on a page too): a fixed
        number of queries, where simple-history's own runs several per version."""
        records = list(historical_records)
        if not records:
            return
        older = self._version_before(records[-1])
        changes = self._changes_between([*records, *([older] if older is not None else [])])
        for record in records:
            record.history_delta_changes = changes.get(record.history_id, [])

    # --- pages --------------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        restore = path(
            "<path:object_id>/history/<int:version_id>/restore/",
            self.admin_site.admin_view(self.restore_view),
            name=f"{opts.app_label}_{opts.model_name}_history_restore",
        )
        return [restore, *super().get_urls()]

    def _viewable(self, request: HttpRequest, object_id: str) -> Any:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _url(self, name: str, *args: Any) -> str:
        opts = self.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}", args=args)

    def _context(self, request: HttpRequest, obj: Any, record: Any, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": obj,
            "record": record,
            "when": _when(record.history_date),
            "history_url": self._url("history", obj.pk),
            "change_url": self._url("change", obj.pk),
            "version_url": self._url("simple_history", obj.pk, record.history_id),
            "restore_url": self._url("history_restore", obj.pk, record.history_id),
            **extra,
        }

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """One version: when, by whom, why, and what it changed field by field. Read-only."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not str(version_id).isdigit():
            raise Http404
        obj = self._viewable(request, object_id)
        record = get_object_or_404(self._versions(obj.pk), history_id=version_id)
        older = self._version_before(record)
        changes = self._changes_between([record, older])[record.history_id] if older is not None else []
        context = self._context(
            request,
            obj,
            record,
            title=f"{capfirst(self.model._meta.verbose_name)} “{obj}”: version of {_when(record.history_date)}",
            changes=changes,
            older=older,
            older_url=self._url("simple_history", obj.pk, older.history_id) if older is not None else "",
            restorable=self.history_restorable,
            **(extra_context or {}),
        )
        return TemplateResponse(request, self.history_version_template, context)

    def _restore_changes(self, obj: Any, record: Any) -> dict[str, Any]:
        """The service changes that bring ``obj`` back to ``record``: only what differs, only the fields the
        service takes (never the state: restoring does not publish or withdraw). A version that names a
        related row deleted since cannot be restored."""
        wanted = set(getattr(self, "service_fields", ()))
        changes: dict[str, Any] = {}
        gone: list[str] = []
        for field in self._history_model().tracked_fields:
            if field.name not in wanted:
                continue
            value = getattr(record, field.attname)
            if value == getattr(obj, field.attname):
                continue
            if isinstance(field, models.ForeignKey) and value is not None:
                try:
                    value = getattr(record, field.name)
                except ObjectDoesNotExist:
                    value = None
                if value is None:
                    gone.append(str(field.verbose_name))
                    continue
            changes[field.name] = value
        for field in self._history_model()._history_m2m_fields:
            if field.name not in wanted:
                continue
            target = get_m2m_reverse_field_name(field)
            ids = set(getattr(record, field.name).values_list(f"{target}_id", flat=True))
            if ids == set(getattr(obj, field.name).values_list("pk", flat=True)):
                continue
            rows = list(field.related_model._default_manager.filter(pk__in=ids))
            if len(rows) != len(ids):
                gone.append(str(field.verbose_name))
            changes[field.name] = rows
        if gone:
            raise ValidationError(
                f"This version names what has been deleted since ({', '.join(gone)}): it cannot be restored."
            )
        return changes

    def _restore_preview(self, obj: Any, changes: dict[str, Any]) -> list[FieldChange]:
        preview = []
        for name, value in changes.items():
            field = self.model._meta.get_field(name)
            if field.many_to_many:
                current = ", ".join(sorted(str(row) for row in getattr(obj, name).all())) or None
                restored = ", ".join(sorted(str(row) for row in value)) or None
                preview.append(_change(None, str(field.verbose_name), current, restored))
            else:
                preview.append(_change(field, str(field.verbose_name), getattr(obj, name), value))
        return sorted(preview, key=lambda change: change.label)

    def restore_view(self, request: HttpRequest, object_id: str, version_id: int) -> HttpResponse:
        """GET: what restoring this version would change, and a confirmation form. POST: restore it
        through the admin's service (which checks the user again), then say so."""
        obj = self._viewable(request, object_id)
        if not self.history_restorable:
            raise Http404
        record = get_object_or_404(self._versions(obj.pk), history_id=version_id)
        version_url = self._url("simple_history", obj.pk, record.history_id)
        error = ""
        try:
            changes = self._restore_changes(obj, record)
        except ValidationError as exc:
            changes, error = {}, " ".join(exc.messages)
        if request.method == "POST":
            if error:
                self.message_user(request, error, messages.ERROR)
                return HttpResponseRedirect(version_url)
            if not changes:
                self.message_user(request, f"“{obj}” is already as in this version: nothing to restore.")
                return HttpResponseRedirect(self._url("change", obj.pk))
            try:
                with revision_note(f"Restored the version of {_when(record.history_date)}"):
                    self.service_update(request, obj, changes)
            except ValidationError as exc:
                self.message_user(request, f"Not restored: {' '.join(exc.messages)}", messages.ERROR)
                return HttpResponseRedirect(version_url)
            names = ", ".join(sorted(str(self.model._meta.get_field(name).verbose_name) for name in changes))
            self.message_user(
                request,
                f"Restored “{obj}” to the version of {_when(record.history_date)} ({names}).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._url("change", obj.pk))
        context = self._context(
            request,
            obj,
            record,
            title=f"Restore the version of {_when(record.history_date)}?",
            changes=self._restore_preview(obj, changes),
            error=error,
            may_restore=self.has_change_permission(request, obj),
        )
        return TemplateResponse(request, self.history_restore_template, context)

    # --- the change page's activity block ---------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """With ``activity`` among the read-only fields: shown last, in its own "History" box, on a change
        page (whatever fieldsets the admin declares); never on an add page, where there is nothing yet."""
        fieldsets = super().get_fieldsets(request, obj)
        if "activity" not in self.get_readonly_fields(request, obj):
            return fieldsets
        kept = [
            (name, {**options, "fields": [field for field in options["fields"] if field != "activity"]})
            for name, options in fieldsets
        ]
        kept = [(name, options) for name, options in kept if options["fields"]]
        return kept if obj is None else [*kept, ("History", {"fields": ["activity"]})]

    @admin.display(description="Activity")
    def activity(self, obj: Any) -> str:
        """The latest versions, newest first: when, who (or the system), and why. For ``readonly_fields``."""
        if obj is None or obj.pk is None:
            return "Nothing yet."
        records = list(self._versions(obj.pk)[: self.activity_size])
        if not records:
            return "Nothing recorded yet."
        rows = format_html_join(
            "",
            '<li><time datetime="{}">{}</time> · {} · {}</li>',
            (
                (
                    record.history_date.isoformat(),
                    _when(record.history_date),
                    record.history_user.get_username() if record.history_user else "the system",
                    record.history_change_reason or record.get_history_type_display(),
                )
                for record in records
            ),
        )
        return format_html(
            '<ol class="history-activity">{}</ol><p><a href="{}">Every version, with what it changed</a></p>',
            rows,
            self._url("history", obj.pk),
        )
