# ruff: noqa: RUF001  (Kurdish, Arabic, Persian and Turkish words: their letters are meant)
"""A synthetic archive at the size of a real one for ``make bench-api``: ``tests/bench/dataset.py --articles N``.

Run with the settings' environment (``DATABASE_URL``...), as ``tests/bench/bench_api.py`` does.
PostgreSQL only, into a migrated database that holds no articles. Rows are written with ``COPY``,
not through the services (which would take hours for 100,000 articles and record a revision each);
this is a benchmark's loader, which is why it lives under tests/ and not beside the product's code:

- N published articles over the editions: a fifth in English, the rest over the other editions
  the migrations create (Sorani most, then Arabic, Kurmanji, Persian, Turkish), plus 1% withdrawn
  (tombstones for the sync feed) and 0.5% drafts;
- the demo's sections (named in every edition); about N/30 tags, 1-4 per article, popular ones far
  more used than the rest (Zipf); bylines; 85% of the articles with their own picture row and its
  four rendition rows (all pointing at one small shared file: the API only needs rows and URLs);
- titles, summaries and bodies of 200-450 words drawn per language, by Zipf frequency, from the
  words of the demo stories (English, Sorani, Arabic) or a list here (Kurmanji, Persian, Turkish),
  with the article's tag names woven in, so a common word matches many articles and a rare one few;
- a day of hourly view counts: 1,000,000 views over min(N, 3,000) articles, mostly recent ones;
- the search index, by the model's own entry point (``manage.py reindex_search``, two editions at a
  time in parallel), then the secondary indexes rebuilt, ``VACUUM FULL`` and ``ANALYZE``.

The publishing pace is the same at every size, about 91 articles a day over all editions (100,000
in three years): a smaller archive is a younger one, so the last days (what home, breaking news and
most read show) look alike at every size and only the archive behind them grows.

A table ``bench_dataset`` records the size, this generator's version (``GENERATOR``) and the build
time. Run again on a database it built, it moves the whole timeline forward by the whole
hours since (articles and view counts), so the last day's views and breaking news stay the last
day's, and builds nothing. Either way it prints, last, one JSON line: what ``tests/bench/bench_api.py``
measures (the mid-archive article, the most used English tag, a section, a common search word).
``--status`` prints that line and changes nothing (``{"ready": false}`` when the database holds no
matching data set).
"""

import argparse
import html
import json
import math
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402 - after django.setup()
from django.core.management import get_commands  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from devtools.demo import content as demo  # noqa: E402
from newsapi.models import (  # noqa: E402
    Article,
    ArticleStatus,
    ArticleViewCount,
    Author,
    ContentVersion,
    Edition,
    Image,
    ImageRendition,
    Section,
    SectionName,
    Tag,
)

GENERATOR = "1"
"""This generator's version: a data set built by another version is rebuilt, not reused."""
MARKER = "bench_dataset"

ENGLISH_SHARE = 0.20
OTHER_EDITION_WEIGHTS = {"ckb": 3.0, "ar": 2.0, "kmr": 1.2, "fa": 1.0, "tr": 0.8}
ARTICLES_PER_DAY = 100_000 / (3 * 365.25)
WITHDRAWN_SHARE = 0.01
DRAFT_SHARE = 0.005
IMAGE_SHARE = 0.85
BREAKING_SHARE = 0.03
RECENT_BREAKING_SHARE = 0.15
ARTICLES_PER_TAG = 30
VIEWED_ARTICLES = 3000
DAY_VIEWS = 1_000_000
SECTION_WEIGHTS = {
    "world": 25,
    "kurdistan": 15,
    "iraq": 15,
    "economy": 12,
    "sports": 12,
    "culture": 8,
    "health": 7,
    "technology": 6,
}
BENCH_SECTION = "economy"
HERO = (1280, 720)
RENDITIONS = ((320, "webp"), (640, "webp"), (1024, "webp"), (1000, "jpeg"))
MEDIA_DIR = "bench"
COPY_CHUNK = 5000
PUNCTUATION = ".,;:!?\"'“”‘’()«»،؛؟…—–-"
# A word found in about one article in ten: its share of all words drawn (1 - (1 - p)^300 ~ 0.1).
SEARCH_WORD_SHARE = 0.00035

# Kurmanji, Persian and Turkish have no demo stories: common news words, the most frequent first.
WORD_LISTS = {
    "kmr": """û li ji bi de ku ev ew jî ne bo di re yê ya yên pir îro got hat kir dê bû ye sal roj hefte meh
        hukûmet parlamento hilbijartin aborî petrol biha bazar Kurdistan Hewlêr Duhok Silêmanî wezîr serok
        gel bajar welat cîhan werzîş futbol tîm lîstik tenduristî nexweşxane zarok av elektrîk baran erdhej
        çand pirtûk fîlm huner zanîngeh xwendekar perwerde dibistan teknolojî înternet şîrket karker mûçe
        dolar dînar sînor Iraq Tirkiye Bexda rê balafirgeh rêwî ragihand peyman civîn pirsgirêk çareserî
        malbat jin mêr ciwan kal gund çiya zevî cotkar genim baxçe bihar havîn payîz zivistan germ sar
        nûçe rojname weşan axaftin daxuyanî lêkolîn rapor agir ewlehî polîs dadgeh qanûn maf azadî aştî
        şer leşker êrîş birîndar mirin alîkarî koçber kamp xanî avahî projeyek budce bac bazirganî hinarde""",
    "fa": """و در به از که این را با است برای آن می یک تا شد خود ها هم کرد بود گفت شده پس اما نیز روز سال
        دولت مجلس انتخابات اقتصاد نفت قیمت بازار ایران تهران وزیر رئیس جمهور امروز گزارش مردم شهر کشور
        جهان ورزش فوتبال تیم بازی سلامت بیمارستان کودکان آب برق باران زلزله فرهنگ کتاب فیلم هنر دانشگاه
        دانشجویان آموزش مدرسه فناوری اینترنت هوش مصنوعی شرکت کارگران دستمزد تورم دلار ریال صادرات واردات
        مرز عراق ترکیه کردستان اربیل بغداد جاده فرودگاه پرواز مسافران اعلام هفته ماه شب صبح نشست توافق
        مذاکره خانواده زنان جوانان روستا کشاورزان گندم بهار تابستان پاییز زمستان گرما سرما خبرگزاری روزنامه
        سخنگوی بیانیه پژوهش امنیت پلیس دادگاه قانون حقوق آزادی صلح جنگ ارتش حمله زخمی کمک پناهجویان اردوگاه
        مسکن ساختمان پروژه بودجه مالیات تجارت سرمایه‌گذاری بانک بورس کارخانه تولید""",
    "tr": """ve bir bu da de ile için çok daha en olarak olan ama gibi sonra kadar yıl gün hafta ay bugün dedi
        açıkladı oldu olacak hükümet meclis seçim ekonomi petrol fiyat piyasa Türkiye Ankara İstanbul bakan
        cumhurbaşkanı rapor halk şehir ülke dünya spor futbol takım maç sağlık hastane çocuklar su elektrik
        yağmur deprem kültür kitap film sanat üniversite öğrenciler eğitim okul teknoloji internet yapay zeka
        şirket işçiler maaş enflasyon dolar lira ihracat ithalat sınır Irak Kürdistan Erbil Bağdat yol
        havalimanı uçuş yolcular toplantı anlaşma görüşme aile kadınlar gençler köy çiftçiler buğday bahar
        yaz sonbahar kış sıcak soğuk ajans gazete sözcü açıklama araştırma güvenlik polis mahkeme yasa hak
        özgürlük barış savaş ordu saldırı yaralı yardım göçmen kamp konut bina proje bütçe vergi ticaret
        yatırım banka borsa fabrika üretim""",
}
FIRST_NAMES = {
    "latin": "Sara Daniel Lana Aram Rojin Baran Dilan Hevin Karwan Zana Emre Ayşe Mehmet Elif Omar Nadia Hana Rebin",
    "arabic": "ئاراس شنۆ کاروان هێمن ڕێژان دلێر نادية كريم هدى عمر زينب علي مریم رضا سارا امید",
}
LAST_NAMES = {
    "latin": "Ahmed Brooks Aziz Mustafa Hassan Karimi Yilmaz Demir Kaya Osman Rashid Barzani Salih Tahir",
    "arabic": "محەمەد عەلی عوسمان ڕەشید حەسەن الساعدي الجبوري الراوي الحسيني كريمي احمدی رضایی",
}
CREDITS = {
    "kmr": ["Reuters", "AFP", "Newsline"],
    "fa": ["رویترز", "خبرگزاری فرانسه", "نیوزلاین"],
    "tr": ["Reuters", "AFP", "Newsline"],
}
ARABIC_SCRIPT = {"ckb", "ar", "fa"}


def _clean(token: str) -> str:
    return token.strip(PUNCTUATION)


def vocabulary(lang: str) -> list[str]:
    """The language's words, the most frequent first: from the demo stories, else from ``WORD_LISTS``."""
    if lang in WORD_LISTS:
        return list(dict.fromkeys(WORD_LISTS[lang].split()))
    source = lang if lang in demo.LANGUAGES else "en"
    forms: dict[str, Counter[str]] = {}
    for story in demo.STORIES:
        text = story.texts.get(source)
        if text is None:
            continue
        for part in (text.title, text.summary, text.caption, text.lead, text.detail, text.quote, text.outlook):
            for token in part.split():
                word = _clean(token)
                if word and not any(char.isdigit() for char in word):
                    forms.setdefault(word.lower(), Counter())[word] += 1
    ranked = sorted(forms.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    # A word written in lower case anywhere is a common word; one always capitalised, a name.
    return [key if key in counts else counts.most_common(1)[0][0] for key, counts in ranked]


class Zipf:
    """Draws items by Zipf's law over their order (the first the most likely)."""

    def __init__(self, items: Sequence[Any], rng: random.Random, exponent: float = 1.0) -> None:
        self.items = list(items)
        self.rng = rng
        self.cumulative = list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(len(self.items))))

    def share(self, index: int) -> float:
        previous = self.cumulative[index - 1] if index else 0.0
        return (self.cumulative[index] - previous) / self.cumulative[-1]

    def draw(self, count: int) -> list[Any]:
        return self.rng.choices(self.items, cum_weights=self.cumulative, k=count)

    def distinct(self, count: int) -> list[Any]:
        chosen: dict[Any, None] = {}
        for _ in range(count * 8):
            if len(chosen) == count:
                break
            chosen[self.draw(1)[0]] = None
        return list(chosen)


@dataclass
class Writer:
    """The words of one language, put into titles, sentences and bodies."""

    lang: str
    rng: random.Random
    words: Zipf = field(init=False)

    def __post_init__(self) -> None:
        self.words = Zipf(vocabulary(self.lang), self.rng)

    def _capital(self, text: str) -> str:
        return text if self.lang in ARABIC_SCRIPT else text[:1].upper() + text[1:]

    def sentence(self, low: int, high: int, names: Sequence[str] = ()) -> str:
        words = self.words.draw(self.rng.randint(low, high))
        for name in names:
            words.insert(self.rng.randrange(len(words) + 1), name)
        return self._capital(" ".join(words)) + "."

    def title(self, names: Sequence[str]) -> str:
        return self.sentence(6, 11, names[:1])[:-1][:200]

    def summary(self, names: Sequence[str]) -> str:
        text = self.sentence(16, 28, names[1:2])
        return text if len(text) <= 400 else text[:400].rsplit(" ", 1)[0]

    def body(self, names: Sequence[str]) -> tuple[str, str, int]:
        """The body's HTML, its text (as ``html_to_text`` gives it) and its number of words."""
        paragraphs = []
        for _ in range(self.rng.randint(4, 7)):
            sentences = [
                self.sentence(8, 18, [self.rng.choice(names)] if names and self.rng.random() < 0.25 else [])
                for _ in range(self.rng.randint(3, 5))
            ]
            paragraphs.append(" ".join(sentences))
        text = " ".join(paragraphs)
        return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs), text, len(text.split())


def uuid4(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def edition_counts(total: int, codes: Sequence[str]) -> dict[str, int]:
    """How many of ``total`` go to each edition: a fifth to English, the rest by ``OTHER_EDITION_WEIGHTS``."""
    others = [code for code in codes if code != "en"]
    if "en" not in codes or not others:
        raise DatasetError("The data set needs the English edition and at least one other (run migrate).")
    counts = {"en": round(total * ENGLISH_SHARE)}
    weights = {code: OTHER_EDITION_WEIGHTS.get(code, 1.0) for code in others}
    left, weight_left = total - counts["en"], sum(weights.values())
    for code in others:
        counts[code] = round(left * weights[code] / weight_left)
        left, weight_left = left - counts[code], weight_left - weights[code]
    return counts


# --- Writing rows -----------------------------------------------------------------------------------


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """``COPY`` ``rows`` (values in ``columns`` order, attnames) into ``model``'s table; how many."""
    table = model._meta.db_table
    column_of = {model_field.attname: model_field.column for model_field in model._meta.concrete_fields}
    names = ", ".join(connection.ops.quote_name(column_of[column]) for column in columns)
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def with_defaults(model: type[models.Model], given: Sequence[str]) -> tuple[list[str], list[Any]]:
    """The model's other concrete columns and their default values, so ``COPY`` sets every NOT NULL column.

    A column another change adds later gets its default too, without this file knowing of it.
    """
    columns, values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.attname in given:
            continue
        columns.append(model_field.attname)
        values.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    return columns, values


def reset_sequence(model: type[models.Model]) -> None:
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(_no_style(), [model]):
            cursor.execute(statement)


def _no_style() -> Any:
    from django.core.management.color import no_style

    return no_style()


def secondary_indexes(model: type[models.Model]) -> list[tuple[str, str]]:
    """The table's indexes that back no constraint, as (name, definition): dropped while loading, then rebuilt."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
            WHERE indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = pg_index.indexrelid)
            ORDER BY 1
            """,
            [model._meta.db_table],
        )
        return list(cursor.fetchall())


def drop_indexes(indexes: Iterable[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")


def create_indexes(indexes: Iterable[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)


# --- The marker -------------------------------------------------------------------------------------


def read_marker() -> dict[str, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(f"SELECT articles, generator, built_at, targets FROM {MARKER}")  # noqa: S608 - a constant
        row = cursor.fetchone()
    if row is None:
        return None
    articles, generator, built_at, targets = row
    return {"articles": articles, "generator": generator, "built_at": built_at, "targets": json.loads(targets)}


def write_marker(*, articles: int, built_at: datetime, targets: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {MARKER} (articles integer NOT NULL, generator text NOT NULL, "
            "built_at timestamptz NOT NULL, targets text NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s, %s, %s)",  # noqa: S608 - a constant
            [articles, GENERATOR, built_at, json.dumps(targets)],
        )


# --- The command ------------------------------------------------------------------------------------


class DatasetError(Exception):
    """What stops a build, said plainly (exit status 1)."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, required=True, help="Published articles, e.g. 2000 or 100000.")
    parser.add_argument("--seed", type=int, default=20261203, help="Random seed: the same seed, the same data.")
    parser.add_argument("--jobs", type=int, default=2, help="Search indexing processes run side by side.")
    parser.add_argument("--status", action="store_true", help="Only print whether this database holds that data set.")
    args = parser.parse_args()
    try:
        print(json.dumps(Dataset().run(articles=args.articles, seed=args.seed, jobs=args.jobs, status=args.status)))
    except DatasetError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


class Dataset:
    def run(self, *, articles: int, seed: int, jobs: int, status: bool) -> dict[str, Any]:
        """Build, or move to now, the data set of ``articles`` (or only tell, with ``status``); its targets."""
        if connection.vendor != "postgresql":
            raise DatasetError("The data set is loaded with COPY: PostgreSQL only.")
        if articles < 100:
            raise DatasetError("--articles must be at least 100.")
        marker = read_marker()
        ready = marker is not None and marker["articles"] == articles and marker["generator"] == GENERATOR
        if status:
            return {"ready": ready, **(marker["targets"] if ready and marker else {})}
        if marker is not None and not ready:
            raise DatasetError(
                f"This database holds another data set ({marker['articles']} articles, generator "
                f"{marker['generator']}): drop it and migrate a new one."
            )
        if marker is not None:
            self.refresh(marker)
            targets = marker["targets"]
        else:
            if Article.objects.exists() or Image.objects.exists() or Tag.objects.exists():
                raise DatasetError("This database already holds content: build into an empty, migrated database.")
            targets = self.build(articles=articles, seed=seed, jobs=jobs)
        return {"ready": True, **targets}

    def say(self, what: str) -> None:
        print(what, file=sys.stderr, flush=True)

    def step(self, started: float, what: str) -> float:
        now = time.monotonic()
        self.say(f"  {what}: {now - started:.1f}s")
        return now

    # --- Moving an existing data set to now ---------------------------------------------------------

    def refresh(self, marker: dict[str, Any]) -> None:
        """Move articles and view counts forward by the whole hours since the build; rebuild nothing else."""
        hours = int((timezone.now() - marker["built_at"]).total_seconds() // 3600)
        if hours < 1:
            return
        started = time.monotonic()
        indexes = secondary_indexes(Article)
        shift = {"shift": f"{hours} hours"}
        with transaction.atomic(), connection.cursor() as cursor:
            # Without the secondary indexes (the GIN search index above all), updating every row is quick.
            drop_indexes(indexes)
            cursor.execute(
                "UPDATE newsapi_article SET published_at = published_at + %(shift)s::interval, "
                "updated_at = updated_at + %(shift)s::interval, created_at = created_at + %(shift)s::interval, "
                "publish_at = publish_at + %(shift)s::interval",
                shift,
            )
            create_indexes(indexes)
            # Two steps: one UPDATE straight to the new hours would meet rows not moved yet (article, hour).
            cursor.execute("UPDATE newsapi_articleviewcount SET hour = hour + interval '1000 years'")
            cursor.execute(
                "UPDATE newsapi_articleviewcount SET hour = hour - interval '1000 years' + %(shift)s::interval", shift
            )
            cursor.execute(f"UPDATE {MARKER} SET built_at = built_at + %(shift)s::interval", shift)  # noqa: S608
            ContentVersion.bump()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE newsapi_article")
            cursor.execute("VACUUM ANALYZE newsapi_articleviewcount")
        self.step(started, f"timeline moved {hours} hours forward")

    # --- Building ---------------------------------------------------------------------------------------

    def build(self, *, articles: int, seed: int, jobs: int) -> dict[str, Any]:
        rng = random.Random(seed)
        now = timezone.now().replace(microsecond=0)
        started = begun = time.monotonic()
        editions = {edition.code: edition for edition in Edition.objects.all()}
        counts = edition_counts(articles, list(editions))
        self.say(f"Building {articles} published articles: " + ", ".join(f"{code} {n}" for code, n in counts.items()))
        sections = self.sections(editions)
        writers = {code: Writer(code, rng) for code in editions}
        tags = self.tags(editions, counts, writers, rng)
        authors = self.authors(editions, counts, rng)
        started = self.step(started, "sections, tags, authors")

        indexes = secondary_indexes(Article)
        drop_indexes(indexes)
        plan = self.timeline(counts, now, rng)
        published = self.articles(plan, editions, sections, tags, authors, writers, now, rng)
        started = self.step(started, f"{len(plan)} articles, their pictures, tags and bylines (COPY)")
        views = self.view_counts(published, editions, now, rng)
        started = self.step(started, f"{views} hourly view counts")

        self.index_search(editions, counts, jobs)
        started = self.step(started, "search index (manage.py reindex_search)")
        with connection.cursor() as cursor:
            # The search index rewrote every row: compact the table before its indexes are built again.
            cursor.execute("VACUUM FULL newsapi_article")
        create_indexes(indexes)
        started = self.step(started, f"VACUUM FULL and {len(indexes)} indexes rebuilt")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        ContentVersion.bump()
        started = self.step(started, "VACUUM ANALYZE")

        targets = self.targets(published, tags, writers["en"], editions["en"])
        write_marker(articles=articles, built_at=now, targets=targets)
        self.write_media()
        self.say(f"Built in {time.monotonic() - begun:.0f}s.")
        return targets

    def sections(self, editions: dict[str, Edition]) -> dict[str, Section]:
        sections = {}
        for position, spec in enumerate(demo.SECTIONS, start=1):
            section, _ = Section.objects.get_or_create(
                slug=spec.slug, defaults={"position": position, "auto_alert": spec.auto_alert}
            )
            for code, edition in editions.items():
                SectionName.objects.get_or_create(
                    section=section, edition=edition, defaults={"name": spec.names.get(code, spec.slug.title())}
                )
            sections[spec.slug] = section
        return sections

    def tags(
        self, editions: dict[str, Edition], counts: dict[str, int], writers: dict[str, "Writer"], rng: random.Random
    ) -> dict[str, list[Tag]]:
        """Each edition's tags, the most used first: the demo's names, then pairs of its words."""
        total = max(60, sum(counts.values()) // ARTICLES_PER_TAG)
        by_edition: dict[str, list[Tag]] = {}
        for code, edition in editions.items():
            wanted = max(10, round(total * counts[code] / sum(counts.values())))
            names = [names[code] for names in demo.TAGS.values() if code in names]
            vocabulary = writers[code].words.items
            content_words = [word for word in vocabulary[40:1500] if len(word) >= 4]
            slugs: set[str] = set()
            rows: list[Tag] = []
            candidates = iter(names)
            while len(rows) < wanted:
                name = next(candidates, None)
                if name is None:
                    name = writers[code]._capital(" ".join(rng.sample(content_words, rng.choice((1, 2, 2)))))
                slug = slugify(name, allow_unicode=True)[:80].strip("-")
                if slug and slug not in slugs:
                    slugs.add(slug)
                    rows.append(Tag(edition=edition, slug=slug, name=name[:80]))
            by_edition[code] = Tag.objects.bulk_create(rows, batch_size=2000)
        return by_edition

    def authors(
        self, editions: dict[str, Edition], counts: dict[str, int], rng: random.Random
    ) -> dict[str, list[Author]]:
        rows: dict[str, list[Author]] = {}
        for code in editions:
            script = "arabic" if code in ARABIC_SCRIPT else "latin"
            first, last = FIRST_NAMES[script].split(), LAST_NAMES[script].split()
            wanted = max(3, counts[code] // 1000)
            names = list(dict.fromkeys(f"{rng.choice(first)} {rng.choice(last)}" for _ in range(wanted * 4)))
            rows[code] = [
                Author(name=name, slug=f"bench-{code}-{index}-{slugify(name, allow_unicode=True)}")
                for index, name in enumerate(names[:wanted])
            ]
        created = Author.objects.bulk_create([author for authors in rows.values() for author in authors])
        assert len(created) == sum(len(authors) for authors in rows.values())
        return rows

    def timeline(self, counts: dict[str, int], now: datetime, rng: random.Random) -> list[tuple[str, datetime, str]]:
        """(edition, published_at, status) of every article, oldest first; drafts have a creation time instead."""
        span = timedelta(days=max(2.0, sum(counts.values()) / ARTICLES_PER_DAY))
        newest = now - timedelta(minutes=2)
        plan: list[tuple[str, datetime, str]] = []
        for code, count in counts.items():
            extra_withdrawn = round(count * WITHDRAWN_SHARE)
            extra_drafts = round(count * DRAFT_SHARE)
            statuses = (
                [ArticleStatus.PUBLISHED] * count
                + [ArticleStatus.UNPUBLISHED] * extra_withdrawn
                + [ArticleStatus.DRAFT] * extra_drafts
            )
            for status in statuses:
                plan.append((code, newest - span * rng.random(), status))
        plan.sort(key=lambda item: item[1])
        return plan

    def articles(
        self,
        plan: list[tuple[str, datetime, str]],
        editions: dict[str, Edition],
        sections: dict[str, Section],
        tags: dict[str, list[Tag]],
        authors: dict[str, list[Author]],
        writers: dict[str, "Writer"],
        now: datetime,
        rng: random.Random,
    ) -> list[tuple[int, str, datetime, int, bool]]:
        """Write the articles, pictures, renditions, tags and bylines; (id, edition, published_at, tags, image) of the
        published ones."""
        section_slugs = [slug for slug in SECTION_WEIGHTS if slug in sections]
        section_weights = list(accumulate(SECTION_WEIGHTS[slug] for slug in section_slugs))
        tag_draws = {code: Zipf(edition_tags, rng, exponent=1.1) for code, edition_tags in tags.items()}
        credits = {
            code: CREDITS.get(code) or [names.get(code, names["en"]) for names in demo.CREDITS.values()]
            for code in editions
        }
        given = [
            "edition_id", "section_id", "title", "slug", "summary", "body_html", "body_text",
            "reading_time_minutes", "credit", "image_id", "is_breaking", "status", "published_at",
            "unpublished_reason", "created_at", "updated_at", "translation_group",
        ]  # fmt: skip
        default_columns, default_values = with_defaults(Article, given)
        image_given = ["file", "width", "height", "caption", "credit", "alt", "created_at"]
        image_default_columns, image_default_values = with_defaults(Image, image_given)
        # English stories whose translation group a later article of another edition may share.
        english_groups: list[uuid.UUID] = []
        published: list[tuple[int, str, datetime, int, bool]] = []
        article_rows: list[list[Any]] = []
        image_rows: list[list[Any]] = []
        rendition_rows: list[list[Any]] = []
        tag_rows: list[tuple[int, int]] = []
        author_rows: list[tuple[int, int]] = []

        def flush() -> None:
            """``COPY`` what was generated, pictures before the articles that point at them (each ``COPY`` commits)."""
            copy_rows(Image, ["id", *image_given, *image_default_columns], image_rows)
            copy_rows(ImageRendition, ["image_id", "width", "height", "format", "file"], rendition_rows)
            copy_rows(Article, ["id", *given, *default_columns], article_rows)
            copy_rows(Article.tags.through, ["article_id", "tag_id"], tag_rows)
            copy_rows(Article.authors.through, ["article_id", "author_id"], author_rows)
            for rows in (image_rows, rendition_rows, article_rows, tag_rows, author_rows):
                rows.clear()

        image_id = 0
        for article_id, (code, at, status) in enumerate(plan, start=1):
            if len(article_rows) >= COPY_CHUNK:
                flush()
            writer = writers[code]
            chosen = tag_draws[code].distinct(rng.choice((1, 2, 2, 3, 3, 4)))
            names = [tag.name for tag in chosen]
            title = writer.title(names)
            body_html, body_text, words = writer.body(names)
            picture = None
            if rng.random() < IMAGE_SHARE:
                image_id += 1
                picture = image_id
                caption = writer.sentence(6, 12)[:300]
                image_rows.append(
                    [image_id, f"{MEDIA_DIR}/photo.jpg", *HERO, caption, rng.choice(credits[code]), caption, at,
                     *image_default_values]
                )  # fmt: skip
                for width, file_format in RENDITIONS:
                    height = round(width * HERO[1] / HERO[0])
                    rendition_rows.append(
                        [image_id, width, height, file_format, f"{MEDIA_DIR}/photo-{width}.{file_format}"]
                    )
            section = rng.choices(section_slugs, cum_weights=section_weights)[0]
            recent = now - at < timedelta(hours=24)
            breaking = rng.random() < (RECENT_BREAKING_SHARE if recent else BREAKING_SHARE)
            if code == "en":
                group = uuid4(rng)
                english_groups.append(group)
            elif english_groups and rng.random() < 0.3:
                group = english_groups.pop(rng.randrange(max(0, len(english_groups) - 50), len(english_groups)))
            else:
                group = uuid4(rng)
            article_rows.append(
                [
                    article_id, editions[code].pk, sections[section].pk, title,
                    f"{slugify(title, allow_unicode=True)[:180].strip('-')}-{article_id}",
                    writer.summary(names), body_html, body_text, max(1, math.ceil(words / 200)),
                    rng.choice(credits[code]), picture, breaking, status,
                    None if status == ArticleStatus.DRAFT else at,
                    "Withdrawn for the benchmark." if status == ArticleStatus.UNPUBLISHED else "",
                    at - timedelta(minutes=rng.randint(20, 180)),
                    min(now - timedelta(minutes=1), at + timedelta(minutes=rng.choice((0, 0, 0, 5, 30, 120)))),
                    group, *default_values,
                ]
            )  # fmt: skip
            tag_rows += [(article_id, tag.pk) for tag in chosen]
            author_rows += [(article_id, author.pk) for author in rng.sample(authors[code], rng.choice((1, 1, 2)))]
            if status == ArticleStatus.PUBLISHED:
                published.append((article_id, code, at, len(chosen), picture is not None))
        flush()
        for model in (Image, ImageRendition, Article, Article.tags.through, Article.authors.through):
            reset_sequence(model)
        return published

    def view_counts(
        self,
        published: list[tuple[int, str, datetime, int, bool]],
        editions: dict[str, Edition],
        now: datetime,
        rng: random.Random,
    ) -> int:
        """A day of hourly views: ``DAY_VIEWS`` over ``VIEWED_ARTICLES`` articles, four in five of them the newest."""
        viewed_total = min(VIEWED_ARTICLES, len(published))
        this_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        hours = [this_hour - timedelta(hours=offset) for offset in range(23, -1, -1)]
        # Readers sleep: fewer views at night (UTC+3), most in the evening.
        daytime = [0.3 + math.sin(math.pi * ((hour.hour + 3 - 6) % 24) / 24) ** 2 for hour in hours]
        rows: list[tuple[int, int, datetime, int]] = []
        by_edition: dict[str, list[tuple[int, str, datetime, int, bool]]] = {}
        for row in published:
            by_edition.setdefault(row[1], []).append(row)
        for code, articles in by_edition.items():
            share = len(articles) / len(published)
            quota = max(1, round(viewed_total * share))
            newest_first = sorted(articles, key=lambda row: row[2], reverse=True)
            recent = newest_first[: round(quota * 0.8)]
            older = newest_first[len(recent) :]
            viewed = recent + rng.sample(older, min(len(older), quota - len(recent)))
            rng.shuffle(viewed)
            ranking = Zipf(viewed, rng)
            views = DAY_VIEWS * share
            for index, (article_id, _, at, _, _) in enumerate(viewed):
                total = views * ranking.share(index)
                live = [
                    (hour, weight)
                    for hour, weight in zip(hours, daytime, strict=True)
                    if hour >= at - timedelta(hours=1)
                ]
                weight_sum = sum(weight for _, weight in live)
                for hour, weight in live:
                    count = round(total * weight / weight_sum)
                    if count:
                        rows.append((article_id, editions[code].pk, hour, count))
        return copy_rows(ArticleViewCount, ["article_id", "edition_id", "hour", "count"], rows)

    def index_search(self, editions: dict[str, Edition], counts: dict[str, int], jobs: int) -> None:
        """The search index by the model's own bulk entry point, ``manage.py reindex_search``, editions side by side."""
        if "reindex_search" not in get_commands():
            self.say("  manage.py reindex_search is missing: the search fields are left empty.")
            return
        manage = Path(settings.BASE_DIR) / "manage.py"
        waiting = sorted(editions, key=lambda code: counts.get(code, 0), reverse=True)
        running: list[subprocess.Popen[bytes]] = []
        failed = []
        while waiting or running:
            while waiting and len(running) < max(1, jobs):
                code = waiting.pop(0)
                running.append(
                    subprocess.Popen(
                        [sys.executable, str(manage), "reindex_search", "--lang", code],
                        env=os.environ.copy(),
                        stdout=subprocess.DEVNULL,
                    )
                )
            time.sleep(0.2)
            for process in list(running):
                if process.poll() is not None:
                    running.remove(process)
                    if process.returncode:
                        failed.append(process.args)
        if failed:
            raise DatasetError(f"Search indexing failed: {failed}")

    def targets(
        self,
        published: list[tuple[int, str, datetime, int, bool]],
        tags: dict[str, list[Tag]],
        writer: Writer,
        english: Edition,
    ) -> dict[str, Any]:
        """What the benchmark asks for: a mid-archive English story with tags and a picture, the most used
        English tag, a section, and an English word found in about one article in ten."""
        candidates = [row for row in published if row[1] == "en" and row[3] >= 2 and row[4]]
        middle = candidates[len(candidates) // 2]
        most_used = (
            Tag.objects.filter(edition=english)
            .annotate(uses=models.Count("articles"))
            .order_by("-uses", "slug")
            .values_list("slug", flat=True)
            .first()
        )
        words = writer.words
        search_word = min(
            (index for index, word in enumerate(words.items) if word.isalpha() and word.islower() and len(word) >= 5),
            key=lambda index: abs(math.log(words.share(index) / SEARCH_WORD_SHARE)),
        )
        return {
            "articles": len(published),
            "english": sum(1 for row in published if row[1] == "en"),
            "detail": middle[0],
            "tag": most_used,
            "section": BENCH_SECTION,
            "search": words.items[search_word],
        }

    def write_media(self) -> None:
        """The one small picture and its renditions every row points at, so their URLs answer too."""
        from PIL import Image as PILImage

        folder = Path(settings.MEDIA_ROOT) / MEDIA_DIR
        folder.mkdir(parents=True, exist_ok=True)
        picture = PILImage.new("RGB", (64, 36), (18, 53, 91))
        picture.save(folder / "photo.jpg", "JPEG")
        for width, file_format in RENDITIONS:
            picture.save(folder / f"photo-{width}.{file_format}", file_format.upper())


if __name__ == "__main__":
    sys.exit(main())
