"""Fixtures for the notifications tests: the loopback FCM emulator, and the gateway pointed at it."""

import pytest

from notifications.emulator import EmulatorServer
from notifications.gateway import FCMGateway


@pytest.fixture(scope="session")
def fcm_emulator_server():
    """One emulator per test session (per xdist worker), on a background thread and a free port."""
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def fcm_emulator(fcm_emulator_server):
    """The session's emulator, back to its start-up configuration with nothing recorded."""
    fcm_emulator_server.client.reset()
    return fcm_emulator_server


@pytest.fixture
def fcm_settings(settings, fcm_emulator):
    """Settings that send to the emulator (no Google credentials involved)."""
    settings.FCM_ENDPOINT = fcm_emulator.url
    settings.FCM_PROJECT_ID = "newsline-test"
    settings.FCM_CREDENTIALS = ""
    return settings


@pytest.fixture
def gateway(fcm_settings) -> FCMGateway:
    return FCMGateway.default()
