import pytest

from tests.factories import published_article

pytestmark = pytest.mark.django_db


def test_published_article_is_listed(api):
    article = published_article()
    response = api.get("/api/v1/articles/?lang=en")
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["results"]] == [article.pk]
