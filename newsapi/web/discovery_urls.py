"""Routes of the web edition's machine-read side: the site root, robots.txt, sitemaps, feeds and the app-link files.

Included from ``config.urls`` before the pages' routes, so ``/<edition>/feed/rss/`` is a
feed and never taken for a page.
"""

from django.urls import path

from newsapi.web import converters, feeds, sitemaps, views, wellknown  # noqa: F401 - converters registers edition_code

urlpatterns = [
    path("", views.site_root, name="web-root"),
    path("robots.txt", wellknown.robots_txt, name="robots-txt"),
    path(".well-known/assetlinks.json", wellknown.assetlinks, name="assetlinks"),
    path(".well-known/apple-app-site-association", wellknown.apple_association, name="apple-app-site-association"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path("sitemap-news.xml", sitemaps.sitemap_news, name="sitemap-news"),
    path("sitemap-<edition_code:edition>.xml", sitemaps.sitemap_edition, name="sitemap-edition"),
    path("<edition_code:edition>/feed/rss/", feeds.feed_rss, name="feed-edition-rss"),
    path("<edition_code:edition>/feed/atom/", feeds.feed_atom, name="feed-edition-atom"),
    path("<edition_code:edition>/<slug:section>/feed/rss/", feeds.feed_rss, name="feed-section-rss"),
    path("<edition_code:edition>/<slug:section>/feed/atom/", feeds.feed_atom, name="feed-section-atom"),
]
