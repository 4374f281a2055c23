from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponseBase
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from backend import health, metrics
from backend.api.errors import api_handler500
from newsapi.web.views import page_not_found

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Prometheus, for allowed scrapers only (METRICS_TOKEN, METRICS_ALLOWED_NETWORKS); a 404 to anyone else.
    path("metrics", metrics.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("newsapi.api.urls")),
    path("api/v1/", include("notifications.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("newsapi.web.discovery_urls")),
    # The web edition's pages: every pattern starts with an edition code and ends with a slash.
    path("", include("newsapi.web.urls")),
]

if settings.SERVE_MEDIA:
    # The embedded mode serves uploads itself; production serves MEDIA_URL from a CDN or the proxy.
    def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
        """MEDIA_ROOT is read per request, so a changed setting (tests) is honoured."""
        return serve(request, path, document_root=str(settings.MEDIA_ROOT))

    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media),
    ]

handler404 = page_not_found
handler500 = api_handler500
