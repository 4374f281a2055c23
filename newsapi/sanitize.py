"""Article HTML is cleaned to an allow-list on every save (nh3, the Rust ammonia sanitiser)."""

import html

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "q", "cite", "ul", "ol", "li", "a", "figure", "figcaption", "img",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "span", "bdi", "bdo", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "bdo": {"dir"},
    "abbr": {"title"},
    "*": {"dir", "lang"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(value: str) -> str:
    """Return ``value`` with every tag, attribute and URL scheme outside the allow-list removed.

    Links get ``rel="noopener noreferrer nofollow"``; scripts and styles are dropped with their content.
    """
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(value: str) -> str:
    """Plain text of sanitised HTML, for search and reading time."""
    text = nh3.clean(value.replace("<", " <"), tags=set(), clean_content_tags={"script", "style"})
    return " ".join(html.unescape(text).split())
