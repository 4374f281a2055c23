"""Keyset (cursor) pagination: stable while new items arrive, one query per page.

A cursor is an opaque token naming the last item seen, by the ordering columns
(for example ``published_at`` then ``id``), and the direction of travel. Items
published while a reader scrolls sort before the first page, so nothing on later
pages repeats or vanishes. A cursor from another list, or a tampered one, is a 400.
"""

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from django.db.models import BigIntegerField, DateTimeField, Field, FloatField, Model, Q, QuerySet
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from backend.compiled import Param, Query

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

FieldType = Literal["datetime", "int", "float"]


class PageParams(serializers.Serializer):
    """The two query parameters every paginated list takes."""

    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE)
    cursor = serializers.CharField(required=False, max_length=512)


@dataclass(frozen=True)
class Keyset:
    """An ordering over unique keys: ``fields`` as (attribute, type), all ascending or all descending."""

    name: str
    fields: Sequence[tuple[str, FieldType]]
    descending: bool = True

    def encode(self, item: Model, *, forward: bool) -> str:
        values = [_dump(getattr(item, field), kind) for field, kind in self.fields]
        raw = json.dumps({"k": self.name, "v": values, "d": "n" if forward else "p"}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, token: str) -> tuple[list[Any], bool]:
        """Return (values, forward) or raise a ValidationError naming the cursor."""
        error = serializers.ValidationError({"cursor": ["This cursor is not valid for this list."]})
        try:
            padded = token + "=" * (-len(token) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise error from None
        if not isinstance(data, dict) or data.get("k") != self.name or data.get("d") not in ("n", "p"):
            raise error
        raw_values = data.get("v")
        if not isinstance(raw_values, list) or len(raw_values) != len(self.fields):
            raise error
        try:
            values = [_load(value, kind) for value, (_, kind) in zip(raw_values, self.fields, strict=True)]
        except (TypeError, ValueError, OverflowError):
            raise error from None
        return values, data["d"] == "n"

    def after(self, values: list[Any], *, forward: bool) -> Q:
        """Rows strictly past ``values`` in the direction of travel (row-value comparison, spelled out)."""
        go_down = self.descending == forward
        op = "lt" if go_down else "gt"
        *leading, (last, _) = self.fields
        condition = Q(**{f"{last}__{op}": values[-1]})
        for index in range(len(leading) - 1, -1, -1):
            field = leading[index][0]
            condition = Q(**{f"{field}__{op}": values[index]}) | (Q(**{field: values[index]}) & condition)
        return condition

    def order_by(self, *, forward: bool) -> list[str]:
        go_down = self.descending == forward
        return [("-" if go_down else "") + field for field, _ in self.fields]

    def merged(self, first: list[Any], second: list[Any], *, forward: bool) -> list[Any]:
        """Two lists of rows in this order, no row in both, as one list in this order."""
        return sorted(
            [*first, *second],
            key=lambda row: tuple(getattr(row, field) for field, _ in self.fields),
            reverse=self.descending == forward,
        )


def _dump(value: Any, kind: FieldType) -> Any:
    if kind == "datetime":
        return value.isoformat()
    if kind == "float":
        return float(value)
    return int(value)


def _load(value: Any, kind: FieldType) -> Any:
    if kind == "datetime":
        if not isinstance(value, str):
            raise TypeError
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed.astimezone(UTC)  # OverflowError past year 1 or 9999, which no column holds
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise TypeError
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError
    if not -(2**63) <= value < 2**63:
        raise OverflowError  # no id column holds it
    return value


@dataclass
class Page:
    items: list[Any]
    next: str | None
    previous: str | None

    def as_dict(self, results: Any) -> dict[str, Any]:
        return {"next": self.next, "previous": self.previous, "results": results}


class Narrowing(Protocol):
    """A cheaper question to ask first: ``condition`` narrows the list, ``covers`` says when the page it gave is exact.

    ``covers`` sees the narrowed rows in order (at most ``wanted``, one more than the page) and answers
    True only when no row outside ``condition`` could have been among them (``newsapi.search.RecentFirst``).
    When they are not, ``further`` may name, from those rows, the rows just outside ``condition`` that
    could still be on the page: asked once, merged with them, and ``covers`` asked of that narrowing.
    ``whole`` is added when the whole list is asked instead: a condition its rows already meet, in the
    form an index answers (the narrowed list is read by another index).
    """

    @property
    def condition(self) -> Q: ...

    @property
    def whole(self) -> Q: ...

    def covers(self, rows: list[Any], *, wanted: int) -> bool: ...

    def further(self, rows: list[Any], *, wanted: int) -> "Narrowing | None": ...


FIELD_TYPES: dict[FieldType, type[Field[Any, Any]]] = {
    "datetime": DateTimeField,
    "int": BigIntegerField,
    "float": FloatField,
}


def paginate(
    source: QuerySet[Any] | Query, request: Request, keyset: Keyset, narrowing: Narrowing | None = None
) -> Page:
    """Fetch one page of ``source`` (already filtered, not yet ordered) in one query.

    ``source`` is a queryset, or a compiled query (``backend.compiled``) whose rows have the keyset's
    fields as attributes: each page size and direction is then its own compiled variant.
    With a ``narrowing`` (querysets only), a forward page is first asked of the narrowed list, then of
    the further rows it names, if any, and of the whole list only when those do not provably make the
    same page (at most three queries).
    """
    params = PageParams(data=request.query_params)
    params.is_valid(raise_exception=True)
    page_size: int = params.validated_data["page_size"]
    token: str | None = params.validated_data.get("cursor")

    forward = True
    after: list[Any] | None = None
    if token:
        after, forward = keyset.decode(token)
    rows: list[Any] | None = None
    if isinstance(source, Query):
        rows = _compiled_page(source, keyset, after, forward=forward, limit=page_size + 1)
    else:
        queryset = source if after is None else source.filter(keyset.after(after, forward=forward))
        ordered = queryset.order_by(*keyset.order_by(forward=forward))
        if narrowing is not None and forward:
            rows = _narrowed_page(ordered, keyset, narrowing, wanted=page_size + 1)
        if rows is None:
            rows = list((ordered if narrowing is None else ordered.filter(narrowing.whole))[: page_size + 1])
    has_more = len(rows) > page_size
    rows = rows[:page_size]
    if not forward:
        rows.reverse()

    base = remove_query_param(request.build_absolute_uri(), "cursor")
    next_url = previous_url = None
    if rows:
        if has_more or not forward:
            next_url = replace_query_param(base, "cursor", keyset.encode(rows[-1], forward=True))
        if token and (forward or has_more):
            previous_url = replace_query_param(base, "cursor", keyset.encode(rows[0], forward=False))
    elif token and not forward:
        next_url = base  # scrolled back past the start: the first page is the way on
    return Page(items=rows, next=next_url, previous=previous_url)


def _narrowed_page(ordered: QuerySet[Any], keyset: Keyset, narrowing: Narrowing, *, wanted: int) -> list[Any] | None:
    """The page's forward rows from ``narrowing`` and the ``further`` rows it names; None when they don't cover."""
    rows = list(ordered.filter(narrowing.condition)[:wanted])
    if narrowing.covers(rows, wanted=wanted):
        return rows
    further = narrowing.further(rows, wanted=wanted)
    if further is None:
        return None
    rows = keyset.merged(rows, list(ordered.filter(further.condition)[:wanted]), forward=True)[:wanted]
    return rows if further.covers(rows, wanted=wanted) else None


def _compiled_page(source: Query, keyset: Keyset, after: list[Any] | None, *, forward: bool, limit: int) -> list[Any]:
    names = [f"keyset_{index}" for index in range(len(keyset.fields))]
    placeholders = [Param(name, FIELD_TYPES[kind]()) for name, (_, kind) in zip(names, keyset.fields, strict=True)]

    def extend(queryset: QuerySet[Any]) -> QuerySet[Any]:
        if after is not None:
            queryset = queryset.filter(keyset.after(placeholders, forward=forward))
        return queryset.order_by(*keyset.order_by(forward=forward))[:limit]

    values = dict(zip(names, after, strict=True)) if after is not None else {}
    page = source.extended(("page", keyset.name, after is not None, forward, limit), extend, **values)
    return page.rows()
