"""A real browser against a real server: Playwright driving Debian's Chromium at the live server.

Playwright's own browser download cannot be reached here, so the browser is the distribution's
(``make browser`` installs it). Tests run with DEBUG off, the production Content-Security-Policy
and the live server's own static files; the page fixture fails a test on any CSP violation,
JavaScript error or failed request it sees, so "no console errors" is asserted by every test.

Every test module here carries ``pytestmark = pytest.mark.browser``: ``make test-browser`` runs
them, one at a time, against their own database; the other passes leave them out.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.utils import override_settings
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.factories import user_with_role

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium on this closed network stalls on start-up calling home (updates, sync, QUIC).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "a-long-test-password"  # what tests.factories.user_with_role gives every user


@pytest.fixture(scope="session")
def _browser_settings() -> Iterator[None]:
    """The policy and the server the browser tests need, in force before the live server starts.

    The production CSP must be on (it is in every mode; this guards against that changing), and
    passwords are hashed with a fast hasher: a real one spends a second per login on this machine.
    """
    assert "csp.middleware.CSPMiddleware" in django_settings.MIDDLEWARE, "the browser tests assert the real CSP"
    script_src = django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]
    assert isinstance(script_src, list) and "'unsafe-inline'" not in script_src
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, _browser_settings: None) -> Iterator[LiveServer]:
    """pytest-django's live server, serving the apps' static files as ``runserver`` does.

    pytest-django serves static files with the staticfiles finders only when the literal
    ``django.contrib.staticfiles`` is in INSTALLED_APPS; Newsline installs it through its own
    AppConfig (``backend.apps.StaticFilesConfig``), so without this the admin's CSS and
    JavaScript would be 404s. Tests using it are transactional (pytest-django's rule).
    """
    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(addr, start=False)
    server.thread.static_handler = StaticFilesHandler
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    """Playwright's synchronous API, with Django's database handles carried over to it.

    Between its calls Playwright marks its event loop as running on this thread. Django then
    takes the tests' (synchronous, safe) ORM calls for async ones and refuses them unless told
    otherwise, and asgiref hands out database connections per context instead of per thread:
    new connection objects, without the test database's serialized rows that restore migration
    data after each transactional test. Both are put right here, and the extra connections
    closed before the test database is dropped.
    """
    serialized = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            try:
                yield playwright
            finally:
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    """The window size; a test takes a phone's with ``@pytest.mark.parametrize("viewport", [PHONE])``."""
    return DESKTOP


@dataclass
class BrowserProblems:
    """What the page reported that a working page never does, for the test to fail on."""

    site_host: str
    allowed: list[re.Pattern[str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Let a console message matching ``pattern`` through (a test that expects, say, a 429)."""
        self.allowed.append(re.compile(pattern))

    def add(self, problem: str) -> None:
        if not any(pattern.search(problem) for pattern in self.allowed):
            self.problems.append(problem)

    def on_console(self, message: ConsoleMessage) -> None:
        # Chromium reports CSP violations ("Refused to load ... Content Security Policy"),
        # uncaught errors and failed loads as console errors.
        source = message.location.get("url", "")
        if urlsplit(source).path == "/favicon.ico":
            return  # the browser's own guess at an icon, asked of every site; no page links one
        if message.type == "error":
            self.add(f"console error: {message.text} ({source})")
        elif "Content Security Policy" in message.text:
            self.add(f"console {message.type}: {message.text}")

    def on_page_error(self, error: Exception) -> None:
        self.add(f"JavaScript error: {error}")

    def on_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:")) and host != self.site_host:
            self.add(f"request to another host: {request.method} {request.url}")

    def on_request_failed(self, request: Request) -> None:
        self.add(f"failed request: {request.method} {request.url} ({request.failure})")


@pytest.fixture
def browser_problems(live_server: LiveServer) -> BrowserProblems:
    return BrowserProblems(site_host=urlsplit(live_server.url).hostname or "localhost")


@pytest.fixture
def page(
    django_db_serialized_rollback: None,
    browser: Browser,
    live_server: LiveServer,
    viewport: dict[str, int],
    browser_problems: BrowserProblems,
) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test, its relative URLs on the live server.

    The server thread reads what the test writes, so each test commits (transactional) and the
    database is emptied after it; serialized rollback puts back the rows migrations made (the
    editions, the roles' groups) for the next test.
    """
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("console", browser_problems.on_console)
    page.on("pageerror", browser_problems.on_page_error)
    page.on("request", browser_problems.on_request)
    page.on("requestfailed", browser_problems.on_request_failed)
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test that passed by itself when its page reported a problem."""
    result = yield
    problems = getattr(item, "funcargs", {}).get("browser_problems")
    page = getattr(item, "funcargs", {}).get("page")
    if isinstance(problems, BrowserProblems):
        if isinstance(page, Page) and not page.is_closed():
            page.wait_for_timeout(100)  # let events already sent by the browser arrive
        if problems.problems:
            pytest.fail("the browser reported:\n" + "\n".join(problems.problems), pytrace=False)
    return result


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save what the page shows as docs/screenshots/NAME.png (the README shows them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    return path


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Type the credentials into the editor site's login form and send it, as a person would."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def log_in_as(page: Page, role: str | None, username: str | None = None):
    """A new user of ``role`` (backend.roles), logged in through the real form; returns the user."""
    user = user_with_role(role, username=username)
    user.set_password(PASSWORD)  # the factory's own, made explicit: the form below types it
    user.save(update_fields=["password"])
    log_in(page, user.get_username())
    assert page.url.rstrip("/").endswith("/admin"), f"the login did not go through: {page.url}"
    return user
