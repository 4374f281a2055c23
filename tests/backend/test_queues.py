"""Each kind of Celery task on its own queue (backend/queues.py), so that one never waits behind another."""

from django.conf import settings

from backend.queues import KINDS, MEDIA, PUSH, SITE, TASK_KINDS, queue_name, queue_names, route
from config.celery import app as celery_app


def test_every_task_of_the_project_is_given_a_queue_on_purpose():
    ours = {name for name in celery_app.tasks if not name.startswith("celery.")}

    assert ours == set(TASK_KINDS)


def test_alerts_go_to_the_push_queue_and_renditions_never_share_it():
    assert route("notifications.alert_fanout", [], {}, {}) == {"queue": queue_name(PUSH)}
    assert route("notifications.alert_send_batch", [], {}, {}) == {"queue": queue_name(PUSH)}
    assert route("newsapi.tasks.image_build_renditions", [], {}, {}) == {"queue": queue_name(MEDIA)}
    assert route("newsapi.tasks.publish_due_articles", [], {}, {}) == {"queue": queue_name(SITE)}
    assert queue_name(MEDIA) != queue_name(PUSH)


def test_a_task_nobody_routed_goes_to_the_default_queue():
    assert route("someone.elses_task", [], {}, {}) is None


def test_queues_are_named_after_the_default_one_so_a_renamed_default_keeps_them_apart():
    assert queue_names("celery") == ["celery", *(f"celery-{kind}" for kind in KINDS)]
    assert queue_names("celery-test-gw3")[1] == "celery-test-gw3-push"


def test_the_router_is_what_celery_is_configured_with():
    assert settings.CELERY_TASK_ROUTES == ("backend.queues.route",)
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "celery"


def test_make_run_worker_consumes_every_queue():
    from pathlib import Path

    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()

    assert f"QUEUES := {','.join(queue_names('celery'))}" in makefile
