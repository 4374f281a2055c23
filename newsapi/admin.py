from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from js_asset import Media

from backend.admin_history import HistoryWithDiff
from backend.admin_services import SavesThroughServices
from backend.purge import purge_on_commit, purging
from newsapi import images, purges, selectors, services
from newsapi.admin_forms import ArticleForm, edition_directions
from newsapi.models import (
    AppRelease,
    Article,
    ArticleStatus,
    Author,
    Edition,
    Image,
    ImageRendition,
    Section,
    SectionName,
    Tag,
)
from newsapi.permissions import article_policy
from newsapi.publishing import article_links, publish_outcomes, publish_previews


def _thumbnail(image: Image | None, *, size: int) -> str:
    """The narrowest rendition at least ``size`` wide (prefetched), drawn ``size`` wide; a dash before any exists."""
    if image is None:
        return "-"
    renditions = list(image.renditions.all())
    if not renditions:
        return format_html('<span class="thumb-pending" title="Renditions are being made">…</span>')
    best = next((r for r in renditions if r.width >= size), renditions[-1])
    height = round(best.height * size / best.width)
    return format_html(
        '<img class="thumb" src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
        best.file.url,
        size,
        height,
        image.alt,
    )


class PurgesWhatItShows(admin.ModelAdmin[Any]):
    """A page that saves its rows straight to the model (no service): each save and deletion purges the
    cached responses the row is shown in (``newsapi.purges``) once it commits."""

    def purge_keys(self, *, before: Any, after: Any) -> set[str]:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = type(obj)._default_manager.filter(pk=obj.pk).first() if change and purging() else None
        super().save_model(request, obj, form, change)
        purge_on_commit(self.purge_keys(before=before, after=obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        keys = self.purge_keys(before=obj, after=None)
        super().delete_model(request, obj)
        purge_on_commit(keys)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        keys = set().union(*(self.purge_keys(before=obj, after=None) for obj in queryset)) if purging() else set()
        super().delete_queryset(request, queryset)
        purge_on_commit(keys)


@admin.register(Edition)
class EditionAdmin(PurgesWhatItShows):
    list_display = ["code", "name", "dir", "is_default", "position"]

    def purge_keys(self, *, before: Any, after: Any) -> set[str]:
        return purges.edition_change_keys(before=before, after=after)


class SectionNameInline(admin.TabularInline[SectionName, Section]):
    model = SectionName
    extra = 0


@admin.register(Section)
class SectionAdmin(HistoryWithDiff, PurgesWhatItShows):
    list_display = ["slug", "position", "auto_alert"]
    inlines = [SectionNameInline]

    def purge_keys(self, *, before: Any, after: Any) -> set[str]:
        return purges.section_change_keys()


@admin.register(Tag)
class TagAdmin(PurgesWhatItShows):
    list_display = ["name", "slug", "edition"]
    list_filter = ["edition"]
    search_fields = ["name", "slug"]

    def purge_keys(self, *, before: Any, after: Any) -> set[str]:
        # A new tag is on no article yet: nothing shows it.
        return purges.tag_change_keys(before=before, after=after) if before is not None else set()


@admin.register(Author)
class AuthorAdmin(PurgesWhatItShows):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def purge_keys(self, *, before: Any, after: Any) -> set[str]:
        return purges.author_change_keys(author=after or before)


class ImageForm(forms.ModelForm[Image]):
    class Meta:
        model = Image
        fields = ["file", "caption", "credit", "alt"]

    def clean_file(self) -> Any:
        """The upload's checks (type, bytes, pixels) as a field error, before anything is saved."""
        file = self.cleaned_data.get("file")
        if "file" in self.changed_data:
            images.image_check_upload(file)
        return file


@admin.register(Image)
class ImageAdmin(SavesThroughServices, admin.ModelAdmin[Image]):
    """Pictures are stored, changed and deleted by ``newsapi.images``, which asks ``image_policy``."""

    form = ImageForm
    fields = ["preview", "file", "caption", "credit", "alt"]
    readonly_fields = ["preview"]
    list_display = ["thumbnail", "__str__", "credit", "width", "height", "created_at"]
    search_fields = ["caption", "credit"]
    service_fields = images.IMAGE_FIELDS

    def get_queryset(self, request: HttpRequest) -> QuerySet[Image]:
        return super().get_queryset(request).prefetch_related("renditions")

    def has_change_permission(self, request: HttpRequest, obj: Image | None = None) -> bool:
        """A picture an article shows changes with it: the policy asks for the right to edit those articles."""
        if obj is None:
            return super().has_change_permission(request, obj)
        return images.image_policy.can_change(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Image | None = None) -> bool:
        return images.image_policy.can_delete(request.user) and super().has_delete_permission(request, obj)

    def service_create(self, request: HttpRequest, fields: dict[str, Any]) -> Image:
        return images.image_upload(by=request.user, **fields)

    def service_update(self, request: HttpRequest, obj: Image, changes: dict[str, Any]) -> None:
        images.image_update(image=obj, by=request.user, changes=changes)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, list[Any]]:
        """The articles that show a picture protect it: the confirmation page names them and offers no delete."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        users = Article.objects.filter(image__in=[image.pk for image in objs]).order_by("pk")
        protected = [
            *protected,
            *(
                format_html('Article: <a href="{}">{}</a>', reverse("admin:newsapi_article_change", args=[a.pk]), a)
                for a in users
            ),
        ]
        return deleted, counts, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: Image) -> None:
        self._delete(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Image]) -> None:
        self._delete(request, queryset)

    def _delete(self, request: HttpRequest, pictures: Any) -> None:
        """Through ``image_delete``; a picture an article took meanwhile is refused, with a message."""
        for image in pictures:
            try:
                images.image_delete(image=image, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{image}: {' '.join(exc.messages)}", messages.ERROR)

    def _smallest(self, obj: Image) -> ImageRendition | None:
        webp = [r for r in obj.renditions.all() if r.format == images.RENDITION_FORMAT]
        return min(webp, key=lambda r: r.width, default=None)

    @admin.display(description="Picture")
    def thumbnail(self, obj: Image) -> str | None:
        """The smallest rendition drawn 80 px wide; a dash until the renditions are made."""
        return self._img(obj, width=80)

    @admin.display(description="Preview")
    def preview(self, obj: Image) -> str | None:
        return self._img(obj, width=320)

    def _img(self, obj: Image, *, width: int) -> str | None:
        rendition = self._smallest(obj) if obj.pk else None
        if rendition is None:
            return None
        width = min(width, rendition.width)
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
            rendition.file.url,
            width,
            max(1, round(rendition.height * width / rendition.width)),
            obj.alt,
        )


@admin.register(AppRelease)
class AppReleaseAdmin(PurgesWhatItShows):
    list_display = ["platform", "latest_version", "min_supported_version", "updated_at"]
    # Store links are https; one typed without a scheme gets it (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def purge_keys(self, *, before: Any, after: Any) -> set[str]:
        return purges.app_release_change_keys()


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        max_length=200, help_text="Why readers no longer see these articles (kept in the record and the sync feed)."
    )


@admin.register(Article)
class ArticleAdmin(HistoryWithDiff, SavesThroughServices, admin.ModelAdmin[Article]):
    form = ArticleForm
    change_form_template = "admin/newsapi/article/change_form.html"
    # Four columns fit a laptop beside the filters: edition and section ride under the headline.
    list_display = ["thumbnail", "headline", "status_badge", "published"]
    list_display_links = ["headline"]
    list_filter = ["status", "edition", "section", "is_breaking"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "authors", "image"]
    readonly_fields = [
        "status", "published_at", "updated_at", "unpublished_reason", "picture", "translations", "activity",
    ]  # fmt: skip
    list_select_related = ["edition", "section", "image"]
    list_per_page = 50
    actions = ["publish_selected", "submit_for_review", "schedule_selected", "unpublish_selected"]
    fieldsets = [
        (None, {"fields": ["edition", "section", "title", "slug", "summary", "body_html"]}),
        ("Picture", {"fields": ["picture", "picture_file", "image", "picture_caption", "picture_credit",
                                "picture_alt"]}),
        ("Labels", {"fields": ["tags", "authors", "credit", "translation_of", "translations", "correction_note"]}),
        ("Publishing", {"fields": ["is_breaking", "send_alert", "publish_at", "status", "published_at", "updated_at",
                                   "unpublished_reason"]}),
    ]  # fmt: skip

    class Media:
        css = {"all": ["newsapi/admin/article.css"]}
        js = ["newsapi/admin/article_form.js"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        thumbnails = Prefetch(
            "image__renditions", queryset=ImageRendition.objects.filter(format="webp").order_by("width")
        )
        return super().get_queryset(request).prefetch_related(thumbnails)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        if "edition" not in initial:
            default = Edition.objects.filter(is_default=True).first()
            if default is not None:
                initial["edition"] = default.pk
        return initial

    @admin.display(description="", ordering=None)
    def thumbnail(self, article: Article) -> str:
        return _thumbnail(article.image, size=64)

    @admin.display(description="Headline", ordering="title")
    def headline(self, article: Article) -> str:
        flag = mark_safe('<span class="badge badge-breaking">Breaking</span> ') if article.is_breaking else ""
        return format_html(
            '{}<span dir="{}">{}</span><div class="row-meta"><span class="badge" title="{}">{}</span> {}</div>',
            flag,
            article.edition.dir,
            article.title,
            article.edition.name,
            article.edition.code,
            article.section.slug,
        )

    @admin.display(description="Published", ordering="published_at")
    def published(self, article: Article) -> str:
        """In the newsroom's time zone, short: the list must fit a laptop screen."""
        if article.published_at is None:
            return "-"
        return f"{timezone.localtime(article.published_at):%d %b %H:%M}"

    @admin.display(description="Status", ordering="status")
    def status_badge(self, article: Article) -> str:
        return format_html('<span class="badge status-{}">{}</span>', article.status, article.get_status_display())

    @admin.display(description="Current picture")
    def picture(self, article: Article) -> str:
        if article.image is None:
            return "No picture yet: upload one below or choose an existing one."
        return format_html(
            '{}<div class="picture-meta">{} · {}</div>',
            _thumbnail(article.image, size=240),
            article.image.caption or "(no caption)",
            article.image.credit or "(no credit)",
        )

    @admin.display(description="Translations")
    def translations(self, article: Article) -> str:
        if article.pk is None:
            return "-"
        others = (
            Article.objects.filter(translation_group=article.translation_group)
            .exclude(pk=article.pk)
            .select_related("edition")
            .order_by("edition__position")
        )
        links = format_html_join(
            ", ",
            '<a href="{}" dir="{}">[{}] {}</a>',
            (
                (reverse("admin:newsapi_article_change", args=[other.pk]), other.edition.dir, other.edition.code,
                 other.title)
                for other in others
            ),
        )  # fmt: skip
        return links or "None yet"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Article], search_term: str
    ) -> tuple[QuerySet[Article], bool]:
        """Article pickers on other forms (an alert's article) offer only what readers can see."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match is not None and request.resolver_match.url_name == "autocomplete":
            queryset = queryset.filter(pk__in=Article.objects.published().values("pk"))
        return queryset, may_have_duplicates

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        """The article policy decides per article (a reporter: their own drafts); the list needs the permission."""
        if obj is None:
            return super().has_change_permission(request, obj)
        return article_policy.can_edit(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        """Readers may have seen a once-published article: it is unpublished (a tombstone), never deleted."""
        if obj is None:
            return super().has_delete_permission(request, obj)
        return article_policy.can_delete(request.user, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Only what the user may do: a reporter sends drafts for review and nothing more."""
        actions = super().get_actions(request)
        if not article_policy.can_publish(request.user):
            for name in ("publish_selected", "schedule_selected", "unpublish_selected"):
                actions.pop(name, None)
        return actions

    service_fields = services.EDITABLE_FIELDS

    def service_create(self, request: HttpRequest, fields: dict[str, Any]) -> Article:
        return services.article_create(by=request.user, **fields)

    def service_update(self, request: HttpRequest, obj: Article, changes: dict[str, Any]) -> None:
        services.article_update(article=obj, by=request.user, changes=changes)

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        """The picture and the translation link are form fields of their own; the services save them."""
        upload = form.cleaned_data.get("picture_file")
        if upload:
            picture = images.image_upload(
                by=request.user,
                file=upload,
                caption=form.cleaned_data["picture_caption"],
                credit=form.cleaned_data["picture_credit"],
                alt=form.cleaned_data["picture_alt"],
            )
            form.cleaned_data["image"] = picture
            form.changed_data.append("image")
        elif obj.image is not None and "image" not in form.changed_data and form.picture_changes():
            images.image_update(image=obj.image, by=request.user, changes=form.picture_changes())
        original = form.cleaned_data.get("translation_of")
        if original is not None:
            form.cleaned_data["translation_group"] = original.translation_group
            form.changed_data.append("translation_group")
        super().save_model(request, obj, form, change)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Article | None = None,
    ) -> HttpResponse:
        user = request.user
        may_publish = article_policy.can_publish(user)
        status = obj.status if obj is not None else ArticleStatus.DRAFT
        context.update(
            {
                "edition_directions": edition_directions(),
                "show_publish": may_publish and status != ArticleStatus.PUBLISHED,
                "show_withdraw": may_publish and status == ArticleStatus.PUBLISHED,
                "show_submit": not may_publish and status == ArticleStatus.DRAFT,
                "article_links": article_links(article=obj, by=user) if obj is not None else [],
            }
        )
        # The body editor's import map is an inline script: it carries this response's CSP nonce.
        context["media"] = Media.from_media(context["media"], nonce=getattr(request, "csp_nonce", ""))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request: HttpRequest, obj: Article, post_url_continue: str | None = None) -> HttpResponse:
        return self._then(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Article) -> HttpResponse:
        return self._then(request, obj) or super().response_change(request, obj)

    def _then(self, request: HttpRequest, article: Article) -> HttpResponse | None:
        """The one-step buttons: the article is saved; now publish, schedule or send it for review."""
        here = reverse("admin:newsapi_article_change", args=[article.pk])
        if "_publish" in request.POST:
            if publish_previews(article=article, by=request.user):
                return HttpResponseRedirect(reverse("admin:newsapi_article_publish", args=[article.pk]))
            publish = lambda: services.article_publish(article=article, by=request.user)  # noqa: E731
            if self._do(request, article, "published", publish):
                self._tell_outcomes(request, article)
            return HttpResponseRedirect(here)
        if "_schedule" in request.POST:

            def schedule() -> None:
                if article.publish_at is None:
                    raise ValidationError("Set a publish time first.")
                services.article_schedule(article=article, by=request.user, publish_at=article.publish_at)

            self._do(request, article, "scheduled", schedule)
            return HttpResponseRedirect(here)
        if "_submit_review" in request.POST:
            self._do(
                request, article, "sent for review",
                lambda: services.article_submit_for_review(article=article, by=request.user),
            )  # fmt: skip
            return HttpResponseRedirect(here)
        return None

    def _do(self, request: HttpRequest, article: Article, verb: str, call: Any) -> bool:
        try:
            call()
        except ValidationError as exc:
            self.message_user(request, f"Saved, but not {verb}: {' '.join(exc.messages)}", messages.ERROR)
            return False
        except PermissionDenied as exc:
            self.message_user(request, f"Saved, but not {verb}: {exc}", messages.ERROR)
            return False
        article.refresh_from_db()
        when = ""
        if verb == "scheduled" and article.publish_at is not None:
            local = timezone.localtime(article.publish_at)
            when = f" for {local:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"
        self.message_user(request, f"“{article.title}” {verb}{when}.", messages.SUCCESS)
        return True

    def _tell_outcomes(self, request: HttpRequest, article: Article) -> None:
        for link in publish_outcomes(article=article):
            self.message_user(request, format_html('<a href="{}">{}</a>', link.url, link.label), messages.INFO)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/publish/", wrap(self.publish_view), name="newsapi_article_publish"),
            path("<int:pk>/withdraw/", wrap(self.withdraw_view), name="newsapi_article_withdraw"),
            path("translations/", wrap(self.translations_view), name="newsapi_article_translations"),
            *super().get_urls(),
        ]

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Publishing that sets something off (a push to every phone) is confirmed on its own page first."""
        article = get_object_or_404(Article.objects.select_related("edition", "section", "image"), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        here = reverse("admin:newsapi_article_change", args=[article.pk])
        if request.method == "POST":
            call: Any = lambda: services.article_publish(article=article, by=request.user)  # noqa: E731
            if "quietly" in request.POST:

                def call() -> None:
                    services.article_update(article=article, by=request.user, changes={"send_alert": False})
                    services.article_publish(article=article, by=request.user)

            if self._do(request, article, "published", call):
                self._tell_outcomes(request, article)
            return HttpResponseRedirect(here)
        context = {
            **self.admin_site.each_context(request),
            "title": "Publish and alert",
            "opts": self.model._meta,
            "original": article,
            "article": article,
            # The section as the edition's readers see it (its slug is an address, not a name).
            "section": selectors.section_for_edition(edition=article.edition, slug=article.section.slug),
            "previews": publish_previews(article=article, by=request.user),
            "may_publish": article_policy.can_publish(request.user),
        }
        return TemplateResponse(request, "admin/newsapi/article/publish_confirm.html", context)

    def withdraw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = get_object_or_404(Article.objects.select_related("edition"), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        form = UnpublishForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._do(
                request, article, "withdrawn",
                lambda: services.article_unpublish(article=article, by=request.user, reason=reason),
            )  # fmt: skip
            return HttpResponseRedirect(reverse("admin:newsapi_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Withdraw article",
            "opts": self.model._meta,
            "original": article,
            "articles": [article] if article.status == ArticleStatus.PUBLISHED else [],
            "form": form,
            "single": True,
        }
        return TemplateResponse(request, "admin/newsapi/article/unpublish.html", context)

    def translations_view(self, request: HttpRequest) -> JsonResponse:
        """Search for the translation picker: articles by headline, in any edition, newest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()[:100]
        found = Article.objects.select_related("edition").order_by("-updated_at")
        if term:
            found = found.filter(Q(title__icontains=term) | Q(slug__icontains=term))
        page = list(found[:21])
        return JsonResponse(
            {
                "results": [{"id": a.pk, "text": f"[{a.edition.code}] {a.title}"} for a in page[:20]],
                "pagination": {"more": len(page) > 20},
            }
        )

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        self._delete(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._delete(request, queryset)

    def _delete(self, request: HttpRequest, articles: Any) -> None:
        """Through ``article_delete``, which refuses what readers may have seen; each refusal is a message."""
        for article in articles:
            try:
                services.article_delete(article=article, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{article}: {' '.join(exc.messages)}", messages.ERROR)

    def _each(self, request: HttpRequest, queryset: QuerySet[Article], verb: str, call: Any) -> None:
        done = 0
        for article in queryset:
            try:
                call(article)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{article}: {' '.join(exc.messages)}", messages.ERROR)
            except PermissionDenied as exc:
                self.message_user(request, f"{article}: {exc}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} article(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Publish now")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._each(request, queryset, "published", lambda a: services.article_publish(article=a, by=request.user))

    @admin.action(description="Send for review")
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._each(
            request,
            queryset,
            "sent for review",
            lambda a: services.article_submit_for_review(article=a, by=request.user),
        )

    @admin.action(description="Schedule at their publish time")
    def schedule_selected(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        def schedule(article: Article) -> None:
            if article.publish_at is None:
                raise ValidationError("Set a publish time first.")
            services.article_schedule(article=article, by=request.user, publish_at=article.publish_at)

        self._each(request, queryset, "scheduled", schedule)

    @admin.action(description="Unpublish (withdraw from readers)")
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Article]) -> HttpResponse | None:
        articles = queryset.filter(status=ArticleStatus.PUBLISHED)
        form = UnpublishForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                articles,
                "unpublished",
                lambda a: services.article_unpublish(article=a, by=request.user, reason=reason),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Unpublish articles",
            "articles": articles,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/newsapi/article/unpublish.html", context)
