"""Article bodies are sanitised on save: no XSS payload survives to the API, the allowed markup does."""

import html
import re
from html.parser import HTMLParser

import pytest

from newsapi.models import Article
from newsapi.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, sanitize_html
from tests.factories import published_article

pytestmark = pytest.mark.django_db

XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" ONERROR="alert(1)">',
    "<img src=javascript:alert(1)>",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">click</text></a></svg>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="jav&#x0A;ascript:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">click</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&colon;alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="https://example.com" onclick="alert(1)" onmouseover="alert(2)">link</a>',
    '<p onmouseover="alert(1)" style="background:url(javascript:alert(1))">text</p>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="https://evil.example/x.swf">',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><input type="submit"></form>',
    '<form><button formaction="javascript:alert(1)">go</button></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">click</math>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<body onload="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<details open ontoggle="alert(1)">',
    '<marquee onstart="alert(1)">x</marquee>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<div style="width: expression(alert(1))">x</div>',
    '<img src="https://example.com/a.png" alt="x" onload="alert(1)">',
    '<a href="https://example.com/" target="_blank">x</a>',
    "<<script>alert(1);//<</script>",
    '<img """><script>alert(1)</script>">',
    "<IMG SRC=`javascript:alert(1)`>",
    '<a href="/relative/path" rel="opener">x</a>',
    "<bdo dir=\"rtl\" onclick='alert(1)'>x</bdo>",
    "<template><script>alert(1)</script></template>",
]

ALLOWED_SCHEMES = tuple(f"{scheme}:" for scheme in ALLOWED_URL_SCHEMES)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)


def _url_scheme(value: str) -> str | None:
    """The scheme a browser would see: control characters and whitespace ignored, as in the URL spec."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(value)).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else None


def assert_harmless(markup: str) -> None:
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    assert collector.comments == [], markup
    for tag, attrs in collector.elements:
        assert tag in ALLOWED_TAGS, (tag, markup)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"] | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            assert not name.startswith("on"), (name, markup)
            assert name in allowed, (tag, name, markup)
            if name in ("href", "src"):
                scheme = _url_scheme(value or "")
                assert scheme is None or f"{scheme}:" in ALLOWED_SCHEMES, (value, markup)
    lowered = markup.lower()
    for needle in ("<script", "<style", "<iframe", "<object", "<embed", "<svg", "<math", "<form", "<meta", "<base"):
        assert needle not in lowered, (needle, markup)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_never_reaches_the_api(api, payload):
    article = published_article(body_html=f"<p>Before</p>{payload}<p>After</p>")

    response = api.get(f"/api/v1/articles/{article.pk}/")

    assert response.status_code == 200
    body_html = response.json()["body_html"]
    assert_harmless(body_html)
    assert "<p>Before</p>" in body_html
    assert body_html.endswith("<p>After</p>")


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitised_output_is_stable_when_cleaned_again(payload):
    """No mutation XSS: what the sanitiser emits parses back to the same markup."""
    once = sanitize_html(payload)

    assert sanitize_html(once) == once


def test_script_content_never_reaches_the_search_text():
    article = published_article(body_html="<p>Real news.</p><script>stealCookies()</script><style>p{}</style>")

    stored = Article.objects.get(pk=article.pk)
    assert stored.body_text == "Real news."
    assert "stealCookies" not in stored.body_html


def test_allowed_markup_survives(api):
    body = (
        '<p dir="rtl" lang="ckb">دەقی کوردی</p>'
        "<h2>Background</h2>"
        '<p>Read <a href="https://example.com/report?id=1&amp;x=2" title="report">the report</a>, '
        '<a href="mailto:desk@example.com">write</a> or <a href="/en/world/1/">see</a>.</p>'
        "<blockquote><p>A quote.</p><cite>Someone</cite></blockquote>"
        "<ul><li>one</li><li><strong>two</strong></li></ul>"
        "<ol><li><em>first</em></li></ol>"
        '<figure><img src="https://cdn.example.com/a.jpg" alt="A map" width="640" height="480">'
        "<figcaption>A map</figcaption></figure>"
        '<table><thead><tr><th scope="col">Party</th></tr></thead>'
        '<tbody><tr><td colspan="2">41%</td></tr></tbody></table>'
        '<p>Mixed <bdi>العربية</bdi> and <bdo dir="ltr">LTR</bdo>.</p>'
    )
    article = published_article(body_html=body)

    served = api.get(f"/api/v1/articles/{article.pk}/").json()["body_html"]

    for fragment in (
        '<p dir="rtl" lang="ckb">دەقی کوردی</p>',
        "<h2>Background</h2>",
        'href="https://example.com/report?id=1&amp;x=2"',
        'href="mailto:desk@example.com"',
        'href="/en/world/1/"',
        "<blockquote><p>A quote.</p><cite>Someone</cite></blockquote>",
        "<ul><li>one</li><li><strong>two</strong></li></ul>",
        "<ol><li><em>first</em></li></ol>",
        'src="https://cdn.example.com/a.jpg"',
        'alt="A map"',
        "<figcaption>A map</figcaption>",
        '<th scope="col">Party</th>',
        '<td colspan="2">41%</td>',
        "<bdi>العربية</bdi>",
        '<bdo dir="ltr">LTR</bdo>',
    ):
        assert fragment in served, fragment
    assert served.count('rel="noopener noreferrer nofollow"') == 3
    assert_harmless(served)
