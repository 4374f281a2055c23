"""Push fan-out figures: one breaking alert to 10,000 and 100,000 devices, against two baselines.

Run with ``make bench-push``. Recreates the database ``newsline_bench_push``, runs the FCM
emulator as a child process (token and time recorded per message, no bodies) and uses Redis
db 13 as the Celery broker. In one run:

- baselines (``bench_fcm_baselines``): the emulator's ceiling from a plain keep-alive load
  generator, and the bare SDK (``send_each`` of 500-message lists through the gateway, the
  same ``FCM_POOL_SIZE`` as the worker, no database, no Celery), measured again just before
  each pipeline run: a pipeline run is compared with the SDK measured under the same load;
- the pipeline, once per audience size in a freshly filled device table: one Celery worker
  process (``--concurrency 1``, no embedded beat), ``article_publish`` of a breaking World
  article, and the emulator polled until every device's message is accepted. Reported:
  messages/s from the first to the last accepted message and from the commit to the last,
  the time from the commit to the first and to 90% of the messages, exactly-once per token,
  and the worker's peak RSS (the pool child and the whole process tree, /proc sampled every
  50 ms, plus the kernel's own high-water mark VmHWM).

Production settings (``DEBUG=0``, a generated ``SECRET_KEY``): ``DEBUG=1`` keeps every SQL
query on the connection, which a benchmark of memory and speed must not measure. Settings
knobs pass through from the environment (``PUSH_BATCH_SIZE``, ``FCM_POOL_SIZE``...).
Exits non-zero when a message is missing or repeated, or the alert does not finish; a missed
speed or memory target is a figure, not a failure.
"""

import argparse
import collections
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from devtools.fcm_emulator import EmulatorConfig, EmulatorProcess  # noqa: E402
from tests.bench.bench_fcm_baselines import bare_sdk, emulator_ceiling, wrk_ceiling  # noqa: E402
from tests.e2e.worker import CeleryWorker  # noqa: E402

DB = "newsline_bench_push"
REDIS_URL = "redis://127.0.0.1:6379/12"  # broker 12, cache 13: the benchmark's own
PROJECT = "newsline-bench"
TOKEN_LENGTH = 152  # about what FCM registration tokens measure
SAMPLE_SECONDS = 0.05
RSS_TOLERANCE = 0.10
SDK_TARGET = 0.80
GUARDIAN_SECONDS = 120.0
LOGS = Path("/tmp/newsline-bench-push/logs")  # the workers' logs, kept until the next run


# --- The worker's memory ------------------------------------------------------------------------


def _status_kb(pid: int, key: str) -> int:
    """A ``/proc/<pid>/status`` figure in kB (VmRSS, VmHWM), 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
        except OSError:
            continue
    return found


def _descendants(pid: int) -> list[int]:
    out, todo = [], _children(pid)
    while todo:
        child = todo.pop()
        out.append(child)
        todo += _children(child)
    return out


class RSSSampler(threading.Thread):
    """Samples VmRSS of the worker's main process and of every process under it (the pool children)."""

    def __init__(self, pid: int) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        self.pid = pid
        self.pool_pids: set[int] = set()
        self.peak_main = self.peak_child = self.peak_tree = 0
        self._done = threading.Event()

    def sample(self) -> None:
        children = _descendants(self.pid)
        self.pool_pids.update(children)
        main = _status_kb(self.pid, "VmRSS")
        child_rss = [_status_kb(child, "VmRSS") for child in children]
        self.peak_main = max(self.peak_main, main)
        self.peak_child = max([self.peak_child, *child_rss])
        self.peak_tree = max(self.peak_tree, main + sum(child_rss))

    def run(self) -> None:
        while not self._done.wait(SAMPLE_SECONDS):
            self.sample()

    def stop(self) -> None:
        self._done.set()
        self.join()
        self.sample()

    def child_hwm_kb(self) -> int:
        """The kernel's own peak RSS of the pool children (read while they still run)."""
        return max((_status_kb(pid, "VmHWM") for pid in self.pool_pids), default=0)


# --- Where the pool child's time goes (optional, py-spy) -------------------------------------------

# What the pool child's main thread is doing, by the first of these functions found on its stack.
PHASES = (
    ("send_each (firebase_admin", "FCM send_each (SDK threads, HTTP)"),
    ("build_message (notifications", "building messages"),
    ("push_message_for (notifications", "building messages"),
    ("_claim_batch (notifications", "claim the batch (UPDATE)"),
    ("_record (notifications", "ledger upsert"),
    ("_count (notifications", "batch and alert counters"),
    ("alert_finish_if_done (notifications", "close check"),
    ("alert_fanout (notifications", "fan-out"),
    ("alert_send_batch (notifications/services", "batch row + device load (the rest of alert_send_batch)"),
)
OUTSIDE = "Celery: between tasks, receiving, acknowledging"


def start_profiler(py_spy: str, pid: int, output: Path) -> subprocess.Popen[bytes]:
    """py-spy on one pool child: every thread, idle ones too, so the main thread's samples are wall time."""
    command = [py_spy, "record", "--pid", str(pid), "--rate", "50", "--idle", "--threads", "--nolineno"]
    command += ["--nonblocking", "--format", "raw", "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profiler(profiler: subprocess.Popen[bytes]) -> None:
    profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
    try:
        profiler.wait(timeout=30)
    except subprocess.TimeoutExpired:
        profiler.kill()
        profiler.wait()


def profile_breakdown(raw: Path) -> list[tuple[str, float]]:
    """Share of the task-running thread's wall time per phase, from py-spy's raw (collapsed) output."""
    by_thread: dict[str, list[tuple[str, int]]] = collections.defaultdict(list)
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        thread, _, frames = stack.partition(";")
        if count.isdigit():
            by_thread[thread].append((frames, int(count)))
    main = [
        samples
        for samples in by_thread.values()
        if any("alert_send_batch (notifications/tasks" in frames for frames, _ in samples)
    ]
    if not main:
        return []
    totals: collections.Counter[str] = collections.Counter()
    for frames, samples in main[0]:
        totals[next((label for name, label in PHASES if name in frames), OUTSIDE)] += samples
    everything = sum(totals.values())
    return [(label, samples / everything) for label, samples in totals.most_common()]


# --- Per batch, from the worker's log ----------------------------------------------------------------

_TASK_LINE = re.compile(
    r"^\[(?P<at>[\d-]+ [\d:,]+): INFO/\S+\] Task notifications\.alert_send_batch\[\S+\] "
    r"(?:received|succeeded in (?P<seconds>[\d.]+)s)"
)


def batch_timings(log: Path, concurrency: int) -> tuple[int, float, float]:
    """Batches run, mean time inside a batch task, mean time a pool process waited between two batch tasks."""
    stamps: list[float] = []
    runtimes: list[float] = []
    for line in log.read_text(errors="replace").splitlines():
        match = _TASK_LINE.match(line)
        if match is None:
            continue
        stamps.append(time.mktime(time.strptime(match["at"][:-4], "%Y-%m-%d %H:%M:%S")) + int(match["at"][-3:]) / 1000)
        if match["seconds"] is not None:
            runtimes.append(float(match["seconds"]))
    if not runtimes:
        return 0, math.nan, math.nan
    idle = (max(stamps) - min(stamps)) * concurrency - sum(runtimes)
    return len(runtimes), sum(runtimes) / len(runtimes), max(0.0, idle) / len(runtimes)


# --- One pipeline run ------------------------------------------------------------------------------


@dataclass
class Run:
    devices: int
    concurrency: int
    sdk_rate: float = math.nan  # the bare SDK, measured just before this run
    setup_seconds: float = 0.0
    accepted: int = 0
    repeated: int = 0
    missing: int = 0
    errors: int = 0
    state: str = ""
    ledger_sent: int = 0  # the alert's own count of accepted messages
    rate_span: float = 0.0
    rate_commit: float = 0.0
    first: float = math.nan
    p90: float = math.nan
    last: float = math.nan
    fanout_seconds: float = math.nan
    rss_idle_kb: int = 0
    rss_child_kb: int = 0
    rss_child_hwm_kb: int = 0
    rss_tree_kb: int = 0
    notes: list[str] = field(default_factory=list)
    profile: list[tuple[str, float]] = field(default_factory=list)
    batches: int = 0
    task_seconds: float = math.nan
    gap_seconds: float = math.nan

    @property
    def ok(self) -> bool:
        complete = self.state == "sent" and self.accepted == self.ledger_sent == self.devices
        return complete and not (self.repeated or self.missing)


def fill_devices(count: int, label: str) -> tuple[set[str], float]:
    """Empty the device table (and the ledger with it), then register ``count`` English breaking-news devices."""
    from django.db import connection
    from django.utils import timezone

    from newsapi.models import Edition
    from notifications.device_secrets import secret_hash
    from notifications.models import Device

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_device CASCADE")
    english = Edition.objects.get(code="en")
    now = timezone.now()
    tokens: set[str] = set()
    for start in range(0, count, 10_000):
        rows = []
        for n in range(start, min(count, start + 10_000)):
            head = f"bench{label}-{n:07d}:"
            token = head + "x" * (TOKEN_LENGTH - len(head))
            tokens.add(token)
            rows.append(
                Device(
                    token=token,
                    platform="android" if n % 3 else "ios",
                    edition=english,
                    timezone="Asia/Baghdad",
                    secret_hash=secret_hash(token),
                    refreshed_at=now,
                )
            )
        Device.objects.bulk_create(rows, batch_size=5_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_device")  # the planner sees the table as production would
    return tokens, time.monotonic() - started


def publish_breaking_article(title: str) -> tuple[int, float]:
    """Publish a breaking World article through ``article_publish``; the alert id and the commit time."""
    from django.db import transaction

    from newsapi.models import Section
    from newsapi.services import article_publish
    from notifications.models import Alert
    from tests.factories import ArticleFactory

    article = ArticleFactory(section=Section.objects.get(slug="world"), is_breaking=True, title=title)
    committed: list[float] = []
    with transaction.atomic():
        # Registered first, so it runs first once the transaction commits, before the fan-out is enqueued.
        transaction.on_commit(lambda: committed.append(time.time()))
        article_publish(article=article, by=None)
    return Alert.objects.get(article=article).pk, committed[0]


def run_pipeline(
    *,
    emulator: EmulatorProcess,
    env: dict[str, str],
    devices: int,
    concurrency: int,
    workdir: Path,
    label: str,
    sdk_rate: float,
    sdk_seconds: float = 0.0,
    py_spy: str | None = None,
) -> Run:
    from notifications.models import Alert, AlertState

    run = Run(devices=devices, concurrency=concurrency)
    tokens, run.setup_seconds = fill_devices(devices, label)
    # The bare SDK again right before the run, so that load from elsewhere on the machine weighs on both alike.
    run.sdk_rate = bare_sdk(sdk_seconds)[0] if sdk_seconds > 0 else sdk_rate
    emulator.client.clear()
    log = workdir / f"worker-{label}.log"
    print(f"  {devices:,} devices registered in {run.setup_seconds:.1f} s; worker --concurrency {concurrency} ...")
    worker = CeleryWorker(env=env, log_path=log, concurrency=concurrency, name="bench", beat=False).start()
    try:
        assert worker.process is not None
        sampler = RSSSampler(worker.process.pid)
        time.sleep(1.0)  # let the pool children finish starting
        sampler.sample()
        run.rss_idle_kb = sampler.peak_child
        profile = workdir / f"py-spy-{label}.txt"
        profiler = start_profiler(py_spy, min(sampler.pool_pids), profile) if py_spy and sampler.pool_pids else None
        sampler.start()
        alert_id, committed = publish_breaking_article(f"Ceasefire agreed ({label})")
        deadline = time.monotonic() + 60 + devices / 100
        accepted = 0
        while True:
            stats = emulator.client.stats()
            accepted = stats["accepted"]
            run.errors = sum(stats["errors"].values())
            if accepted >= devices:
                break
            if worker.process.poll() is not None:
                run.notes.append("the worker exited")
                break
            if time.monotonic() > deadline:
                run.notes.append(f"timed out with {accepted:,} of {devices:,} accepted")
                break
            time.sleep(0.2)
        finish_by = time.monotonic() + 30
        alert = Alert.objects.get(pk=alert_id)
        while alert.state not in {AlertState.SENT, AlertState.FAILED, AlertState.PARTIALLY_FAILED}:
            if time.monotonic() > finish_by:
                run.notes.append(f"the alert did not finish: {alert.state}")
                break
            time.sleep(0.2)
            alert.refresh_from_db()
        time.sleep(0.3)  # a repeat would arrive now, if any
        sampler.stop()
        run.rss_child_hwm_kb = sampler.child_hwm_kb()
        if profiler is not None:
            stop_profiler(profiler)
            run.profile = profile_breakdown(profile)
    finally:
        worker.stop()
    run.state, run.ledger_sent = alert.state, alert.sent
    run.rss_child_kb, run.rss_tree_kb = sampler.peak_child, sampler.peak_tree
    if run.errors:
        run.notes.append(f"the emulator answered {run.errors} errors")
    if alert.started_at is not None:
        batches = alert.batches.order_by("-created_at").values_list("created_at", flat=True)[:1]
        if batches:
            run.fanout_seconds = (batches[0] - alert.started_at).total_seconds()

    run.batches, run.task_seconds, run.gap_seconds = batch_timings(log, concurrency)
    messages = emulator.client.all_messages()
    received = collections.Counter(message["token"] for message in messages)
    run.accepted = len(messages)
    run.repeated = sum(1 for count in received.values() if count > 1)
    run.missing = len(tokens - received.keys())
    strangers = len(received.keys() - tokens)
    if strangers:
        run.notes.append(f"{strangers} messages to tokens outside the audience")
        run.missing += strangers
    times = sorted(message["time"] for message in messages)
    if times:
        run.first = times[0] - committed
        run.p90 = times[max(0, math.ceil(0.9 * devices) - 1)] - committed if len(times) >= 0.9 * devices else math.nan
        run.last = times[-1] - committed
        if times[-1] > times[0]:
            run.rate_span = len(times) / (times[-1] - times[0])
        run.rate_commit = len(times) / (times[-1] - committed)
    if not run.ok:
        run.notes.append(f"worker log: {log}")
        print(worker.log_tail(30))
    return run


# --- The report ------------------------------------------------------------------------------------


def mb(kb: int) -> str:
    return f"{kb / 1024:.1f}"


def print_report(
    *,
    ceiling: float,
    ceiling_how: str,
    sdk: float,
    sdk_how: str,
    runs: list[Run],
    settings_line: str,
    settings_batch: int,
) -> None:
    print()
    print(settings_line)
    print(f"{'baseline':70} {'msgs/s':>9}")
    print(f"{'emulator ceiling, ' + ceiling_how:70} {ceiling:9,.0f}")
    print(f"{'bare SDK, ' + sdk_how:70} {sdk:9,.0f}")
    print()
    head = (
        f"{'devices':>8} {'conc':>4} {'msgs/s':>7} {'msgs/s':>7} {'SDK':>5} {'vs SDK':>6} {'vs ceil':>7} "
        f"{'first':>6} {'90%':>6} "
        f"{'last':>6} {'fan-out':>7} {'pool RSS MB':>12} {'VmHWM':>6} {'tree RSS':>8} {'exactly':>8}"
    )
    sub = (
        f"{'':>8} {'':>4} {'1st→end':>7} {'commit→':>7} {'now':>5} {'':>6} {'':>7} {'s':>6} {'s':>6} "
        f"{'s':>6} {'s':>7} {'idle→peak':>12} {'MB':>6} {'MB':>8} {'once':>8}"
    )
    print(head)
    print(sub)
    for run in runs:
        once = "yes" if run.ok else f"NO ({run.missing} miss, {run.repeated} rep)"
        print(
            f"{run.devices:8,} {run.concurrency:4} {run.rate_span:7,.0f} {run.rate_commit:7,.0f} "
            f"{run.sdk_rate:5.0f} {run.rate_span / run.sdk_rate:6.2f} {run.rate_span / ceiling:7.2f} "
            f"{run.first:6.2f} {run.p90:6.1f} {run.last:6.1f} "
            f"{run.fanout_seconds:7.2f} {mb(run.rss_idle_kb) + '→' + mb(run.rss_child_kb):>12} "
            f"{mb(run.rss_child_hwm_kb):>6} {mb(run.rss_tree_kb):>8} {once:>8}"
        )
        for note in run.notes:
            print(f"{'':14}{note}")
    print(
        "\nSDK now: the bare SDK measured just before that run; vs SDK = msgs/s (1st→end) / SDK now; "
        "vs ceil = msgs/s / the emulator's ceiling"
    )
    print(f"\nper batch task (worker log); bare send = {settings_batch} messages at the SDK-now rate")
    print(
        f"{'devices':>8} {'conc':>4} {'batches':>7} {'in task ms':>10} {'beyond bare send ms':>19} "
        f"{'between tasks ms':>16}"
    )
    for run in runs:
        beyond = run.task_seconds * 1000 - settings_batch / run.sdk_rate * 1000
        print(
            f"{run.devices:8,} {run.concurrency:4} {run.batches:7} {run.task_seconds * 1000:10.0f} {beyond:19.0f} "
            f"{run.gap_seconds * 1000:16.0f}"
        )
    for run in runs:
        if run.profile:
            print(f"\nwhere the pool child's time went, {run.devices:,} devices (py-spy, the task thread's wall time):")
            for label, share in run.profile:
                print(f"  {share:6.1%}  {label}")
    single = [run for run in runs if run.concurrency == 1]
    print()
    if single:
        largest = max(single, key=lambda run: run.devices)
        ratio = largest.rate_span / largest.sdk_rate
        verdict = "PASS" if ratio >= SDK_TARGET else "FAIL"
        print(
            f"target: pipeline >= {SDK_TARGET:.0%} of the bare SDK per worker process "
            f"({largest.devices:,} devices, concurrency 1): {ratio:.0%}  {verdict}"
        )
        smallest = min(single, key=lambda run: run.devices)
        if smallest is not largest:
            growth = largest.rss_child_kb / smallest.rss_child_kb - 1
            verdict = "PASS" if growth <= RSS_TOLERANCE else "FAIL"
            print(
                f"target: peak RSS does not grow with devices (pool child, {smallest.devices:,} → "
                f"{largest.devices:,}): {mb(smallest.rss_child_kb)} → {mb(largest.rss_child_kb)} MB "
                f"({growth:+.1%}, at most {RSS_TOLERANCE:+.0%})  {verdict}"
            )
        within = "within" if largest.p90 <= GUARDIAN_SECONDS else "outside"
        print(
            f"reach: 90% of {largest.devices:,} devices {largest.p90:.1f} s after the commit "
            f"({within} the Guardian's 2 minutes for 90% of readers)"
        )


# --- Main ----------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--devices", default="10000,100000", help="audience sizes, comma-separated")
    parser.add_argument(
        "--also-concurrency",
        type=int,
        default=2,
        metavar="N",
        help="also run the largest audience on one worker with --concurrency N (0 skips it)",
    )
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument(
        "--sdk-check-seconds",
        type=float,
        default=5.0,
        help="the bare SDK again for this long before each pipeline run, the rate it is compared with (0: no)",
    )
    parser.add_argument("--connections", type=int, default=64, help="load generator connections for the ceiling")
    parser.add_argument(
        "--py-spy",
        metavar="PATH",
        help="profile the concurrency-1 pool child with this py-spy and show where its time goes "
        "(pip install py-spy; profiling slows the run, so its rates are not the benchmark's)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.devices.split(",")]
    plan = [(size, 1) for size in sizes]
    if args.also_concurrency > 1:
        plan.append((max(sizes), args.also_concurrency))

    started = time.monotonic()
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc"]
    quiet = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"], check=True, env=quiet)
    subprocess.run([*psql, f"CREATE DATABASE {DB}"], check=True)

    with EmulatorProcess(config=EmulatorConfig(record_bodies=False)) as emulator:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="0",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
            REDIS_URL=REDIS_URL,
            FCM_ENDPOINT=emulator.url,
            FCM_PROJECT_ID=PROJECT,
            FCM_CREDENTIALS="",
            LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
            NEWSLINE_VAR_DIR=str(LOGS.parent),
        )
        import django

        django.setup()
        import redis
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        # Db 12 is this benchmark's broker: drop the queue and any unacknowledged task a killed run left behind.
        redis.Redis.from_url(REDIS_URL).flushdb()

        pool = settings.FCM_POOL_SIZE
        settings_line = (
            f"{os.cpu_count()} CPUs; PostgreSQL, Redis, emulator (child process, no bodies) on this machine; "
            f"DEBUG=0; PUSH_BATCH_SIZE={settings.PUSH_BATCH_SIZE} FCM_POOL_SIZE={pool} "
            f"prefetch={settings.CELERY_WORKER_PREFETCH_MULTIPLIER}"
        )
        print(settings_line)
        seconds = args.baseline_seconds
        print(f"baselines, {seconds:.0f} s each ...")
        ceiling = emulator_ceiling(emulator.url, args.connections, seconds)
        ceiling_how = f"asyncio keep-alive generator, {args.connections} conns"
        emulator.client.clear()
        wrk_rate = wrk_ceiling(emulator.url, args.connections, seconds)
        emulator.client.clear()
        if wrk_rate is not None and wrk_rate > ceiling:
            ceiling, ceiling_how = wrk_rate, f"wrk -t1 -c{args.connections} (asyncio generator: {ceiling:,.0f})"
        sdk, sent, warnings = bare_sdk(seconds)
        sdk_accepted = emulator.client.stats()["accepted"]
        emulator.client.clear()
        if sdk_accepted != sent:
            print(f"bare SDK: {sent} sent but {sdk_accepted} accepted", file=sys.stderr)
            return 1
        sdk_how = f"send_each x500 in a loop, pool {pool} ({warnings} pool-full warnings)"

        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
        runs: list[Run] = []
        for number, (devices, concurrency) in enumerate(plan, start=1):
            print(f"pipeline run {number}/{len(plan)}: {devices:,} devices, one worker, concurrency {concurrency}")
            run = run_pipeline(
                emulator=emulator,
                env=env,
                devices=devices,
                concurrency=concurrency,
                workdir=LOGS,
                label=f"{number}",
                sdk_rate=sdk,
                sdk_seconds=args.sdk_check_seconds,
                py_spy=args.py_spy if concurrency == 1 else None,
            )
            runs.append(run)
            print(f"  {run.rate_span:,.0f} msgs/s, all accepted {run.last:.1f} s after the commit, ok={run.ok}")
        print_report(
            ceiling=ceiling,
            ceiling_how=ceiling_how,
            sdk=sdk,
            sdk_how=sdk_how,
            runs=runs,
            settings_line=settings_line,
            settings_batch=settings.PUSH_BATCH_SIZE,
        )
        print(f"\nwhole run: {time.monotonic() - started:.0f} s")
    return 0 if all(run.ok for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
