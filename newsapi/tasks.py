from celery import shared_task

from newsapi.services import articles_publish_due


@shared_task(name="newsapi.tasks.publish_due_articles")
def publish_due_articles() -> list[int]:
    return articles_publish_due()
