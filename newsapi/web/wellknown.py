"""The app-link files that let a tap on a shared or pushed article link open the installed app.

* ``/.well-known/assetlinks.json``: Android App Links (Digital Asset Links), naming the app's
  package and the SHA-256 fingerprints of its signing certificates.
* ``/.well-known/apple-app-site-association``: iOS Universal Links, naming the apps
  (``TEAMID.bundle.id``) and the paths they open: the article URLs
  ``/<edition>/<section>/<id>/<slug>/``, but not the API, the admin or files, whose paths
  could have as many segments.

Both come from settings and are safe when unset: an empty statement list, and
``applinks`` with no details, claim nothing. Apple's CDN fetches the file without
following redirects and expects JSON at a path with no extension.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse

from backend.api.http_cache import public_cache

WELL_KNOWN_KEYS = ("well-known",)
# Paths with four segments that are not articles; Apple applies the first component that matches.
APPLE_EXCLUDED_PATHS = ("/api/*", "/admin/*", "/static/*", "/media/*", "/.well-known/*")
APPLE_ARTICLE_PATH = "/*/*/*/*/"


def assetlinks_statements() -> list[dict[str, Any]]:
    """One statement for the Android app, or none while its package or fingerprints are not configured."""
    package = settings.ANDROID_APP_PACKAGE
    fingerprints = settings.ANDROID_APP_SHA256_FINGERPRINTS
    if not package or not fingerprints:
        return []
    return [
        {
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": {
                "namespace": "android_app",
                "package_name": package,
                "sha256_cert_fingerprints": list(fingerprints),
            },
        }
    ]


def apple_app_site_association() -> dict[str, Any]:
    """Apple's current ``applinks`` format (``appIDs`` and ``components``, iOS 13 and later)."""
    app_ids = list(settings.IOS_APP_IDS)
    if not app_ids:
        return {"applinks": {"details": []}}
    components: list[dict[str, Any]] = [
        {"/": path, "exclude": True, "comment": "Not an article"} for path in APPLE_EXCLUDED_PATHS
    ]
    components.append({"/": APPLE_ARTICLE_PATH, "comment": "An article: /<edition>/<section>/<id>/<slug>/"})
    return {"applinks": {"details": [{"appIDs": app_ids, "components": components}]}}


def assetlinks(request: HttpRequest) -> HttpResponseBase:
    return public_cache(JsonResponse(assetlinks_statements(), safe=False), keys=WELL_KNOWN_KEYS)


def apple_association(request: HttpRequest) -> HttpResponseBase:
    return public_cache(JsonResponse(apple_app_site_association()), keys=WELL_KNOWN_KEYS)


def robots_txt(request: HttpRequest) -> HttpResponseBase:
    """Crawl the pages, not the API or the editor site; the sitemaps say where the stories are."""
    site = settings.SITE_URL
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "",
        f"Sitemap: {site}{reverse('sitemap-index')}",
        f"Sitemap: {site}{reverse('sitemap-news')}",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    return public_cache(response, keys=WELL_KNOWN_KEYS)
