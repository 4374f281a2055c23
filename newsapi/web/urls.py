"""The web edition's pages, under ``/<edition>/``; the root urls include them last.

Every pattern starts with an edition code, and the last one takes any other path under
it that ends in a slash, so an unknown address is a 404 page in that edition's language.
A code that names no edition is handed to the project's ``handler404``. ``api`` has the
shape of a code but is never taken: an unknown ``/api/...`` path must stay the API's
problem+json 404, and must not become an ``APPEND_SLASH`` redirect because a page pattern
here would match it with a slash added. Other paths without the trailing slash match
nothing here, so ``APPEND_SLASH`` still redirects them to the page.
"""

from django.urls import path, re_path

from newsapi.web import views
from newsapi.web.converters import EDITION_CODE

urlpatterns = [
    path("<edition_code:edition>/", views.home_page, name="web-home"),
    path("<edition_code:edition>/search/", views.search_page, name="web-search"),
    path("<edition_code:edition>/tag/<str:slug>/", views.tag_page, name="web-tag"),
    path("<edition_code:edition>/<slug:section>/", views.section_page, name="web-section"),
    # Old and hand-typed links: without the slug, or with an outdated one, they 301 to the canonical URL.
    path("<edition_code:edition>/<slug:section>/<int:pk>/", views.article_page, name="web-article-short"),
    path("<edition_code:edition>/<slug:section>/<int:pk>/<str:slug>/", views.article_page, name="web-article"),
    re_path(rf"^(?P<edition>{EDITION_CODE})/(?:.+/)?$", views.not_found_page),
]
