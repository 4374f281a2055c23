"""Schemathesis hooks for ``test_schemathesis.py``: the rules the schema can only state in words.

The served schema is exact wherever JSON Schema can be: enums of the editions and sections,
patterns, bounds, one variant per event type. A few rules are left that it can only describe,
each stated in the description of the parameter or field it governs:

- a value that is data, not format: a tag slug of the requested edition (as a filter, or followed
  by a device), an author's slug, a cursor that the list handed out, a time zone of the tz
  database, a device token no other device holds, an alert sent to the device marking it read;
- a rule across two values: published_after before published_before, quiet hours whose
  start and end differ;
- a limit of the platform: an instant Python can hold (years 1 to 9999 in UTC).

For schema-valid (positive) cases only, these hooks make the generated request obey those
rules as an app does: by taking tags and cursors from the API's own responses, and so on.
Negative cases are left alone: whatever breaks the schema must still be refused.

The test passes the data the rules need (tags per edition, real cursors) as JSON in the
``NEWSLINE_SCHEMATHESIS_DATA`` environment variable.
"""

import itertools
import json
import os
from datetime import UTC, datetime
from typing import Any
from zoneinfo import available_timezones

import schemathesis
from schemathesis import Case, HookContext

DATA: dict[str, Any] = json.loads(os.environ.get("NEWSLINE_SCHEMATHESIS_DATA", "{}"))
# The keyset a list's cursors belong to, by path (backend.api.pagination.Keyset.name).
CURSOR_LISTS = {
    "/api/v1/articles/": "feed",
    "/api/v1/tags/{slug}/": "feed",
    "/api/v1/search/": "search",
    "/api/v1/sync/": "sync",
    "/api/v1/alerts/": "alerts",
    "/api/v1/devices/{id}/alerts/": "device-alerts",
}
_token_numbers = itertools.count(1)
TIME_ZONES = sorted(available_timezones())  # the server's own list: it runs on this interpreter


def _is_positive(case: Case) -> bool:
    meta = case.meta
    return meta is None or not meta.generation.mode.is_negative


def _pick(options: list[str], seed: Any) -> str:
    """One of ``options``, chosen by the generated value so that shrinking and replays stay stable."""
    return options[sum(str(seed).encode()) % len(options)]


def _real_tag(query: dict[str, Any]) -> None:
    """A ``tag`` names a tag of the requested edition: take one the test seeded there."""
    if "tag" not in query:
        return
    tags: list[str] = DATA["tags"].get(query.get("lang") or DATA["default_edition"], [])
    if tags:
        query["tag"] = _pick(tags, query["tag"])
    else:
        del query["tag"]


def _real_cursor(query: dict[str, Any], path: str) -> None:
    """A ``cursor`` is one the list handed out; an empty one means "first page" and stays."""
    if query.get("cursor") and path in CURSOR_LISTS:
        query["cursor"] = _pick(DATA["cursors"][CURSOR_LISTS[path]], query["cursor"])


def _instant(value: Any) -> datetime | None:
    """The UTC instant an RFC 3339 date-time names, or None when it is not one Python can hold."""
    try:
        return datetime.fromisoformat(str(value).upper().replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _representable(container: dict[str, Any], *names: str) -> None:
    """A date-time whose instant falls outside years 1 to 9999 (year 1 with a + offset) becomes one inside."""
    for name in names:
        if isinstance(container.get(name), str) and _instant(container[name]) is None:
            container[name] = "2000-01-01T00:00:00Z"


def _ordered_dates(query: dict[str, Any]) -> None:
    """published_before must be later than published_after: drop a before that is not."""
    _representable(query, "published_after", "published_before")
    after, before = _instant(query.get("published_after")), _instant(query.get("published_before"))
    if after is not None and before is not None and after >= before:
        del query["published_before"]


def _distinct_quiet_hours(body: dict[str, Any]) -> None:
    """Quiet hours start and end must differ: move an equal end one minute on."""
    quiet = body.get("quiet_hours")
    if isinstance(quiet, dict) and quiet.get("start") is not None and quiet.get("start") == quiet.get("end"):
        hours, minutes = (int(part) for part in str(quiet["start"]).split(":"))
        following = (hours * 60 + minutes + 1) % (24 * 60)
        quiet["end"] = f"{following // 60:02d}:{following % 60:02d}"


def _known_time_zone(body: dict[str, Any]) -> None:
    """A ``timezone`` is a name of the tz database, not just any name of that shape."""
    if "timezone" in body and body["timezone"] not in TIME_ZONES:
        body["timezone"] = _pick(TIME_ZONES, body["timezone"])


def _real_follows(body: dict[str, Any]) -> None:
    """``tags`` are tags of the device's edition and ``authors`` authors: take slugs the test seeded.

    A body without ``language`` (a PATCH) is about whatever edition earlier PATCHes left the device
    in: it gets the tag that every edition has.
    """
    if isinstance(body.get("tags"), list):
        everywhere = sorted(set.intersection(*(set(slugs) for slugs in DATA["tags"].values())))
        tags: list[str] = DATA["tags"].get(body["language"], []) if "language" in body else everywhere
        body["tags"] = [_pick(tags, tag) for tag in body["tags"]] if tags else []
    if isinstance(body.get("authors"), list):
        body["authors"] = [_pick(DATA["authors"], author) for author in body["authors"]]


def _free_token(body: dict[str, Any]) -> None:
    """A PATCH must not take another device's token (a 400): give each PATCH a token of its own.

    It also keeps POST /devices/ from ever re-registering the test's device (which would
    rotate its secret and turn the rest of the run into 404s).
    """
    if isinstance(body.get("token"), str):
        prefix = f"schemathesis-patch-{next(_token_numbers):06d}-"
        body["token"] = (prefix + body["token"])[:2048]


def _own_alert(path_parameters: dict[str, Any]) -> None:
    """Marking an alert read: the test's device (its secret is the one sent), and an alert sent to it."""
    path_parameters["id"] = DATA["device"]
    path_parameters["alert_id"] = _pick(DATA["inbox"], path_parameters.get("alert_id"))


@schemathesis.hook
def map_case(context: HookContext, case: Case) -> Case:
    """Make a positive case keep the described rules; leave a negative one as generated.

    Schemathesis revalidates a changed case against the schema, so each change keeps it valid.
    """
    if not _is_positive(case):
        return case
    path = case.operation.path
    if path == "/api/v1/devices/{id}/alerts/{alert_id}/read/" and isinstance(case.path_parameters, dict):
        path_parameters = dict(case.path_parameters)
        _own_alert(path_parameters)
        if path_parameters != case.path_parameters:
            case.path_parameters = path_parameters
    if isinstance(case.query, dict) and case.query:
        query = dict(case.query)
        _real_cursor(query, path)
        if path == "/api/v1/articles/":
            _real_tag(query)
            _ordered_dates(query)
        if query != case.query:
            case.query = query
    if isinstance(case.body, list) and path == "/api/v1/events/":
        events = json.loads(json.dumps(case.body))
        for event in events:
            if isinstance(event, dict):
                _representable(event, "at")
        if events != case.body:
            case.body = events
    if isinstance(case.body, dict) and path in ("/api/v1/devices/", "/api/v1/devices/{id}/"):
        body = json.loads(json.dumps(case.body))
        _distinct_quiet_hours(body)
        _known_time_zone(body)
        _real_follows(body)
        if case.method.upper() == "PATCH":
            _free_token(body)
        if body != case.body:
            case.body = body
    return case
