"""Celery tasks of the content app: thin wrappers that take ids, load rows and call a service.

Callers enqueue them by name (``backend.jobs.enqueue("newsapi.tasks.image_build_renditions", id)``).
"""

from celery import shared_task

from newsapi.images import image_generate_renditions
from newsapi.models import Image
from newsapi.retention import article_views_roll_up
from newsapi.services import articles_publish_due


@shared_task(name="newsapi.tasks.publish_due_articles")
def publish_due_articles() -> list[int]:
    return articles_publish_due()


@shared_task(name="newsapi.tasks.image_build_renditions", acks_late=True)
def image_build_renditions(image_id: int, replace: bool = False) -> int:
    """Build the renditions an uploaded or replaced picture lacks; how many it has afterwards.

    Idempotent (a redelivered message builds nothing new); a picture deleted before the worker
    got to it, or while it worked, is no error: there is nothing left to build for.
    """
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return 0
    return len(image_generate_renditions(image=image, replace=replace))


@shared_task(name="newsapi.tasks.view_counts_roll_up")
def view_counts_roll_up() -> dict[str, int | bool]:
    """Beat, every RETENTION_INTERVAL_SECONDS: hourly view counts of days past VIEW_COUNTS_HOURLY_DAYS to daily."""
    rolled = article_views_roll_up()
    return {"hourly_rows": rolled.hourly_rows, "views": rolled.views, "batches": rolled.batches, "done": rolled.done}
