"""The article page's form: a rich-text body, the picture uploaded in place, translations chosen by article.

Everything here only reads and validates; ``ArticleAdmin.save_model`` hands the cleaned
values to the services (``image_upload``, ``article_create``/``article_update``).
"""

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django_prose_editor.widgets import AdminProseEditorWidget

from newsapi import images
from newsapi.models import Article, Edition, SectionName

# What the body editor can make. Every tag it produces is on the sanitiser's allow-list
# (newsapi.sanitize; tests/newsapi/test_article_admin.py proves it), so nothing an editor
# writes is silently dropped on save.
BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Underline": True,
        "Strike": True,
        "Subscript": True,
        "Superscript": True,
        "Heading": {"levels": [2, 3]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
        "HorizontalRule": True,
        "HardBreak": True,
    }
}

# Fields whose text is in the article's language: they follow the edition's direction.
TEXT_FIELDS = (
    "title", "slug", "summary", "body_html", "credit", "correction_note", "picture_caption", "picture_credit",
    "picture_alt",
)  # fmt: skip


class ArticleChoiceWidget(forms.Select):
    """A search-as-you-type article picker (the admin's select2) that renders only the chosen option.

    Django's own autocomplete widget needs a foreign key to search through; a translation is
    chosen by article but stored as the shared ``translation_group``, so this widget asks the
    article admin's own search endpoint instead.
    """

    def __init__(self, *, url_name: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.url_name = url_name

    def build_attrs(self, base_attrs: dict[str, Any], extra_attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.setdefault("class", "")
        attrs["class"] += " admin-autocomplete"
        attrs.update(
            {
                "data-ajax--url": reverse(self.url_name),
                "data-ajax--cache": "true",
                "data-ajax--delay": 250,
                "data-ajax--type": "GET",
                "data-theme": "admin-autocomplete",
                "data-allow-clear": "true",
                "data-placeholder": "Search articles in other editions",
                "lang": settings.LANGUAGE_CODE,
            }
        )
        return attrs

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        chosen = [v for v in value if v]
        groups: list[Any] = [(None, [self.create_option(name, "", "", not chosen, 0)], 0)]
        field = self.choices.field  # type: ignore[attr-defined]
        for index, article in enumerate(field.queryset.filter(pk__in=chosen), start=1):
            option = self.create_option(name, article.pk, field.label_from_instance(article), True, index)
            groups.append((None, [option], index))
        return groups


class ArticleForm(forms.ModelForm[Article]):
    picture_file = forms.ImageField(
        required=False,
        label="Upload a picture",
        help_text="JPEG, PNG or WebP. Location and camera data are removed; renditions are made after saving.",
    )
    picture_caption = forms.CharField(max_length=300, required=False, label="Caption")
    picture_credit = forms.CharField(max_length=120, required=False, label="Picture credit", help_text="e.g. Reuters")
    picture_alt = forms.CharField(
        max_length=300, required=False, label="Alt text", help_text="What the picture shows, for screen readers."
    )
    translation_of = forms.ModelChoiceField(
        queryset=Article.objects.select_related("edition"),
        required=False,
        label="Translation of",
        help_text="The same story in another edition: this article joins its translations.",
        widget=ArticleChoiceWidget(url_name="admin:newsapi_article_translations"),
    )

    class Meta:
        model = Article
        fields = [
            "edition", "section", "title", "slug", "summary", "body_html", "tags", "authors", "credit", "image",
            "is_breaking", "send_alert", "publish_at", "correction_note",
        ]  # fmt: skip
        widgets = {"body_html": AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["translation_of"].label_from_instance = lambda a: f"[{a.edition.code}] {a.title}"  # type: ignore[attr-defined]
        image = self.instance.image if self.instance.pk else None
        if image is not None:
            for name in ("caption", "credit", "alt"):
                self.fields[f"picture_{name}"].initial = getattr(image, name)
        edition = self._edition()
        if edition is not None:
            self._speak(edition)

    def _edition(self) -> Edition | None:
        """The edition the page is written in: the article's, or the one chosen on a new article."""
        if self.instance.pk:
            return self.instance.edition
        chosen = self.data.get(self.add_prefix("edition")) or self.initial.get("edition")
        if isinstance(chosen, Edition):
            return chosen
        try:
            return Edition.objects.filter(pk=int(chosen)).first() if chosen else None
        except (TypeError, ValueError):
            return None

    def _speak(self, edition: Edition) -> None:
        """Text fields in the edition's direction; sections by their name in its language."""
        for name in TEXT_FIELDS:
            if name in self.fields:
                self.fields[name].widget.attrs["dir"] = edition.dir
        if "section" in self.fields:
            names = dict(SectionName.objects.filter(edition=edition).values_list("section_id", "name"))
            self.fields["section"].label_from_instance = lambda s: names.get(s.pk) or s.slug  # type: ignore[attr-defined]

    def clean_picture_file(self) -> Any:
        upload = self.cleaned_data.get("picture_file")
        if upload:
            images.image_check_upload(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        edition = cleaned.get("edition")
        tags = cleaned.get("tags")
        if edition is not None and tags is not None:
            foreign = [tag.name for tag in tags if tag.edition_id != edition.pk]
            if foreign:
                self.add_error("tags", f"These tags belong to another edition: {', '.join(foreign)}.")
        original = cleaned.get("translation_of")
        if original is not None and edition is not None:
            if original.pk == self.instance.pk:
                self.add_error("translation_of", "An article cannot be its own translation.")
            elif original.edition_id == edition.pk:
                self.add_error("translation_of", "Choose the story in another edition: this one is in the same.")
            elif (
                Article.objects.filter(translation_group=original.translation_group, edition=edition)
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                self.add_error("translation_of", f"That story already has a translation in {edition.name}.")
        if cleaned.get("picture_file") and cleaned.get("image"):
            self.add_error("picture_file", "Upload a new picture or choose an existing one, not both.")
        return cleaned

    def picture_changes(self) -> dict[str, str]:
        """Caption, credit and alt text the editor changed on the article's current picture."""
        return {
            name: self.cleaned_data[f"picture_{name}"]
            for name in ("caption", "credit", "alt")
            if f"picture_{name}" in self.changed_data
        }


def edition_directions() -> dict[str, dict[str, Any]]:
    """Per edition: its direction and its section names, for the page to follow a change of edition."""
    editions: dict[str, dict[str, Any]] = {
        str(pk): {"dir": direction, "sections": {}} for pk, direction in Edition.objects.values_list("pk", "dir")
    }
    for edition_id, section_id, name in SectionName.objects.values_list("edition_id", "section_id", "name"):
        editions[str(edition_id)]["sections"][str(section_id)] = name
    return editions
