"""What a web path's first segment may be: the shape of an edition code, never ``api``.

Both the pages' routes and the feeds' routes use it, so one rule decides which paths belong
to an edition (see ``newsapi.web.urls`` on why ``api`` is excluded).
"""

from django.urls import register_converter

EDITION_CODE = r"(?!api/)[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?"


class EditionCodeConverter:
    """The shape of ``Edition.code`` (a BCP 47 language tag); whether it exists is the view's question."""

    regex = EDITION_CODE

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(EditionCodeConverter, "edition_code")
