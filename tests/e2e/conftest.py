"""Fixtures of the end-to-end tests."""

from collections.abc import Iterator

import pytest

from config.celery import app as celery_app


@pytest.fixture
def clean_broker() -> Iterator[None]:
    """No task left over from another test may reach this test's worker."""
    celery_app.control.purge()
    yield
    celery_app.control.purge()
