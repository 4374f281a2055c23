"""The push figures in /metrics: alert states, messages by outcome and error code, fan-out lag, the scrape's cost."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from newsapi.models import Section
from notifications import delivery
from notifications.models import Alert, AlertBatch, AlertState, BatchState
from tests.backend.test_metrics import AUTH, scrape, value
from tests.factories import published_article
from tests.notifications.factories import AlertFactory, DeviceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(settings):
    from tests.backend.test_metrics import TOKEN

    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []


def send_every_batch(alert: Alert, gateway, capture) -> Alert:
    """What the Celery tasks do, in this process, with each batch's commit callbacks run as a worker's would be."""
    delivery.alert_fanout(alert_id=alert.pk)
    for batch in alert.batches.order_by("index"):
        while True:
            with capture(execute=True):
                outcome = delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)
            if outcome.retry_in is None:
                break
    alert.refresh_from_db()
    return alert


def test_alert_state_gauges_match_the_database(client, token):
    now = timezone.now()
    for state, count in [
        (AlertState.DRAFT, 2),
        (AlertState.SENT, 3),
        (AlertState.FAILED, 1),
        (AlertState.CANCELLED, 1),
    ]:
        AlertFactory.create_batch(count, state=state)
    AlertFactory(state=AlertState.QUEUED, queued_at=now - timedelta(seconds=300))
    AlertFactory(state=AlertState.QUEUED, queued_at=now - timedelta(seconds=20))
    AlertFactory(state=AlertState.SENDING, queued_at=now - timedelta(seconds=90))

    found = scrape(client)

    in_database = dict(Alert.objects.order_by().values_list("state").annotate(Count("pk")))
    for state in AlertState.values:
        assert value(found, "newsline_alerts", state=state) == in_database.get(state, 0), state
    assert value(found, "newsline_alerts", state="queued") == 2
    assert 300 <= value(found, "newsline_alerts_oldest_age_seconds", state="queued") < 3600
    assert 90 <= value(found, "newsline_alerts_oldest_age_seconds", state="sending") < 3600


def test_messages_are_counted_by_outcome_and_error_code_after_a_real_send(
    client, token, fcm_emulator, gateway, settings, django_capture_on_commit_callbacks
):
    settings.PUSH_BATCH_SIZE = 3
    fcm_emulator.client.configure(
        token_errors=[
            {"prefix": "unregistered-", "code": "UNREGISTERED"},
            {"prefix": "apns-", "code": "THIRD_PARTY_AUTH_ERROR"},
            {"prefix": "busy-", "code": "UNAVAILABLE", "times": 1},
        ],
        retry_after=1,
    )
    DeviceFactory.create_batch(3)
    DeviceFactory(token="unregistered-0001-" + "a" * 24)
    DeviceFactory(token="apns-0001-" + "a" * 24)
    DeviceFactory(token="busy-0001-" + "a" * 24)
    before = scrape(client)
    article = published_article(section=Section.objects.get(slug="world"), is_breaking=True)

    alert = send_every_batch(Alert.objects.get(article=article), gateway, django_capture_on_commit_callbacks)

    assert (alert.sent, alert.invalid_tokens, alert.failed) == (4, 1, 1)
    assert alert.batches.count() == 2
    found = scrape(client)
    family = "newsline_push_messages_total"
    assert value(before, family, outcome="sent", error_code="") == 0
    assert value(found, family, outcome="sent", error_code="") == 4
    assert value(found, family, outcome="invalid", error_code="UNREGISTERED") == 1
    assert value(found, family, outcome="failed", error_code="THIRD_PARTY_AUTH_ERROR") == 1
    assert value(found, family, outcome="retry", error_code="UNAVAILABLE") == 1
    assert sum(sample.value for sample in found if sample.name == family) == 7
    assert value(found, "newsline_metrics_collector_up", collector="push_messages") == 1


def test_a_send_whose_record_rolls_back_is_not_counted(
    client, token, fcm_emulator, gateway, django_capture_on_commit_callbacks
):
    DeviceFactory.create_batch(2)
    article = published_article(section=Section.objects.get(slug="world"), is_breaking=True)
    alert = Alert.objects.get(article=article)
    delivery.alert_fanout(alert_id=alert.pk)
    batch = alert.batches.get()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)
        raise RuntimeError("the worker dies before its transaction commits")

    assert len(fcm_emulator.client.all_messages()) == 2  # FCM got them; the ledger did not record them
    assert value(scrape(client), "newsline_push_messages_total", outcome="sent", error_code="") == 0


def test_an_unknown_error_code_is_counted_as_other(client, token, django_capture_on_commit_callbacks):
    from notifications.gateway import SendResult
    from notifications.metrics import push_results_count

    with django_capture_on_commit_callbacks(execute=True):
        push_results_count(recorded=[], retried=[SendResult(token="t", ok=False, error_code="SOMETHING_NEW_42")])

    found = scrape(client)
    assert value(found, "newsline_push_messages_total", outcome="retry", error_code="OTHER") == 1
    assert not any(sample.labels.get("error_code") == "SOMETHING_NEW_42" for sample in found)


def finished_alert(
    *, queued_ago: float, batch_finishes: list[tuple[float, int, int]], finished_ago: float = 0
) -> Alert:
    """A sent alert with batches finishing ``seconds`` after it was queued, each (seconds, sent, deferred)."""
    now = timezone.now()
    queued_at = now - timedelta(seconds=queued_ago)
    alert = AlertFactory(state=AlertState.SENT, queued_at=queued_at, finished_at=now - timedelta(seconds=finished_ago))
    for index, (seconds, sent, deferred) in enumerate(batch_finishes):
        AlertBatch.objects.create(
            alert=alert, index=index, first_device_id=index * 10 + 1, last_device_id=index * 10 + 10,
            size=sent + deferred, state=BatchState.DONE, sent=sent, deferred=deferred,
            finished_at=queued_at + timedelta(seconds=seconds),
        )  # fmt: skip
    return alert


def test_fanout_lag_is_the_time_from_queued_to_90_percent_sent_of_recent_alerts(client, token):
    # Ten batches of 10 finishing 10 s apart, listed out of order: 90% is reached by the 9th to finish, at 90 s.
    # A batch held entirely for quiet hours finishes last and counts for nothing.
    finished_alert(
        queued_ago=1000,
        batch_finishes=[
            (100, 10, 0),
            (30, 10, 0),
            *((s, 10, 0) for s in (10, 20, 40, 50, 60, 70, 80, 90)),
            (900, 0, 7),
        ],
        finished_ago=100,
    )
    # A later one with uneven batches: 50 at 5 s, 30 at 12 s (80%), 20 at 45 s: 90% at 45 s.
    finished_alert(queued_ago=400, batch_finishes=[(5, 50, 0), (12, 30, 0), (45, 20, 0)], finished_ago=10)
    # Left out: finished before the window, or not finished.
    finished_alert(queued_ago=20_000, batch_finishes=[(5_000, 10, 0)], finished_ago=10_000)
    sending = finished_alert(queued_ago=50, batch_finishes=[(49, 10, 0)])
    Alert.objects.filter(pk=sending.pk).update(state=AlertState.SENDING, finished_at=None)

    found = scrape(client)

    assert value(found, "newsline_alert_fanout_recent_alerts") == 2
    assert value(found, "newsline_alert_fanout_lag_max_seconds") == pytest.approx(90)
    assert value(found, "newsline_alert_fanout_lag_last_seconds") == pytest.approx(45)


def test_without_recent_alerts_there_is_no_lag_sample(client, token):
    found = scrape(client)

    assert value(found, "newsline_alert_fanout_recent_alerts") == 0
    assert not any(sample.name.startswith("newsline_alert_fanout_lag") for sample in found)


def test_fanout_lag_of_a_real_send_falls_between_queueing_and_finishing(
    client, token, fcm_emulator, gateway, settings, django_capture_on_commit_callbacks
):
    settings.PUSH_BATCH_SIZE = 2
    DeviceFactory.create_batch(9)
    article = published_article(section=Section.objects.get(slug="world"), is_breaking=True)
    alert = send_every_batch(Alert.objects.get(article=article), gateway, django_capture_on_commit_callbacks)
    batches = sorted(alert.batches.all(), key=lambda batch: (batch.finished_at, batch.pk))

    found = scrape(client)

    # 9 devices in batches of 2: the 5th batch to finish takes the alert from 8 (89%) to 9 sent.
    assert batches[4].finished_at and alert.queued_at and alert.finished_at
    expected = (batches[4].finished_at - alert.queued_at).total_seconds()
    assert value(found, "newsline_alert_fanout_lag_last_seconds") == pytest.approx(expected)
    assert 0 < expected <= (alert.finished_at - alert.queued_at).total_seconds()


def test_a_scrape_makes_at_most_two_queries_whatever_the_data(client, token, django_assert_max_num_queries):
    for n in range(5):
        finished_alert(queued_ago=600, batch_finishes=[(s, 10, 0) for s in range(1, 30)], finished_ago=n)
    AlertFactory.create_batch(20, state=AlertState.SENT)
    AlertFactory(state=AlertState.QUEUED, queued_at=timezone.now())

    with django_assert_max_num_queries(2):
        response = client.get("/metrics", **AUTH)

    assert response.status_code == 200
