"""Every response carries the Content-Security-Policy; inline code runs only with the response's nonce."""

import re

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_the_admin_gets_the_strict_policy(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert all(source == "'self'" or source.startswith("'nonce-") for source in policy["script-src"])
    assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_the_json_api_still_answers_json_under_the_policy(api):
    response = api.get("/api/v1/editions/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()
    assert "Content-Security-Policy" in response


def test_the_api_docs_inline_script_and_style_carry_the_nonce_the_header_allows(api):
    response = api.get("/api/docs/")

    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce is not None
    assert f"'nonce-{nonce[1]}'" in directives(response)["script-src"]
    assert f"'nonce-{nonce[1]}'" in directives(response)["style-src"]
    html = response.content.decode()
    inline = re.findall(r"<(script|style)( nonce=\"[^\"]*\")?>", html)
    assert inline and all(attribute == f' nonce="{nonce[1]}"' for _, attribute in inline), inline
    assert "/api/schema/" in html


def test_each_response_gets_its_own_nonce(api):
    first, second = api.get("/api/docs/"), api.get("/api/docs/")

    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]
