from django.db import migrations, models

WORLD_NAMES = {"en": "World", "ckb": "جیهان", "ar": "العالم", "kmr": "Cîhan", "fa": "جهان", "tr": "Dünya"}


def seed_world(apps, schema_editor):
    """World exists from the start and alerts automatically when breaking news is published there."""
    Section = apps.get_model("newsapi", "Section")
    SectionName = apps.get_model("newsapi", "SectionName")
    Edition = apps.get_model("newsapi", "Edition")
    world, _ = Section.objects.get_or_create(slug="world", defaults={"position": 0, "auto_alert": True})
    for edition in Edition.objects.filter(code__in=WORLD_NAMES):
        SectionName.objects.get_or_create(section=world, edition=edition, defaults={"name": WORLD_NAMES[edition.code]})


class Migration(migrations.Migration):
    dependencies = [("newsapi", "0002_search_index_and_editions")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="send_alert",
            field=models.BooleanField(
                default=True,
                help_text="When a breaking article in an auto-alert section is published, push an alert. Untick to publish quietly.",
            ),
        ),
        migrations.RunPython(seed_world, migrations.RunPython.noop),
    ]
