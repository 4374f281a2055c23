"""The assertion the device API's tests share: an RFC 9457 problem+json answer with this status."""

from typing import Any


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    return body
