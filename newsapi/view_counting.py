"""Which reported views count: readers, not requests (``newsapi.services.article_views_record``).

"Most read" ranks what the apps report, and reporting costs a script nothing, so who reports a view
decides whether, and how often, it counts:

- **A registered device** (``Authorization: Device <secret>``): once per article per hour, however often
  it reports. Devices are limited where they are made (``DEVICE_REGISTRATIONS_PER_IP_PER_DAY``), so
  their views are not capped per address: thousands of readers behind a carrier's NAT all count.
- **An install id** (``X-Install-Id``, a UUID the app makes once): once per article per hour too, and,
  because an id costs nothing to make up, the ids behind one address (an IPv6 client's /64) count for
  at most ``VIEWS_INSTALLS_PER_ADDRESS`` distinct ids per article per hour. A script behind one
  address that makes a fresh id per view moves an article by at most that many views an hour; the
  genuine readers of a NAT beyond that many count through their registered devices.
- **Nobody** (neither): the API accepts the batch and counts none of its views.

"Hour" is the hour the server receives the view in, not the ``at`` the app reports (the view still
counts in the hour of its ``at``): keyed on ``at``, one device could report the same article at each of
the last 168 hours in one batch and add 168 views to the week at once. A batch's several views of one
article count once, in the hour of the first. An app offline for hours that reports two readings of one
article in one batch counts once: the price of that bound.

Both checks are atomic cache operations that work on Redis and on the in-process cache alike: a
``cache.add`` of ``views:seen:<viewer>:<article>:<hour>`` (first one wins) and a counter
``views:installs:<address>:<article>:<hour>`` (``backend.api.throttles.count``, one INCR). Each key
lives until its hour is over (plus ``GRACE_SECONDS`` for web processes whose clocks differ), so the
cache holds about an hour of them: one per counted view of that hour. A key the cache loses under
memory pressure lets that viewer count once more in that hour.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

from backend.api.throttles import count

HOUR = 3600
GRACE_SECONDS = 300


@dataclass(frozen=True, kw_only=True)
class Viewer:
    """Who reported a batch of views: ``key`` names the reader; ``address`` is set when its views are capped."""

    key: str
    address: str | None = None

    @classmethod
    def device(cls, device_id: int) -> Viewer:
        return cls(key=f"d{device_id}")

    @classmethod
    def install(cls, install_id: str, *, address: str) -> Viewer:
        """An install id's views, capped per ``address`` (``backend.api.throttles.address_bucket``)."""
        return cls(key=f"i{install_id}", address=address)


@dataclass
class Claim:
    """The articles whose view counts this time, and the cache entries that said so (to undo them)."""

    articles: set[int] = field(default_factory=set)
    seen: list[str] = field(default_factory=list)
    capped: list[str] = field(default_factory=list)

    def release(self) -> None:
        """Undo the claim (the views were not recorded after all): a retry of the batch counts them."""
        cache.delete_many(self.seen)
        for key in self.capped:
            with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
                cache.decr(key)


def key_timeout(now: datetime) -> int:
    """Seconds the keys of the hour holding ``now`` are kept: to its end, plus ``GRACE_SECONDS``."""
    seconds = int(now.timestamp())
    return (seconds // HOUR + 1) * HOUR - seconds + GRACE_SECONDS


def views_claim(*, viewer: Viewer, article_ids: Iterable[int], now: datetime) -> Claim:
    """Of ``article_ids`` (each once), the ones ``viewer`` counts a view of in the hour holding ``now``.

    One ``cache.add`` per article, plus one counter per first-seen article for a capped viewer. An
    article past the address's cap stays claimed by this viewer: it does not count this hour either.
    """
    hour = int(now.timestamp()) // HOUR
    timeout = key_timeout(now)
    cap = settings.VIEWS_INSTALLS_PER_ADDRESS
    claim = Claim()
    for article_id in article_ids:
        seen = f"views:seen:{viewer.key}:{article_id}:{hour}"
        if not cache.add(seen, 1, timeout):
            continue  # this viewer already counted this article this hour
        claim.seen.append(seen)
        if viewer.address is not None:
            installs = f"views:installs:{viewer.address}:{article_id}:{hour}"
            claim.capped.append(installs)
            if count(installs, timeout) > cap:
                continue
        claim.articles.add(article_id)
    return claim
