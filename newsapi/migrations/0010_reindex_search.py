"""Index every existing article with the search analysis (newsapi.search), in batches, on PostgreSQL and SQLite.

Later changes to the analysis are re-applied with ``manage.py reindex_search``, not another migration.
"""

from django.db import migrations


def reindex(apps, schema_editor):
    from newsapi import search

    Article = apps.get_model("newsapi", "Article")
    search.reindex(Article.objects.using(schema_editor.connection.alias).all(), chunk_size=500)


class Migration(migrations.Migration):
    dependencies = [("newsapi", "0009_article_search_index")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
