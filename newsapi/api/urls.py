from django.urls import path

from newsapi.api import views

urlpatterns = [
    path("editions/", views.EditionListView.as_view(), name="edition-list"),
    path("sections/", views.SectionListView.as_view(), name="section-list"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("home/", views.HomeView.as_view(), name="home"),
    path("most-read/", views.MostReadView.as_view(), name="most-read"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/suggest/", views.SuggestView.as_view(), name="search-suggest"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("sync/", views.SyncView.as_view(), name="sync"),
    path("app-config/", views.AppConfigView.as_view(), name="app-config"),
]
