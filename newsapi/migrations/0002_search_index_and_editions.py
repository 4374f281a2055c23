from django.db import migrations

EDITIONS = [
    # code, native name, direction, PostgreSQL text search configuration
    ("en", "English", "ltr", "english"),
    ("ckb", "کوردی", "rtl", "simple"),
    ("ar", "العربية", "rtl", "arabic"),
    ("kmr", "Kurmancî", "ltr", "simple"),
    ("fa", "فارسی", "rtl", "simple"),
    ("tr", "Türkçe", "ltr", "turkish"),
]


def seed_editions(apps, schema_editor):
    Edition = apps.get_model("newsapi", "Edition")
    for position, (code, name, direction, config) in enumerate(EDITIONS):
        Edition.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "dir": direction,
                "search_config": config,
                "position": position,
                "is_default": code == "en",
            },
        )


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS article_search ON newsapi_article USING gin (search_vector)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search")


class Migration(migrations.Migration):
    dependencies = [("newsapi", "0001_initial")]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(seed_editions, migrations.RunPython.noop),
    ]
