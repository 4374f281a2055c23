"""The read API at the size of a real archive: ``make bench-api`` (issue #9; docs/performance.md).

For each size in ``BENCH_SIZES`` (published articles; default ``2000,100000``) a PostgreSQL database
``newsline_bench_<size>`` (``newsline_bench_2k``, ``newsline_bench_100k``) holds a synthetic archive
built by ``tests/bench/dataset.py``, kept between runs and only rebuilt when missing or
built by another generator version. Then, in steps (``BENCH_STEPS``, default all of them, in order):

``data``
    Build each size's data set if missing, else move its timeline to now (``tests/bench/dataset.py``).
``queries``
    In process, production settings: each endpoint's status, body size and SQL queries per request
    (``CaptureQueriesContext``) rendered with every card (the fragment cache off too, the most-read
    ranking summed), uncached (the response cache off, the cards in the fragment cache) and answered
    from the response cache.
``plans``
    ``EXPLAIN (ANALYZE, BUFFERS)`` of every query of every endpoint (the SQL captured above with every
    card rendered), at every
    size: each endpoint's heaviest query, its time and buffers side by side. Every plan is written to
    ``/tmp/newsline-bench-api/plans-<size>.md``, each endpoint's heaviest to ``heaviest-<size>.md``
    (docs/performance-plans.md is the largest size's).
``measure``
    gunicorn (``BENCH_WORKERS``, 2 sync workers) on production settings with Redis, one server per
    size, serving ``tests.bench.bare_wsgi`` (the product plus the bare baseline's URL); nginx on
    loopback serving the same 6 KB body as a static file. For each mode in ``BENCH_ONLY`` (default
    ``uncached,rendered,cached,varnish``): ``uncached`` (``API_RESPONSE_CACHE=0``: every response
    rendered, its cards from the fragment cache as in production), ``rendered`` (the fragment cache
    off too, ``API_FRAGMENT_CACHE=0``: every card rendered as well, and most read's ranking summed on
    every request, ``MOST_READ_RANKING_SECONDS=0``), ``cached`` (``=1``,
    warmed), ``varnish`` (varnishd with deploy/varnish/default.vcl in front of the cached servers,
    warmed), wrk ``-t2 -c<BENCH_CONNECTIONS> -d<BENCH_DURATION> --timeout 10s`` (8 connections, 3 s)
    on every endpoint of every size, the bare Django view and nginx, in ``BENCH_ROUNDS`` (3)
    interleaved rounds: whatever else loads the machine falls on all of them alike, and the median
    round by req/s is printed. After each run the benchmark waits until the gunicorn behind it has
    served what wrk left queued (a sync worker serves one request at a time), so it never slows the
    next target. One table per size and mode, then uncached 100k / 2k per endpoint (the issue's bar:
    at least 80%).

``soak`` (not in the default steps; ``BENCH_STEPS=soak``)
    gunicorn on the largest size, response cache off, wrk cycling through a few thousand different
    requests (random stories, tags, sections, searches, every edition's home, most read and sync) for
    ``BENCH_SOAK_SECONDS`` (600): each worker's resident memory after the first minute and at the end.

Defaults (2 sizes, 4 modes, 3 rounds of 3 s, 18 targets a round): about 14 minutes once the data
sets exist; building the 100,000-article one takes 5 to 20 minutes more (search indexing), the first
time only. Requests carry no ``Accept-Encoding`` (uncompressed bodies, as nginx's file) and no cookies.
"""

import gzip
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import load  # noqa: E402
from tests.bench.load import fetch, stop, wait_for  # noqa: E402
from tests.e2e.varnish import Varnish  # noqa: E402

BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
WORK = Path("/tmp/newsline-bench-api")
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "2000,100000").split(",") if size.strip()]
STEPS = os.environ.get("BENCH_STEPS", "data,queries,plans,measure").split(",")
MODES = os.environ.get("BENCH_ONLY", "uncached,rendered,cached,varnish").split(",")
DURATION = os.environ.get("BENCH_DURATION", "3s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = os.environ.get("BENCH_WORKERS", "2")
PORT = int(os.environ.get("BENCH_PORT", "8130"))
REDIS_URL = "redis://127.0.0.1:6379/10"  # broker 10, cache 11: the benchmark's own
CACHE_DB = "11"
TARGET_RATIO = 0.80
BARE = "bare Django view (6 KB)"
NGINX = "nginx static file (6 KB)"
ENDPOINTS = ("list", "list by tag", "list by section", "detail", "home", "most read", "search", "sync")
PLANNED = ENDPOINTS  # every query of every endpoint is EXPLAINed
SECRET_KEY = secrets.token_urlsafe(50)


def database(size: int) -> str:
    return f"newsline_bench_{size // 1000}k" if size % 1000 == 0 else f"newsline_bench_{size}"


def env_for(size: int, *, cached: bool, fragments: bool = True) -> dict[str, str]:
    """Production settings (as bench_web.py) on this size's database; each size its own cache key prefix."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": "https://newsline.example",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database(size)}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"bench-{size}",
        "API_RESPONSE_CACHE": "1" if cached else "0",
        "API_FRAGMENT_CACHE": "1" if fragments else "0",
        "THROTTLE_READ": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "NEWSLINE_VAR_DIR": str(WORK / "var"),
        "DEVTOOLS": "0",
        # Rendered: most read's ranking summed on each request too; otherwise the settings' default.
        **({} if fragments else {"MOST_READ_RANKING_SECONDS": "0"}),
    }


def endpoints(targets: dict[str, Any]) -> dict[str, str]:
    return {
        "list": "/api/v1/articles/?lang=en",
        "list by tag": f"/api/v1/articles/?lang=en&tag={urllib.request.quote(targets['tag'])}",
        "list by section": f"/api/v1/articles/?lang=en&section={targets['section']}",
        "detail": f"/api/v1/articles/{targets['detail']}/",
        "home": "/api/v1/home/?lang=en",
        "most read": "/api/v1/most-read/?lang=en",
        "search": f"/api/v1/search/?lang=en&q={urllib.request.quote(targets['search'])}",
        "sync": "/api/v1/sync/?lang=en",
    }


def sh(cmd: list[str], env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, text=True, **kwargs)


def psql(sql: str) -> str:
    return sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-Atqc", sql], capture_output=True).stdout


def manage(size: int, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return sh([PYTHON, "manage.py", *args], env_for(size, cached=True), **kwargs)


def dataset(size: int, *args: str) -> dict[str, Any]:
    """``tests/bench/dataset.py --articles <size>`` with ``args``: its JSON answer (the data set's targets)."""
    command = [PYTHON, str(Path(__file__).with_name("dataset.py")), "--articles", str(size), *args]
    printed = sh(command, env_for(size, cached=True), stdout=subprocess.PIPE).stdout  # its progress on stderr
    answer: dict[str, Any] = json.loads(printed.strip().splitlines()[-1])
    return answer


# --- data -------------------------------------------------------------------------------------------


def prepare(size: int) -> dict[str, Any]:
    """The size's data set, built if missing (or built by another generator), else moved to now; its targets."""
    name = database(size)
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip() == "1"  # noqa: S608 - ours
    status = {"ready": False}
    if exists:
        manage(size, "migrate", "--no-input", "-v0")
        status = dataset(size, "--status")
    if not status["ready"]:
        print(f"Building {name} ({size} published articles)...", flush=True)
        psql(f"DROP DATABASE IF EXISTS {name}")
        psql(f"CREATE DATABASE {name}")
        manage(size, "migrate", "--no-input", "-v0")
    started = time.monotonic()
    targets = dataset(size)
    if not status["ready"]:
        print(f"{name} built in {time.monotonic() - started:.0f}s", flush=True)
    return targets


# --- queries and plans (in process) -----------------------------------------------------------------


def in_process(size: int, targets: dict[str, Any], plans: bool) -> dict[str, Any]:
    """Run ``inspect`` in a child process with this size's settings; its JSON answer."""
    env = {**env_for(size, cached=True), "DJANGO_SETTINGS_MODULE": "config.settings"}
    request = json.dumps({"size": size, "targets": targets, "plans": plans})
    out = sh([PYTHON, __file__, "--inspect", request], env, capture_output=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def inspect(size: int, targets: dict[str, Any], plans: bool) -> dict[str, Any]:
    """Each endpoint's status, bytes and queries per request (uncached, then a cache hit); EXPLAINs if ``plans``."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    answer: dict[str, Any] = {"endpoints": {}, "plans": {}}
    full: list[str] = []
    heavy: list[str] = []
    modes = {"rendered": (False, False), "uncached": (False, True), "cached": (True, True)}
    for name, path in endpoints(targets).items():
        row: dict[str, Any] = {}
        for mode, (cached, fragments) in modes.items():
            ranking = settings.MOST_READ_RANKING_SECONDS if fragments else 0  # rendered: the ranking summed too
            with override_settings(
                API_RESPONSE_CACHE=cached, API_FRAGMENT_CACHE=fragments, MOST_READ_RANKING_SECONDS=ranking
            ):
                client = Client(HTTP_HOST="127.0.0.1")
                client.get(path)  # warms the process, and stores the entry (or the cards) when cached
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
            row[mode] = len(queries.captured_queries)
            if mode == "rendered":
                row["status"], row["bytes"] = response.status_code, len(response.content)
                control = response.get("Cache-Control", "")
                age = re.search(r"max-age=(\d+)", control)
                row["cacheable"] = "public" in control and age is not None and int(age.group(1)) > 0
                captured = [query["sql"] for query in queries.captured_queries]
        answer["endpoints"][name] = row
        if plans and name in PLANNED:
            heaviest, texts = explain(connection, captured)
            answer["plans"][name] = {key: value for key, value in heaviest.items() if key != "text"}
            full += [f"### {name}: `{path}`\n", *texts]
            heavy += [
                f"### {name}: `{path}`, query {heaviest.get('query')} of {len(captured)}\n",
                heaviest.get("text", ""),
            ]
    if plans:
        out = WORK / f"plans-{size}.md"
        out.write_text(f"# Every query's plan at {size:,} published articles\n\n" + "\n".join(full))
        (WORK / f"heaviest-{size}.md").write_text(
            f"# Each endpoint's heaviest query at {size:,} published articles\n\n" + "\n".join(heavy)
        )
        answer["plans_file"] = str(out)
    return answer


def explain(connection: Any, queries: list[str]) -> tuple[dict[str, Any], list[str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of each SELECT: the heaviest one's figures and plan, and every plan, as Markdown."""
    heaviest: dict[str, Any] = {"ms": 0.0}
    text = []
    with connection.cursor() as cursor:
        for number, sql in enumerate(queries, start=1):
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(sql)  # warm: the plan below is of a query run before, as under load
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            ms = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
            # The plan's first Buffers line is its top node's: everything the query touched.
            first = re.search(r"Buffers: shared((?: \w+=\d+)+)", plan)
            buffers = sum(int(n) for n in re.findall(r"=(\d+)", first.group(1))) if first else 0
            markdown = f"Query {number} ({ms:.2f} ms):\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```\n"
            if ms > heaviest["ms"]:
                heaviest = {"query": number, "ms": ms, "buffers": buffers, "top": _top_node(plan), "text": markdown}
            text.append(markdown)
    return heaviest, text


def _top_node(plan: str) -> str:
    """The plan's scans: what reads the tables (index or sequential), deduplicated, in order."""
    scans = re.findall(r"((?:Parallel )?(?:Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan|Bitmap Index Scan)"
                       r"(?: Backward)?(?: using \S+)? on \S+)", plan)  # fmt: skip
    return "; ".join(dict.fromkeys(scans))


# --- measure ------------------------------------------------------------------------------------------


def wrk(url: str, duration: str = DURATION, *, gzipped: bool = False) -> dict[str, float]:
    accept = ["-H", "Accept-Encoding: gzip"] if gzipped else []
    return load.wrk(url, connections=CONNECTIONS, duration=duration, options=accept)


@contextmanager
def gunicorn(size: int, port: int, *, mode: str) -> Iterator[str]:
    env = env_for(size, cached=mode not in ("uncached", "rendered"), fragments=mode != "rendered")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "tests.bench.bare_wsgi:application", "-b", f"127.0.0.1:{port}", "-w", WORKERS,
         "--worker-class", "sync", "--access-logfile", "/dev/null", "--log-level", "warning", "--no-control-socket"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz", process)
        yield base
    finally:
        stop(process)


@contextmanager
def nginx(port: int, body: bytes) -> Iterator[str]:
    """nginx on loopback serving ``body`` as a static file, as many workers as gunicorn has."""
    home = WORK / "nginx"
    shutil.rmtree(home, ignore_errors=True)
    (home / "static").mkdir(parents=True)
    (home / "static" / "bare.json").write_bytes(body)
    (home / "static" / "bare.json.gz").write_bytes(gzip.compress(body, 6))  # gzip_static: for gzip requests
    for folder in (home, home / "static"):
        folder.chmod(0o755)
    (home / "nginx.conf").write_text(
        f"""
worker_processes {WORKERS};
daemon off;
pid {home}/nginx.pid;
error_log {home}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {home}/body;
    proxy_temp_path {home}/proxy;
    fastcgi_temp_path {home}/fastcgi;
    uwsgi_temp_path {home}/uwsgi;
    scgi_temp_path {home}/scgi;
    types {{ application/json json; }}
    gzip_static on;
    server {{
        listen 127.0.0.1:{port};
        root {home}/static;
    }}
}}
"""
    )
    process = subprocess.Popen(
        ["nginx", "-p", str(home), "-c", str(home / "nginx.conf")], start_new_session=True
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/bare.json"
        wait_for(url, process)
        yield url
    finally:
        stop(process)


@dataclass
class Target:
    size: int | None  # None: a baseline
    name: str
    url: str
    drain: str | None = None
    """A URL of the gunicorn behind ``url``: fetched after each run, it returns once the requests wrk left
    queued there (a sync worker takes one at a time) are served, so they never slow the next target."""

    gzipped: bool = False
    """Send ``Accept-Encoding: gzip``, as the apps' HTTP clients (OkHttp, URLSession) always do."""

    def run(self, duration: str = DURATION) -> dict[str, float]:
        figures = wrk(self.url, duration, gzipped=self.gzipped)
        if self.drain:
            fetch(self.drain)
        return figures


def median_round(runs: list[dict[str, float]]) -> dict[str, float]:
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def measure_mode(
    servers: dict[int, str],
    backends: dict[int, str],
    bare_url: str,
    nginx_url: str,
    all_targets: dict[int, dict[str, Any]],
    *,
    gzipped: bool,
) -> dict[tuple[int | None, str], dict[str, float]]:
    """Every endpoint of every size and both baselines, in interleaved rounds; the median round of each."""
    targets = [
        Target(None, BARE, bare_url, drain=bare_url, gzipped=gzipped),
        Target(None, NGINX, nginx_url, gzipped=gzipped),
    ]
    for size in SIZES:
        for name, path in endpoints(all_targets[size]).items():
            targets.append(Target(size, name, servers[size] + path, drain=f"{backends[size]}/healthz", gzipped=gzipped))
    for target in targets:  # warm: every worker, the database's buffers, the caches
        fetch(target.url)
        target.run("1s")
    rounds: dict[tuple[int | None, str], list[dict[str, float]]] = {(t.size, t.name): [] for t in targets}
    for _ in range(ROUNDS):
        for target in targets:
            rounds[target.size, target.name].append(target.run())
    return {key: median_round(runs) for key, runs in rounds.items()}


def measure(all_targets: dict[int, dict[str, Any]], inspected: dict[int, dict[str, Any]]) -> None:
    shutil.rmtree(WORK / "varnish", ignore_errors=True)
    results: dict[str, dict[tuple[int | None, str], dict[str, float]]] = {}
    for mode in MODES:
        # The benchmark's own cache database starts empty in every mode.
        sh(["redis-cli", "-n", CACHE_DB, "FLUSHDB"], capture_output=True)
        with ExitStack() as stack:
            servers = {
                size: stack.enter_context(gunicorn(size, PORT + index, mode=mode)) for index, size in enumerate(SIZES)
            }
            # The bare view on the first size's server (it reads nothing, so the size does not matter).
            bare_url = f"{servers[SIZES[0]]}/bench/bare"
            backends = dict(servers)
            nginx_url = stack.enter_context(nginx(PORT + 50, fetch(bare_url)))
            if mode == "varnish":
                for size, base in list(servers.items()):
                    workdir = WORK / "varnish" / str(size)
                    workdir.mkdir(parents=True)
                    port = int(base.rsplit(":", 1)[1])
                    varnish = Varnish(backend_host="127.0.0.1", backend_port=port, workdir=workdir).start()
                    stack.callback(varnish.stop)
                    servers[size] = varnish.url.rstrip("/")
            # Through Varnish as the apps ask: with gzip, which Varnish stores and sends as it is (asked
            # without, it would gunzip every body for every request); nginx then sends its .gz copy.
            gzipped = mode == "varnish"
            results[mode] = measure_mode(servers, backends, bare_url, nginx_url, all_targets, gzipped=gzipped)
        print_mode(mode, results[mode], all_targets, inspected)
    for mode in ("uncached", "rendered"):
        if mode in results and len(SIZES) > 1:
            print_growth(mode, results[mode])


# --- soak: a web worker's memory under ten minutes of mixed load ----------------------------------------


def soak_paths(size: int) -> list[str]:
    """Requests as readers make them, spread over the archive so nothing is warm for long: details of random
    stories, lists by random tags and sections, searches for random words, home and most read of every edition."""
    db = database(size)

    def rows(sql: str) -> list[list[str]]:
        out = sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-AtF", "\t", "-c", sql], capture_output=True)
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    published = "FROM newsapi_article WHERE status = 'published' AND published_at <= now() ORDER BY random()"
    quote = urllib.request.quote
    paths = [f"/api/v1/articles/{row[0]}/" for row in rows(f"SELECT id {published} LIMIT 3000")]
    tags = "SELECT e.code, t.slug FROM newsapi_tag t JOIN newsapi_edition e ON e.id = t.edition_id ORDER BY random()"
    paths += [f"/api/v1/articles/?lang={code}&tag={quote(tag)}" for code, tag in rows(f"{tags} LIMIT 600")]
    editions = [row[0] for row in rows("SELECT code FROM newsapi_edition")]
    sections = [row[0] for row in rows("SELECT slug FROM newsapi_section")]
    word = "split_part(title, ' ', 1 + (random() * 4)::int)"
    words = [row[0] for row in rows(f"SELECT {word} {published} LIMIT 600") if row[0]]
    for code in editions:
        paths += [f"/api/v1/home/?lang={code}", f"/api/v1/most-read/?lang={code}", f"/api/v1/sync/?lang={code}"] * 20
        paths += [f"/api/v1/articles/?lang={code}&section={section}" for section in sections] * 5
    paths += [f"/api/v1/search/?lang={code}&q={quote(word)}" for word in words for code in editions[:2]]
    return paths


def worker_rss(master: int) -> dict[int, int]:
    """Resident memory (KiB) of each gunicorn worker under ``master``."""
    rss = {}
    for pid in sh(["pgrep", "-P", str(master)], capture_output=True).stdout.split():
        status = Path(f"/proc/{pid}/status").read_text()
        rss[int(pid)] = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
    return rss


def soak(size: int) -> None:
    """wrk cycling through ``soak_paths`` for ``BENCH_SOAK_SECONDS`` (600); each worker's RSS after the first minute
    and at the end. The issue's bar: the end within 10% of the first minute."""
    seconds = int(os.environ.get("BENCH_SOAK_SECONDS", "600"))
    paths = soak_paths(size)
    script = WORK / "soak.lua"
    listed = ",\n".join(json.dumps(path) for path in paths)
    script.write_text(
        f"local paths = {{\n{listed}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n  return wrk.format('GET', paths[(i * 7919) % #paths + 1])\nend\n"
    )
    sh(["redis-cli", "-n", CACHE_DB, "FLUSHDB"], capture_output=True)
    with gunicorn(size, PORT, mode="uncached") as base:
        master = int(sh(["pgrep", "-f", f"127.0.0.1:{PORT}", "-o"], capture_output=True).stdout.split()[0])
        load = subprocess.Popen(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        samples: list[tuple[float, dict[int, int]]] = []
        started = time.monotonic()
        while load.poll() is None:
            time.sleep(10)
            samples.append((time.monotonic() - started, worker_rss(master)))
        out = load.communicate()[0]
    first = next(rss for at, rss in samples if at >= 60)
    last = samples[-2][1] if len(samples) > 1 else samples[-1][1]  # the last sample before wrk stopped
    total = re.search(r"(\d+) requests in", out)
    print(f"\nSoak: {database(size)}, response cache off, {len(paths)} distinct requests cycled by wrk "
          f"-c{CONNECTIONS} for {seconds}s ({total.group(1) if total else '?'} requests)")  # fmt: skip
    print(f"{'worker':>8} {'RSS at 1 min':>14} {'RSS at end':>12} {'growth':>8}")
    for pid, kib in first.items():
        end = last.get(pid)
        growth = f"{end / kib - 1:+.1%}" if end else "restarted"
        print(f"{pid:>8} {kib / 1024:>11.1f} MB {end / 1024 if end else 0:>9.1f} MB {growth:>8}")
    print("(the issue's bar: within +10% of the first minute)")


def print_mode(
    mode: str,
    figures: dict[tuple[int | None, str], dict[str, float]],
    all_targets: dict[int, dict[str, Any]],
    inspected: dict[int, dict[str, Any]],
) -> None:
    what = {
        "uncached": "response cache off (API_RESPONSE_CACHE=0): every request renders, cards from the fragment cache",
        "rendered": "response and fragment caches off (API_FRAGMENT_CACHE=0, MOST_READ_RANKING_SECONDS=0): "
        "every request renders every card and sums the most-read ranking",
        "cached": "response cache on (API_RESPONSE_CACHE=1), warmed: repeat requests are hits",
        "varnish": "through Varnish (deploy/varnish/default.vcl) in front of the cached servers, warmed; "
        "every request (nginx's and the bare view's too) with Accept-Encoding: gzip, as the apps send",
    }[mode]
    bare, static = figures[None, BARE], figures[None, NGINX]
    for size in SIZES:
        targets = all_targets[size]
        print(
            f"\n{size:,} published articles ({targets['english']:,} in en), {mode}: {what}\n"
            f"gunicorn {WORKERS} sync workers, wrk -t2 -c{CONNECTIONS} -d{DURATION}, "
            f"median of {ROUNDS} interleaved rounds"
        )
        print(
            f"{'endpoint':26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'SQL/req':>8} {'non-2xx':>8} "
            f"{'vs bare':>8} {'vs nginx':>9}"
        )
        for name in ENDPOINTS:
            row = figures[size, name]
            counts = inspected[size]["endpoints"][name]
            if mode in ("uncached", "rendered"):
                queries = str(counts[mode])
            elif mode == "cached":
                queries = str(counts["cached"])
            else:
                queries = "0" if counts["cacheable"] else f"{counts['cached']} (pass)"
            print(_row(name, row, queries, bare, static))
        print(_row(BARE, bare, "0", bare, static))
        print(_row(NGINX, static, "-", bare, static))


def _row(name: str, row: dict[str, float], queries: str, bare: dict[str, float], static: dict[str, float]) -> str:
    return (
        f"{name:26} {row['rps']:8.0f} {row['p50']:8.2f} {row['p99']:8.2f} {queries:>8} {row['errors']:8.0f} "
        f"{row['rps'] / (bare['rps'] or 1):8.1%} {row['rps'] / (static['rps'] or 1):9.1%}"
    )


def print_growth(mode: str, figures: dict[tuple[int | None, str], dict[str, float]]) -> None:
    small, large = SIZES[0], SIZES[-1]
    print(f"\n{mode.capitalize()}, {large:,} / {small:,} published articles (the issue's bar: >= {TARGET_RATIO:.0%})")
    print(f"{'endpoint':26} {f'{small:,} req/s':>14} {f'{large:,} req/s':>14} {'ratio':>7}")
    for name in ENDPOINTS:
        low, high = figures[small, name]["rps"], figures[large, name]["rps"]
        ratio = high / low if low else 0.0
        verdict = "ok" if ratio >= TARGET_RATIO else "BELOW"
        print(f"{name:26} {low:14.0f} {high:14.0f} {ratio:7.0%}  {verdict}")


def print_plans(inspected: dict[int, dict[str, Any]]) -> None:
    print("\nEXPLAIN (ANALYZE, BUFFERS): each endpoint's heaviest query, by size (execution time, shared buffers hit)")
    print(f"{'endpoint':14} " + " ".join(f"{f'{size:,}':>20}" for size in SIZES) + "  scans at the largest size")
    for name in PLANNED:
        heaviest = [inspected[size]["plans"][name] for size in SIZES]
        cells = [f"{plan['ms']:8.2f} ms {plan.get('buffers', 0):6d} buf" for plan in heaviest]
        print(f"{name:14} " + " ".join(f"{cell:>20}" for cell in cells) + f"  {heaviest[-1].get('top', '')}")
    print(f"Every plan: {WORK}/plans-<size>.md; each endpoint's heaviest: {WORK}/heaviest-<size>.md")


def main() -> int:
    for tool, hint in (("wrk", "apt-get install wrk"), ("nginx", "apt-get install nginx-light")):
        if shutil.which(tool) is None and "measure" in STEPS:
            print(f"{tool} is not installed: {hint}", file=sys.stderr)
            return 1
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    all_targets: dict[int, dict[str, Any]] = {}
    for size in SIZES:
        if "data" in STEPS:
            all_targets[size] = prepare(size)
        else:
            all_targets[size] = dataset(size, "--status")
            if not all_targets[size]["ready"]:
                print(f"{database(size)} holds no data set of {size} articles: run the data step", file=sys.stderr)
                return 1
        print(f"{database(size)}: {json.dumps(all_targets[size])}", flush=True)
    inspected: dict[int, dict[str, Any]] = {}
    if {"queries", "plans", "measure"} & set(STEPS):
        for size in SIZES:
            inspected[size] = in_process(size, all_targets[size], plans="plans" in STEPS)
            bad = {name: row["status"] for name, row in inspected[size]["endpoints"].items() if row["status"] != 200}
            if bad:
                print(f"{database(size)}: endpoints not answering 200: {bad}", file=sys.stderr)
                return 1
        print("\nSQL queries per request (every card rendered / uncached / from the response cache), response bytes")
        for name in ENDPOINTS:
            cells = [
                f"{rows[name]['rendered']:>3} / {rows[name]['uncached']:>2} / {rows[name]['cached']:<2} "
                f"{rows[name]['bytes']:>7} B"
                for rows in (inspected[size]["endpoints"] for size in SIZES)
            ]
            print(f"{name:16} " + "   ".join(cells))
    if "plans" in STEPS:
        print_plans(inspected)
    if "measure" in STEPS:
        measure(all_targets, inspected)
    if "soak" in STEPS:
        soak(max(SIZES))
    print(f"\nmake bench-api took {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inspect":
        request = json.loads(sys.argv[2])
        print(json.dumps(inspect(request["size"], request["targets"], request["plans"])))
        sys.exit(0)
    sys.exit(main())
