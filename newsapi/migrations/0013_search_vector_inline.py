"""Keep each article's search vector in its row (compressed), not in the TOAST table (PostgreSQL).

A search reads the vector of every match it ranks, twice: to recheck the GIN index's candidates and for
``ts_rank``. Stored out of line (PostgreSQL's default for a value this size, 3.4 KB on average) each read
is a walk of the TOAST index and a few chunk pages: about 9 buffer reads per match, 5,800 for a page of
"building" at 100,000 articles. In the row, compressed, it is one, and the query takes 5.1 to 5.5 ms instead of
7.8 (docs/performance.md). The rows get wider (the heap of the 100,000-article data set grows from 174
to 482 MB and its TOAST shrinks from 771 to 562 MB); what reads articles by index reads the same number
of pages.

Rows keep their current storage until they are written again: ``manage.py reindex_search`` rewrites every
vector, or ``VACUUM FULL newsapi_article`` the whole table (an exclusive lock: a maintenance window).
"""

from django.db import migrations


def inline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE newsapi_article ALTER COLUMN search_vector SET STORAGE MAIN")


def out_of_line(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE newsapi_article ALTER COLUMN search_vector SET STORAGE EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("newsapi", "0012_view_count_covering_index")]

    operations = [migrations.RunPython(inline, out_of_line)]
