from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from backend.admin_services import SavesThroughServices
from newsapi import services
from newsapi.images import image_generate_renditions
from newsapi.models import AppRelease, Article, ArticleStatus, Author, Edition, Image, Section, SectionName, Tag
from newsapi.permissions import article_policy


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin[Edition]):
    list_display = ["code", "name", "dir", "is_default", "position", "search_config"]


class SectionNameInline(admin.TabularInline[SectionName, Section]):
    model = SectionName
    extra = 0


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin[Section]):
    list_display = ["slug", "position", "auto_alert"]
    inlines = [SectionNameInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["name", "slug", "edition"]
    list_filter = ["edition"]
    search_fields = ["name", "slug"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin[Author]):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin[Image]):
    list_display = ["__str__", "credit", "width", "height", "created_at"]
    search_fields = ["caption", "credit"]

    def save_model(self, request: HttpRequest, obj: Image, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        image_generate_renditions(image=obj, replace="file" in form.changed_data)


@admin.register(AppRelease)
class AppReleaseAdmin(admin.ModelAdmin[AppRelease]):
    list_display = ["platform", "latest_version", "min_supported_version", "updated_at"]


class ArticleForm(forms.ModelForm[Article]):
    class Meta:
        model = Article
        fields = [
            "edition", "section", "title", "slug", "summary", "body_html", "tags", "authors", "credit", "image",
            "is_breaking", "send_alert", "publish_at", "translation_group",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        edition = cleaned.get("edition")
        tags = cleaned.get("tags")
        if edition is not None and tags is not None:
            foreign = [tag.name for tag in tags if tag.edition_id != edition.pk]
            if foreign:
                self.add_error("tags", f"These tags belong to another edition: {', '.join(foreign)}.")
        return cleaned


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        max_length=200, help_text="Why readers no longer see these articles (kept in the record and the sync feed)."
    )


@admin.register(Article)
class ArticleAdmin(SavesThroughServices, admin.ModelAdmin[Article]):
    form = ArticleForm
    list_display = ["title", "edition", "section", "status", "is_breaking", "published_at", "updated_at"]
    list_filter = ["status", "edition", "section", "is_breaking"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "authors"]
    raw_id_fields = ["image"]
    readonly_fields = ["status", "published_at", "updated_at", "unpublished_reason"]
    list_select_related = ["edition", "section"]
    actions = ["publish_selected", "submit_for_review", "schedule_selected", "unpublish_selected"]

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

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        queryset.filter(published_at__isnull=True).delete()

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
