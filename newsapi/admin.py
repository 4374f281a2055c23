from django.contrib import admin

from newsapi.models import AppRelease, Article, Author, Edition, Image, Section, SectionName, Tag


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


@admin.register(AppRelease)
class AppReleaseAdmin(admin.ModelAdmin[AppRelease]):
    list_display = ["platform", "latest_version", "min_supported_version", "updated_at"]
