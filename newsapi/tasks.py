"""Celery tasks of the content app: thin wrappers that take ids, load rows and call a service.

Callers enqueue them by name (``backend.jobs.enqueue("newsapi.tasks.image_build_renditions", id)``).
"""

from celery import shared_task

from newsapi.images import image_generate_renditions
from newsapi.models import Image
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
