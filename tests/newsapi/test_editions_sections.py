"""/api/v1/editions/ and /api/v1/sections/ (API.md, "Content")."""

import pytest

from newsapi.models import Section
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_editions_lists_the_six_seeded_languages_in_order(api):
    response = api.get("/api/v1/editions/")

    assert response.status_code == 200, response.content
    assert response.json() == [
        {"code": "en", "name": "English", "dir": "ltr", "is_default": True},
        {"code": "ckb", "name": "کوردی", "dir": "rtl", "is_default": False},
        {"code": "ar", "name": "العربية", "dir": "rtl", "is_default": False},
        {"code": "kmr", "name": "Kurmancî", "dir": "ltr", "is_default": False},
        {"code": "fa", "name": "فارسی", "dir": "rtl", "is_default": False},
        {"code": "tr", "name": "Türkçe", "dir": "ltr", "is_default": False},
    ]


def test_editions_has_exactly_one_default(api):
    editions = api.get("/api/v1/editions/").json()

    assert [edition["code"] for edition in editions if edition["is_default"]] == ["en"]


@pytest.fixture(autouse=True)
def _no_seeded_sections():
    """A migration seeds World; these tests define every section themselves."""
    Section.objects.all().delete()


@pytest.fixture
def sections():
    """Three sections whose display order differs from their alphabetical order."""
    return [
        SectionFactory(slug="world", position=2, names={"en": "World", "ckb": "جیهان"}),
        SectionFactory(slug="kurdistan", position=1, names={"en": "Kurdistan", "ckb": "کوردستان"}),
        SectionFactory(slug="sport", position=3, names={"en": "Sport"}),
    ]


def test_sections_are_named_in_the_requested_edition_in_display_order(api, sections):
    response = api.get("/api/v1/sections/?lang=ckb")

    assert response.status_code == 200, response.content
    assert response.json() == [
        {"slug": "kurdistan", "name": "کوردستان", "position": 1},
        {"slug": "world", "name": "جیهان", "position": 2},
        {"slug": "sport", "name": "sport", "position": 3},
    ]


def test_section_without_a_name_in_the_edition_falls_back_to_its_slug(api, sections):
    names = {item["slug"]: item["name"] for item in api.get("/api/v1/sections/?lang=ckb").json()}

    assert names["sport"] == "sport"


def test_sections_default_to_the_default_edition(api, sections):
    response = api.get("/api/v1/sections/")

    assert response.status_code == 200, response.content
    assert [(item["slug"], item["name"]) for item in response.json()] == [
        ("kurdistan", "Kurdistan"),
        ("world", "World"),
        ("sport", "Sport"),
    ]


def test_sections_ties_in_position_are_ordered_by_slug(api):
    SectionFactory(slug="b-section", position=5, names={"en": "B"})
    SectionFactory(slug="a-section", position=5, names={"en": "A"})

    assert [item["slug"] for item in api.get("/api/v1/sections/?lang=en").json()] == ["a-section", "b-section"]


@pytest.mark.parametrize("lang", ["xx", "EN", "", "e" * 40])
def test_sections_unknown_lang_is_a_400_problem(api, sections, lang):
    response = api.get("/api/v1/sections/", {"lang": lang})

    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == 400
    assert body["title"] == "Bad Request"
    assert set(body["errors"]) == {"lang"}
    assert Section.objects.count() == 3
