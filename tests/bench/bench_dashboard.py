"""The editor dashboard at a real newsroom's size: ``make bench-dashboard`` (issue #11).

Recreates the PostgreSQL database ``newsline_bench_dash`` and fills it with ``COPY`` (the helpers of
``tests/bench/dataset.py``): 20,000 published articles over six editions (plus 1% withdrawn and 0.5%
drafts), a week of hourly view counts at 1,000,000 views a day (each day its own Zipf ranking of the
articles out by then, the newest most read, readers asleep at night), 70 alerts of the last 7 days
with their open counts per span after the send, and 500,000 devices registered over two years
(about 1,000 a day lately; a tenth stale, a tenth with a dead token). About a minute to build.

Then, in a child process on production settings (``DEBUG=0``, the cache in Redis), through Django's
test client logged in as an editor and as a reporter, ``BENCH_ROUNDS`` (15) requests each:

- the dashboard uncached (its figures dropped from the cache before each request): every query runs;
- the dashboard cached (what editors get within a minute of each other);
- a bare admin page: the reporter's stock index, the same admin frame without the dashboard;
- the figures alone (``dashboard_figures_compute``);

with the median and the 90th percentile time and the queries per request; then ``EXPLAIN (ANALYZE,
BUFFERS)`` of each of the dashboard's own queries: time, rows and the plan's access path (every plan
in ``/tmp/newsline-bench-dashboard/plans.md``). Knobs: ``BENCH_ROUNDS``, ``BENCH_STEPS=data,measure``.
"""

import json
import math
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PYTHON = str(ROOT / ".venv" / "bin" / "python")
DATABASE = "newsline_bench_dash"
WORK = Path("/tmp/newsline-bench-dashboard")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
STEPS = os.environ.get("BENCH_STEPS", "data,measure").split(",")
ARTICLES = 20_000
DAY_VIEWS = 1_000_000
DAYS = 7
ALERTS = 70
DEVICES = 500_000
RECENT_DEVICES_PER_DAY = 1_000
EDITION_SHARES = {"en": 0.2, "ckb": 0.3, "ar": 0.2, "kmr": 0.12, "fa": 0.1, "tr": 0.08}
SEED = 20261204


def env(*, production: bool) -> dict[str, str]:
    """The benchmark's database; its own Redis databases (broker 6, cache 7) and cache key prefix."""
    values = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": "redis://127.0.0.1:6379/6",
        "CACHE_KEY_PREFIX": "bench-dash",
        "LOG_LEVEL": "WARNING",
        "NEWSLINE_VAR_DIR": str(WORK / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    if production:
        values.update(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="testserver,127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            DEVTOOLS="0",
        )
    else:
        values.update(DEBUG="1")
    return values


def sh(cmd: list[str], environ: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=environ, check=True, text=True, **kwargs)


def psql(sql: str) -> None:
    sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc", sql], dict(os.environ))


# --- data (child process) -------------------------------------------------------------------------


def fill() -> dict[str, int]:
    """Write the data set into the (migrated, empty) database; how many rows of each."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from newsapi.models import Article, ArticleStatus, ArticleViewCount, Edition, Section
    from notifications.models import Alert, AlertOpenCount, AlertState, Device
    from tests.bench import dataset  # COPY and its index helpers

    rng = random.Random(SEED)
    now = timezone.now()
    editions = {edition.code: edition for edition in Edition.objects.all()}
    section, _ = Section.objects.get_or_create(slug="world", defaults={"position": 1})

    # Articles: the publishing pace of a real newsroom over the editions, the newest last.
    given = ["edition_id", "section_id", "title", "slug", "status", "published_at", "created_at", "updated_at"]
    default_columns, default_values = dataset.with_defaults(Article, given)
    span = timedelta(days=ARTICLES / 91)
    plan = sorted(now - span * rng.random() for _ in range(ARTICLES))
    codes = rng.choices(list(EDITION_SHARES), weights=list(EDITION_SHARES.values()), k=ARTICLES)
    rows, published = [], []
    for article_id, (at, code) in enumerate(zip(plan, codes, strict=True), start=1):
        roll = rng.random()
        status = (
            ArticleStatus.UNPUBLISHED
            if roll < 0.01
            else ArticleStatus.DRAFT
            if roll < 0.015
            else ArticleStatus.PUBLISHED
        )
        rows.append(
            [article_id, editions[code].pk, section.pk, f"Story {article_id} in {code}", f"bench-{article_id}",
             status, None if status == ArticleStatus.DRAFT else at, at, at, *default_values]
        )  # fmt: skip
        if status != ArticleStatus.DRAFT:
            published.append((article_id, editions[code].pk, at))
    dataset.copy_rows(Article, ["id", *given, *default_columns], rows)
    dataset.reset_sequence(Article)

    # A week of hours: each day ranks the articles out by then, the newest most read (Zipf over the ranks).
    shares = [1 / rank for rank in range(1, len(published) + 1)]
    harmonic = sum(shares)
    this_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hours = [this_hour - timedelta(hours=offset) for offset in range(DAYS * 24 - 1, -1, -1)]
    rhythm = [0.3 + math.sin(math.pi * ((hour.hour + 3 - 6) % 24) / 24) ** 2 for hour in hours]
    per_hour = [DAY_VIEWS * weight / (sum(rhythm) / DAYS) for weight in rhythm]
    views: list[tuple[int, int, datetime, int]] = []
    ranking: list[tuple[int, int, datetime]] = []
    for index, hour in enumerate(hours):
        if index % 24 == 0 or not ranking:
            out = [row for row in published if row[2] <= hour]
            ranking = sorted(out, key=lambda row: (hour - row[2]).total_seconds() / 86400 + rng.expovariate(1 / 3))
        for rank, (article_id, edition_id, at) in enumerate(ranking):
            if at > hour:
                continue
            count = round(per_hour[index] * shares[rank] / harmonic)
            if not count:
                break
            views.append((article_id, edition_id, hour, count))
    indexes = dataset.secondary_indexes(ArticleViewCount)
    dataset.drop_indexes(indexes)
    dataset.copy_rows(ArticleViewCount, ["article_id", "edition_id", "hour", "count"], views)
    dataset.create_indexes(indexes)

    # Devices: two years of registrations, about RECENT_DEVICES_PER_DAY a day in the last weeks.
    given = ["token", "platform", "app_version", "edition_id", "timezone", "breaking", "secret_hash", "is_active",
             "deactivated_reason", "is_stale", "created_at", "refreshed_at", "updated_at"]  # fmt: skip
    default_columns, default_values = dataset.with_defaults(Device, given)
    recent = RECENT_DEVICES_PER_DAY * 30
    device_rows = []
    for number in range(DEVICES):
        days_ago = rng.random() * 30 if number < recent else 30 + rng.random() * 700
        created = now - timedelta(days=days_ago)
        active, stale = rng.random() > 0.1, rng.random() < 0.1
        code = rng.choices(list(EDITION_SHARES), weights=list(EDITION_SHARES.values()))[0]
        device_rows.append(
            [f"bench-token-{number:07d}", "android" if rng.random() < 0.7 else "ios", "3.2.1", editions[code].pk,
             "Asia/Baghdad", True, f"{number:064x}", active, "" if active else "fcm-token-invalid", stale,
             created, created, created, *default_values]
        )  # fmt: skip
    indexes = dataset.secondary_indexes(Device)
    dataset.drop_indexes(indexes)
    dataset.copy_rows(Device, given + default_columns, device_rows)
    dataset.create_indexes(indexes)

    # 70 alerts in the last 7 days, each with its opens over the spans after the send.
    alerts = []
    for number in range(ALERTS):
        code = rng.choices(list(EDITION_SHARES), weights=list(EDITION_SHARES.values()))[0]
        started = now - timedelta(hours=DAYS * 24 * (number + 0.5) / ALERTS)
        targeted = rng.randint(20_000, 150_000)
        sent = round(targeted * rng.uniform(0.93, 0.99))
        alerts.append(
            Alert(edition=editions[code], title=f"Alert {number}", body="Open the app to read more.",
                  state=AlertState.SENT, started_at=started, finished_at=started + timedelta(minutes=2),
                  targeted=targeted, sent=sent)
        )  # fmt: skip
    Alert.objects.bulk_create(alerts)
    counts = []
    for alert in alerts:
        shares_after = (0.04, 0.03, 0.025, 0.015, 0.01, 0.005)
        spans = [round(alert.sent * share * rng.uniform(0.6, 1.4)) for share in shares_after]
        counts += [
            AlertOpenCount(alert=alert, minutes_after_send=start, count=count)
            for start, count in zip(AlertOpenCount.SPANS, spans, strict=True)
        ]
        alert.opened = sum(spans)
    AlertOpenCount.objects.bulk_create(counts)
    Alert.objects.bulk_update(alerts, ["opened"])
    with connection.cursor() as cursor:
        for model in (Article, ArticleViewCount, Device, Alert, AlertOpenCount):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return {"articles": ARTICLES, "view_rows": len(views), "devices": DEVICES, "alerts": ALERTS}


# --- measure (child process) ----------------------------------------------------------------------


def explain(sql: str) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0][0]
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        text = "\n".join(row[0] for row in cursor.fetchall())

    def scans(node: dict[str, Any]) -> list[str]:
        found = []
        if "Scan" in node["Node Type"]:
            on = f" on {node['Relation Name']}" if "Relation Name" in node else ""
            found.append(f"{node['Node Type']}{on}" + (f" using {node['Index Name']}" if "Index Name" in node else ""))
        for child in node.get("Plans", []):
            found += scans(child)
        return found

    top = plan["Plan"]
    return {
        "ms": plan["Execution Time"],
        "rows": top.get("Actual Rows"),
        "buffers": top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0),
        "scans": sorted(set(scans(top))),
        "text": text,
    }


def measure() -> dict[str, Any]:
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from backend.roles import EDITOR, REPORTER
    from notifications.dashboard import CACHE_KEY, dashboard_figures_compute
    from tests.factories import user_with_role

    editor, reporter = Client(), Client()
    editor.force_login(user_with_role(EDITOR, username=f"bench-editor-{secrets.token_hex(4)}"))
    reporter.force_login(user_with_role(REPORTER, username=f"bench-reporter-{secrets.token_hex(4)}"))

    def timed(run: Any, before: Any = None) -> dict[str, Any]:
        run()  # warm
        times, queries = [], 0
        for _ in range(ROUNDS):
            if before:
                before()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = run()
                times.append((time.perf_counter() - started) * 1000)
            if hasattr(result, "status_code"):
                assert result.status_code == 200, result.status_code
            queries = len(captured.captured_queries)
        times.sort()
        return {"median": statistics.median(times), "p90": times[int(len(times) * 0.9) - 1], "queries": queries}

    def drop() -> None:
        cache.delete(CACHE_KEY)

    results = {
        "dashboard, uncached": timed(lambda: editor.get("/admin/"), before=drop),
        "dashboard, cached": timed(lambda: editor.get("/admin/")),
        "bare admin page (a reporter's index)": timed(lambda: reporter.get("/admin/")),
        "the figures alone": timed(dashboard_figures_compute),
    }
    drop()
    with CaptureQueriesContext(connection) as captured:
        dashboard_figures_compute()
    plans = {}
    names = ["editions", "views per hour", "top articles today", "their titles", "alerts of 7 days", "open counts",
             "devices: new a day, reached now"]  # fmt: skip
    for name, query in zip(names, captured.captured_queries, strict=False):
        plans[name] = explain(query["sql"])
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "plans.md").write_text(
        "# The dashboard's queries\n\n"
        + "\n".join(f"## {name}\n\n```\n{plan['text']}\n```\n" for name, plan in plans.items())
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM newsapi_articleviewcount")
        view_rows = cursor.fetchone()[0]
    return {
        "results": results,
        "plans": {name: {k: v for k, v in plan.items() if k != "text"} for name, plan in plans.items()},
        "view_rows": view_rows,
    }


# --- main -----------------------------------------------------------------------------------------


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] in ("--fill", "--measure"):
        answer = fill() if sys.argv[1] == "--fill" else measure()
        print(json.dumps(answer))
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    if "data" in STEPS:
        print(f"Building {DATABASE}...", flush=True)
        started = time.monotonic()
        psql(f"DROP DATABASE IF EXISTS {DATABASE}")
        psql(f"CREATE DATABASE {DATABASE}")
        sh([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env(production=False))
        built = sh([PYTHON, __file__, "--fill"], env(production=False), stdout=subprocess.PIPE).stdout
        counts = json.loads(built.strip().splitlines()[-1])
        print(
            f"  {counts['articles']:,} articles, {counts['view_rows']:,} hourly view rows, {counts['devices']:,}"
            f" devices, {counts['alerts']} alerts in {time.monotonic() - started:.0f} s",
            flush=True,
        )
    if "measure" not in STEPS:
        return 0
    production = env(production=True)
    sh([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], production)  # the admin's, hashed names
    out = sh([PYTHON, __file__, "--measure"], production, stdout=subprocess.PIPE).stdout
    answer = json.loads(out.strip().splitlines()[-1])
    print(
        f"\nEditor dashboard: {answer['view_rows']:,} hourly view rows (a week at {DAY_VIEWS:,} views a day),"
        f" {ALERTS} alerts, {DEVICES:,} devices; {ROUNDS} requests each, production settings, Redis cache\n"
    )
    print(f"{'':40} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    for name, row in answer["results"].items():
        print(f"{name:40} {row['median']:10.1f} {row['p90']:8.1f} {row['queries']:8d}")
    print(f"\nThe dashboard's queries (EXPLAIN ANALYZE; every plan in {WORK / 'plans.md'}):\n")
    print(f"{'':32} {'ms':>8} {'rows':>6} {'buffers':>8}  access")
    for name, plan in answer["plans"].items():
        print(f"{name:32} {plan['ms']:8.1f} {plan['rows']:6} {plan['buffers']:8}  {'; '.join(plan['scans'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
