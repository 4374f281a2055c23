"""The public article page, measured: Lighthouse scores, page weight, and req/s beside the API's.

Run with ``make bench-web``. Recreates the database ``newsline_bench_web``, loads the demo
newsroom (pictures and their renditions built in this process), gives it a day of views and
both app releases, collects the static files and serves it all with gunicorn on production
settings, the response cache off (every request renders). Then, for the same story in
English and in Sorani:

* the page's weight: HTML and its style sheets as sent uncompressed and gzipped (pictures
  are not counted; the issue's ceiling is 60 KB for HTML + CSS);
* Lighthouse 12.2.3 (npm, pinned in tests/bench/lighthouse/package-lock.json) with Debian's
  Chromium, its default mobile profile (simulated slow 4G and a mid-range phone): the four
  category scores;
* wrk: req/s, p50 and p99 of the page beside the API's detail of the same article and a bare
  Django view (``/healthz``), all in the same run, in interleaved rounds so that whatever else
  the machine does falls on every endpoint alike (the median round is printed).
"""

import gzip
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
LIGHTHOUSE_DIR = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
PORT = int(os.environ.get("BENCH_PORT", "8124"))
DB = "newsline_bench_web"
DURATION = os.environ.get("BENCH_DURATION", "5s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
WORKERS = os.environ.get("BENCH_WORKERS", "2")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
WEIGHT_CEILING = 60 * 1024
SCORE_FLOOR = 95

# Run inside the benchmark's database after seeding: views for "Most read", both app releases,
# and the paths of the earthquake story in English and Sorani (what the pages are measured on).
PREPARE = """
import json, uuid
from django.utils import timezone
from devtools.demo.seed import DEMO_NAMESPACE
from newsapi.models import AppPlatform, AppRelease, Article, ArticleViewCount, article_web_url
hour = timezone.now().replace(minute=0, second=0, microsecond=0)
for rank, article in enumerate(Article.objects.published().order_by("-published_at")[:40]):
    ArticleViewCount.objects.get_or_create(
        article=article, edition=article.edition, hour=hour, defaults={"count": 500 - rank * 7})
for platform, url, version in (
    (AppPlatform.ANDROID, "https://play.google.com/store/apps/details?id=news.newsline.app", "3.2.1"),
    (AppPlatform.IOS, "https://apps.apple.com/app/newsline/id123456789", "3.1.0"),
):
    AppRelease.objects.get_or_create(
        platform=platform, defaults={"store_url": url, "latest_version": version, "min_supported_version": "3.0"})
group = uuid.uuid5(DEMO_NAMESPACE, "world-turkey-earthquake")
story = {a.edition.code: a for a in Article.objects.published().filter(translation_group=group)}
print(json.dumps({code: {"id": a.pk, "url": article_web_url(a)} for code, a in story.items()}))
"""


def sh(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, text=True, **kwargs)


def wrk(url: str, duration: str = DURATION) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)

    def pct(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "errors": float(non2xx.group(1)) if non2xx else 0.0}


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def page_weight(url: str, base: str) -> dict[str, int]:
    """Bytes of the page's HTML and its style sheets, as sent and gzipped (level 6, as the server's gzip)."""
    html = fetch(url)
    sheets = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html)
    css = b"".join(fetch(base + href.decode()) for href in sheets)
    return {
        "html": len(html),
        "css": len(css),
        "total": len(html) + len(css),
        "gzipped": len(gzip.compress(html, 6)) + len(gzip.compress(css, 6)),
    }


def lighthouse(url: str, out: Path) -> dict[str, int]:
    flags = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"]  # fmt: skip
    # Chromium now and then loses the trace of the load (Lighthouse's NO_NAVSTART): that run measured
    # nothing, so it is run again; a page that fails three times running is a real failure.
    for attempt in range(3):
        if subprocess.run(command, env=env).returncode == 0:
            break
        print(f"  lighthouse failed on {url}, attempt {attempt + 1} of 3")
    else:
        raise RuntimeError(f"lighthouse could not audit {url}")
    report = json.loads(out.read_text())
    failing = [
        f"{audit['id']} ({audit['score']})"
        for audit in report["audits"].values()
        if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary"
    ]
    if failing:
        print(f"  failing audits for {url}: {', '.join(failing)}")
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    for tool, hint in (("wrk", "apt-get install wrk"), ("npm", "apt-get install npm")):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: {hint}", file=sys.stderr)
            return 1
    if not os.access(CHROMIUM, os.X_OK):
        print(f"{CHROMIUM} is missing: make browser", file=sys.stderr)
        return 1
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=LIGHTHOUSE_DIR, check=True)
    var = Path("/tmp/newsline-bench-web")
    shutil.rmtree(var, ignore_errors=True)
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB}"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {DB}"], check=True)
    base = f"http://127.0.0.1:{PORT}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": base,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "REDIS_URL": "redis://127.0.0.1:6379/8",  # broker 8, cache 9: this benchmark's own
        "API_RESPONSE_CACHE": "0",
        "SERVE_MEDIA": "1",  # production serves media from a CDN; here gunicorn serves the pictures
        "THROTTLE_READ": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "NEWSLINE_VAR_DIR": str(var),
        "IOS_APP_STORE_ID": "123456789",
        "ANDROID_APP_PACKAGE": "news.newsline.app",
    }
    python = str(BIN / "python")
    sh([python, "manage.py", "migrate", "--no-input", "-v0"], env)
    sh([python, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    # The in-memory broker runs tasks in this process, so the pictures' renditions exist before serving.
    seed_env = {**env, "DEVTOOLS": "1", "CELERY_BROKER_URL": "memory://"}
    sh([python, "manage.py", "seed_demo", "--force"], seed_env, stdout=subprocess.DEVNULL)
    printed = sh([python, "manage.py", "shell", "-v0", "-c", PREPARE], seed_env, capture_output=True).stdout
    story = json.loads(printed.strip().splitlines()[-1])

    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", WORKERS,
         "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        print(f"\nArticle page: the demo earthquake story; gunicorn {WORKERS} sync workers, production settings,")
        print("PostgreSQL + Redis, response cache off.\n")
        print(
            f"{'page':8} {'HTML B':>8} {'CSS B':>7} {'HTML+CSS':>9} {'gzipped':>8}  "
            + " ".join(f"{category:>14}" for category in CATEGORIES)
        )
        for code in ("en", "ckb"):
            url = story[code]["url"]
            weight = page_weight(url, base)
            scores = lighthouse(url, var / f"lighthouse-{code}.json")
            verdict = (
                "ok" if weight["total"] <= WEIGHT_CEILING and min(scores.values()) >= SCORE_FLOOR else "BELOW TARGET"
            )
            print(f"{code:8} {weight['html']:8} {weight['css']:7} {weight['total']:9} {weight['gzipped']:8}  "
                  f"{' '.join(f'{scores[c]:14}' for c in CATEGORIES)}  {verdict}")  # fmt: skip
        print(f"(targets: HTML+CSS <= {WEIGHT_CEILING} B, every score >= {SCORE_FLOOR}; reports in {var})\n")

        english = story["en"]
        targets = {
            "bare Django view (/healthz)": f"{base}/healthz",
            "API article detail (en)": f"{base}/api/v1/articles/{english['id']}/",
            "article page (en)": english["url"],
            "article page (ckb)": story["ckb"]["url"],
        }
        print(
            f"wrk -t2 -c{CONNECTIONS} -d{DURATION} per endpoint, "
            f"in {ROUNDS} interleaved rounds (the median round shown)"
        )
        print(f"{'endpoint':30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'vs bare':>8} {'vs API':>7}")
        for url in targets.values():
            wrk(url, "3s")  # warm-up: connections, caches, every gunicorn worker
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        for _ in range(ROUNDS):
            for name, url in targets.items():
                rounds[name].append(wrk(url))
        figures = {name: sorted(runs, key=lambda run: run["rps"])[len(runs) // 2] for name, runs in rounds.items()}
        bare = figures["bare Django view (/healthz)"]["rps"]
        api = figures["API article detail (en)"]["rps"]
        for name, row in figures.items():
            print(f"{name:30} {row['rps']:8.0f} {row['p50']:8.2f} {row['p99']:8.2f} {row['errors']:8.0f} "
                  f"{row['rps'] / bare:7.1%} {row['rps'] / api:7.2f}x")  # fmt: skip
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
