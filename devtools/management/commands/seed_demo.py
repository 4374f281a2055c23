"""``manage.py seed_demo``: the demo newsroom ``make run`` starts with (see ``devtools.demo.seed``)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from devtools.demo.seed import ADMIN_USERNAME, admin_url, seed_demo
from newsapi.models import Article, Author, Image, ImageRendition, Section, Tag
from notifications.models import Alert, AlertState


class Command(BaseCommand):
    help = "Load demo sections, tags, authors and stories in en, ckb and ar, and a demo admin (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo admin it creates has a known password.",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates an admin with a known password, so it runs only with DEBUG=1 (or --force)."
            )
        try:
            seeded = seed_demo(now=timezone.now())
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        states = dict(Article.objects.values_list("status").annotate(n=Count("id")).order_by())
        self.stdout.write(
            f"Demo content: {sum(states.values())} articles ("
            + ", ".join(f"{n} {status}" for status, n in sorted(states.items()))
            + f"), {seeded.created} created now; {Section.objects.count()} sections, {Tag.objects.count()} tags, "
            f"{Author.objects.count()} authors, {Image.objects.count()} images, "
            f"{ImageRendition.objects.count()} renditions (the worker builds the new pictures' after this commits)."
        )
        alerts = dict(Alert.objects.values_list("state").annotate(n=Count("id")).order_by())
        if alerts:
            self.stdout.write(
                "Alerts: "
                + ", ".join(f"{n} {AlertState(state).label.lower()}" for state, n in sorted(alerts.items()))
                + " (register a device with POST /api/v1/devices/ and the next alert reaches it)."
            )
        shown = seeded.password if seeded.password is not None else "(unchanged)"
        self.stdout.write(f"Demo admin: {admin_url()}  user: {ADMIN_USERNAME}  password: {shown}")
