"""One compose, several editions: one alert per edition, each in its language about its edition's
translation of the story, queued and cancelled together; at the services and in the admin."""

import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backend.roles import EDITOR, REPORTER
from newsapi.models import Article, Section
from newsapi.services import article_unpublish
from notifications import delivery, services
from notifications.admin_alerts import isolated
from notifications.models import Alert, AlertState, AlertTarget
from notifications.services import EditionText
from tests.factories import TagFactory, edition, published_article, user_with_role
from tests.notifications.factories import DeviceFactory
from tests.notifications.test_alert_admin import ADD, CHANGELIST, compose, send_url
from tests.notifications.test_alert_services import run_alert

pytestmark = pytest.mark.django_db

EN_TITLE, EN_BODY = "Quake hits Erbil", "No casualties reported; rescue teams are in the streets."
CKB_TITLE, CKB_BODY = "بوومەلەرزە لە هەولێر", "هیچ قوربانییەک تۆمار نەکراوە؛ تیمەکانی فریاگوزاری لە شەقامەکانن."


def world() -> Section:
    return Section.objects.get(slug="world")


def story(*codes: str) -> dict[str, Article]:
    """One story published in each of ``codes`` (translations of each other), by edition code."""
    group = uuid.uuid4()
    words = {"en": (EN_TITLE, EN_BODY), "ckb": (CKB_TITLE, CKB_BODY)}
    return {
        code: published_article(
            edition=edition(code),
            translation_group=group,
            title=words.get(code, (f"Quake ({code})", ""))[0],
            summary=words.get(code, ("", f"Summary ({code})"))[1],
            slug=f"erbil-quake-{code}-{group.hex[:6]}",
        )
        for code in codes
    }


def texts(**by_code: tuple[str, str]) -> list[EditionText]:
    return [EditionText(edition=edition(code), title=title, body=body) for code, (title, body) in by_code.items()]


def two_editions(editor, **kwargs) -> list[Alert]:
    return services.alert_compose(by=editor, texts=texts(en=(EN_TITLE, EN_BODY), ckb=(CKB_TITLE, CKB_BODY)), **kwargs)


@pytest.fixture
def editor():
    return user_with_role(EDITOR)


def states(*alerts: Alert) -> list[str]:
    return [Alert.objects.get(pk=alert.pk).state for alert in alerts]


# --- The services ---------------------------------------------------------------------------------------------


def test_a_compose_in_two_editions_is_one_alert_per_edition_about_its_own_translation(editor):
    articles = story("en", "ckb")

    en, ckb = two_editions(editor, article=articles["en"])

    assert (en.edition.code, en.article, en.title, en.body) == ("en", articles["en"], EN_TITLE, EN_BODY)
    assert (ckb.edition.code, ckb.article, ckb.title, ckb.body) == ("ckb", articles["ckb"], CKB_TITLE, CKB_BODY)
    assert en.compose_group is not None and en.compose_group == ckb.compose_group
    assert states(en, ckb) == [AlertState.DRAFT, AlertState.DRAFT]
    assert (en.created_by, ckb.created_by) == (editor, editor)


def test_an_alert_in_one_edition_stands_alone(editor):
    [alert] = services.alert_compose(by=editor, texts=texts(en=(EN_TITLE, EN_BODY)))

    assert alert.compose_group is None


def test_without_an_article_each_edition_says_what_the_editor_wrote(editor):
    en, ckb = two_editions(editor)

    assert (en.article, ckb.article) == (None, None)
    assert (ckb.title, ckb.body) == (CKB_TITLE, CKB_BODY)


def test_each_editions_devices_get_the_alert_in_their_own_language(editor, fcm_emulator, gateway):
    articles = story("en", "ckb")
    english, sorani = DeviceFactory(edition=edition("en")), DeviceFactory(edition=edition("ckb"))
    DeviceFactory(edition=edition("ar"))  # an edition the compose leaves out
    en, ckb = two_editions(editor, article=articles["en"])

    services.alert_queue(alert=en, by=editor)
    for alert in (en, ckb):
        run_alert(alert, gateway)

    received = {m["token"]: m["message"] for m in fcm_emulator.client.all_messages()}
    assert set(received) == {english.token, sorani.token}
    assert received[english.token]["notification"]["title"] == EN_TITLE
    assert received[english.token]["data"]["language"] == "en"
    assert received[english.token]["data"]["article_id"] == str(articles["en"].pk)
    assert received[sorani.token]["notification"] == {"title": CKB_TITLE, "body": CKB_BODY}
    assert received[sorani.token]["data"]["language"] == "ckb"
    assert received[sorani.token]["data"]["article_id"] == str(articles["ckb"].pk)
    assert [(a.targeted, a.sent) for a in Alert.objects.filter(pk__in=[en.pk, ckb.pk]).order_by("pk")] == [
        (1, 1),
        (1, 1),
    ]


def test_an_edition_the_story_has_no_translation_in_is_refused_and_nothing_is_created(editor):
    articles = story("en")

    with pytest.raises(ValidationError, match="no published کوردی translation"):
        two_editions(editor, article=articles["en"])

    assert not Alert.objects.exists()


def test_a_withdrawn_translation_cannot_be_alerted(editor):
    articles = story("en", "ckb")
    article_unpublish(article=articles["ckb"], by=None, reason="Mistranslated")

    with pytest.raises(ValidationError, match="no published"):
        two_editions(editor, article=articles["en"])

    assert not Alert.objects.exists()


def test_the_same_edition_twice_is_refused(editor):
    with pytest.raises(ValidationError, match="English edition is in this alert twice"):
        services.alert_compose(by=editor, texts=texts(en=(EN_TITLE, EN_BODY)) * 2)

    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("", CKB_BODY, "needs a title and a body"),
        (CKB_TITLE, "   ", "needs a title and a body"),
        ("ب" * 66, CKB_BODY, "fit a lock screen"),
        (CKB_TITLE, "ب" * 179, "fit a lock screen"),
    ],
)
def test_an_empty_or_overlong_text_in_any_edition_creates_no_alert(editor, title, body, message):
    with pytest.raises(ValidationError, match=message):
        services.alert_compose(by=editor, texts=texts(en=(EN_TITLE, EN_BODY), ckb=(title, body)))

    assert not Alert.objects.exists()


def test_queueing_one_alert_queues_its_whole_compose_and_each_fan_out_after_the_commit(
    editor, django_capture_on_commit_callbacks
):
    en, ckb = two_editions(editor, article=story("en", "ckb")["en"])

    with django_capture_on_commit_callbacks() as callbacks:
        services.alert_queue(alert=ckb, by=editor)

    assert states(en, ckb) == [AlertState.QUEUED, AlertState.QUEUED]
    assert len(callbacks) == 2  # one fan-out per edition


def test_one_edition_that_can_no_longer_be_sent_queues_none(editor):
    articles = story("en", "ckb")
    en, ckb = two_editions(editor, article=articles["en"])
    article_unpublish(article=articles["ckb"], by=None, reason="Mistranslated")

    with pytest.raises(ValidationError, match="not published"):
        services.alert_queue(alert=en, by=editor)

    assert states(en, ckb) == [AlertState.DRAFT, AlertState.DRAFT]


def test_cancelling_one_alert_cancels_its_whole_compose(editor):
    en, ckb = two_editions(editor)
    services.alert_queue(alert=en, by=editor)

    services.alert_cancel(alert=ckb, by=editor)

    assert states(en, ckb) == [AlertState.CANCELLED, AlertState.CANCELLED]


def test_cancelling_leaves_an_edition_already_sending_alone(editor):
    en, ckb = two_editions(editor)
    services.alert_queue(alert=en, by=editor)
    delivery.alert_fanout(alert_id=en.pk)  # English started (and, with no device, finished)

    services.alert_cancel(alert=ckb, by=editor)

    assert states(en, ckb) == [AlertState.NO_AUDIENCE, AlertState.CANCELLED]
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        services.alert_cancel(alert=en, by=editor)


def test_someone_who_may_not_send_alerts_can_neither_compose_queue_nor_cancel_a_compose(editor):
    reporter = user_with_role(REPORTER)
    drafts = two_editions(editor)
    queued = two_editions(editor)
    services.alert_queue(alert=queued[0], by=editor)

    with pytest.raises(PermissionDenied):
        two_editions(reporter)
    with pytest.raises(PermissionDenied):
        services.alert_queue(alert=drafts[0], by=reporter)
    with pytest.raises(PermissionDenied):
        services.alert_cancel(alert=queued[1], by=reporter)

    assert Alert.objects.count() == 4
    assert states(*drafts, *queued) == [AlertState.DRAFT] * 2 + [AlertState.QUEUED] * 2


def test_a_tags_compose_gives_each_edition_its_own_tags(editor):
    en_tag, ckb_tag = TagFactory(edition=edition("en")), TagFactory(edition=edition("ckb"))

    en, ckb = two_editions(editor, target=AlertTarget.TAGS, tags=[en_tag, ckb_tag])

    assert (list(en.tags.all()), list(ckb.tags.all())) == ([en_tag], [ckb_tag])


def test_a_tags_compose_needs_a_tag_of_every_edition(editor):
    with pytest.raises(ValidationError, match="Choose tags of the کوردی edition"):
        two_editions(editor, target=AlertTarget.TAGS, tags=[TagFactory(edition=edition("en"))])

    assert not Alert.objects.exists()


def test_a_tag_of_an_edition_left_out_is_refused(editor):
    with pytest.raises(ValidationError, match="tags of the alert's editions"):
        two_editions(editor, target=AlertTarget.TAGS, tags=[TagFactory(edition=edition("ar"))])

    assert not Alert.objects.exists()


def test_an_alert_of_a_compose_changes_only_its_own_words(editor):
    _, ckb = two_editions(editor)

    services.alert_update(alert=ckb, by=editor, changes={"title": "نوێ"})
    with pytest.raises(ValidationError, match="only its title and body"):
        services.alert_update(alert=ckb, by=editor, changes={"target": AlertTarget.SECTIONS, "sections": [world()]})

    ckb.refresh_from_db()
    assert (ckb.title, ckb.target) == ("نوێ", AlertTarget.BREAKING)


# --- The admin ------------------------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def rows(*rows: tuple[str, str, str], total: int = 5) -> dict[str, str]:
    """The other editions' rows as the compose page posts them: (edition code, title, body), then empty ones."""
    data = {"editions-TOTAL_FORMS": str(total), "editions-INITIAL_FORMS": "0"}
    for n, (code, title, body) in enumerate(rows):
        data.update(
            {
                f"editions-{n}-edition": str(edition(code).pk) if code else "",
                f"editions-{n}-title": title,
                f"editions-{n}-body": body,
            }
        )
    return data


def test_the_compose_page_of_a_story_has_a_row_per_translation_right_to_left_where_the_edition_is(editor_client):
    articles = story("en", "ckb", "ar")

    response = editor_client.get(ADD, {"article": articles["en"].pk})

    page = response.content.decode()
    formset = response.context["adminform"].form.editions
    assert [form.initial["edition"].code for form in formset.initial_forms] == ["ckb", "ar"]
    assert 'id="id_editions-0-title"' in page and f'value="{CKB_TITLE}"' in page
    assert CKB_BODY in page
    for name in ("editions-0-title", "editions-0-body", "editions-1-title"):
        [tag] = re.findall(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page)
        assert 'dir="rtl"' in tag, tag
    assert 'dir="rtl"' not in re.findall(r'<input[^>]*name="title"[^>]*>', page)[0]
    # Empty rows to add the rest by hand: one per edition but the main one, in all.
    assert formset.total_form_count() == 5


def test_composing_in_two_editions_drafts_both_and_opens_the_send_page(editor_client, editor):
    articles = story("en", "ckb")

    response = editor_client.post(
        ADD, {**compose(article=articles["en"].pk), **rows(("ckb", CKB_TITLE, CKB_BODY), ("", "", ""))}
    )

    en, ckb = Alert.objects.order_by("edition__position")
    assert response.status_code == 302
    assert response["Location"] == send_url(en)
    assert (ckb.edition.code, ckb.article, ckb.title, ckb.body) == ("ckb", articles["ckb"], CKB_TITLE, CKB_BODY)
    assert en.compose_group == ckb.compose_group is not None


def test_a_post_without_the_other_editions_composes_for_one_edition(editor_client):
    response = editor_client.post(ADD, compose())

    assert response.status_code == 302
    assert Alert.objects.get().compose_group is None


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (("ckb", "", CKB_BODY), "Write the title for the کوردی edition"),
        (("ckb", CKB_TITLE, ""), "Write the body for the کوردی edition"),
        (("ckb", "ب" * 66, CKB_BODY), "at most 65 characters"),
        (("ckb", CKB_TITLE, "ب" * 179), "at most 178 characters"),
        (("", CKB_TITLE, CKB_BODY), "Choose the edition this text is for"),
        (("en", EN_TITLE, EN_BODY), "The English edition is already in this alert"),
        (("ar", "عاجل", "نص"), "The chosen story has no published العربية translation"),
    ],
    ids=["no-title", "no-body", "long-title", "long-body", "no-edition", "main-edition-again", "no-translation"],
)
def test_a_bad_other_edition_is_a_form_error_and_creates_nothing(editor_client, other, message):
    articles = story("en", "ckb")

    response = editor_client.post(ADD, {**compose(article=articles["en"].pk), **rows(other)})

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Check the other editions below." in page
    assert not Alert.objects.exists()


def test_the_same_other_edition_twice_is_a_form_error(editor_client):
    response = editor_client.post(ADD, {**compose(), **rows(("ckb", CKB_TITLE, CKB_BODY), ("ckb", "دووەم", "دووەم"))})

    assert response.status_code == 200
    assert "The کوردی edition is already in this alert" in response.content.decode()
    assert not Alert.objects.exists()


def test_a_tags_compose_needs_a_tag_of_each_edition_in_the_form(editor_client):
    tag = TagFactory(edition=edition("en"))

    response = editor_client.post(
        ADD, {**compose(target=AlertTarget.TAGS, tags=[tag.pk]), **rows(("ckb", CKB_TITLE, CKB_BODY))}
    )

    assert response.status_code == 200
    assert "Choose tags of the کوردی edition too" in response.content.decode()
    assert not Alert.objects.exists()


def test_the_send_page_previews_each_edition_and_confirms_them_together(editor_client, editor):
    DeviceFactory.create_batch(2, edition=edition("en"))
    DeviceFactory(edition=edition("ckb"))
    en, ckb = two_editions(editor, article=story("en", "ckb")["en"])

    page = editor_client.get(send_url(en)).content.decode()
    assert EN_TITLE in page and CKB_TITLE in page
    assert 'dir="rtl"' in page
    # Each edition's name is a bidirectional isolate: the Sorani count stays after its name.
    assert f"This alert will reach 3 devices in 2 editions: {isolated('English')} 2, {isolated('کوردی')} 1." in page
    assert "Send this alert in its 2 editions now" in page

    response = editor_client.post(send_url(en), {"confirm": "on"}, follow=True)

    assert "queued for sending in 2 editions" in response.content.decode()
    assert states(en, ckb) == [AlertState.QUEUED, AlertState.QUEUED]


def test_the_send_page_of_a_sent_compose_counts_each_edition_and_the_total(editor_client, editor):
    en, ckb = two_editions(editor)
    Alert.objects.filter(pk=en.pk).update(state=AlertState.SENT, targeted=120, sent=110, opened=30)
    Alert.objects.filter(pk=ckb.pk).update(state=AlertState.SENT, targeted=40, sent=38, opened=9)

    page = editor_client.get(send_url(ckb)).content.decode()

    assert "<td>120</td><td>110</td>" in page and "<td>40</td><td>38</td>" in page
    assert "All 2 editions" in page
    assert "<td>160</td><td>148</td>" in page and "<td>39</td></tr></tfoot>" in page


def test_the_list_shows_each_editions_counts_and_the_compose_total(
    editor_client, editor, django_assert_max_num_queries
):
    en, ckb = two_editions(editor)
    Alert.objects.filter(pk=en.pk).update(state=AlertState.SENT, targeted=12000, sent=11000, opened=300)
    Alert.objects.filter(pk=ckb.pk).update(state=AlertState.SENT, targeted=400, sent=380, opened=90)
    services.alert_compose(by=editor, texts=texts(en=("Alone", "One edition only.")))

    with django_assert_max_num_queries(12):
        page = editor_client.get(CHANGELIST).content.decode()

    assert page.count("2 editions: 12.4k → 11.4k → 390") == 2
    assert "12k → 11k → 300" in page and "400 → 380 → 90" in page
    assert page.count("alert-compose-total") == 2  # not under the alert composed alone


def test_the_page_of_an_alert_in_a_compose_edits_only_its_words_and_names_the_others(editor_client, editor):
    en, ckb = two_editions(editor)

    response = editor_client.get(f"{CHANGELIST}{ckb.pk}/change/")

    form = response.context["adminform"].form
    assert set(form.fields) == {"title", "body"}
    page = response.content.decode()
    assert f'href="{CHANGELIST}{en.pk}/change/"' in page
    assert "Composed with the alerts of other editions" in page
