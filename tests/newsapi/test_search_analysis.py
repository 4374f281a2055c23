# ruff: noqa: RUF001  (Kurdish, Arabic, Persian, Turkish and full-width text: their letters are meant)
"""Search text analysis: the spellings, keyboards, inflections and digits readers type find the words.

The pair tables hold a document word (or short phrase) and a query that must find it through
``matches``; the near-word tables hold pairs that must not. The rule tests name one Lucene rule each,
so a broken rule fails a test that says which.
"""

import random
import time

import pytest

from newsapi.search import _char_spans, _snippet, _terms_matched, _word_spans, highlight, parse
from newsapi.search_analysis import (
    QueryTerm,
    arabic,
    document_prefix_words,
    document_terms,
    matches,
    normalize,
    query_terms,
)
from newsapi.search_analysis.tokens import split_words

ZWNJ = "\u200c"

SORANI_PAIRS = [
    # Inflections: the stems meet.
    pytest.param("بوومەلەرزە", "بوومەلەرزەکە", id="earthquake-found-by-definite"),
    pytest.param("بوومەلەرزەکان", "بوومەلەرزە", id="definite-plural-found-by-bare"),
    pytest.param("بوومەلەرزەکە", "بوومەلەرزەکان", id="definite-singular-found-by-definite-plural"),
    pytest.param("بوومەلەرزەیەک", "بوومەلەرزە", id="indefinite-found-by-bare-as-prefix"),
    pytest.param("تورکیا", "تورکیای", id="turkey-found-by-ezafe"),
    pytest.param("تورکیای", "تورکیا", id="ezafe-found-by-turkey"),
    pytest.param("ڕووداوەکان", "ڕووداوەکە", id="definite-plural-found-by-definite-singular"),
    pytest.param("هەولێردا", "هەولێر ", id="postposition-da-stripped"),
    pytest.param("بەغدادا", "بەغدا ", id="postposition-da-on-baghdad"),
    pytest.param("هەولێرەوە", "هەولێر ", id="postposition-ewe-stripped"),
    pytest.param("وڵاتەکەمان", "وڵات ", id="possessive-and-definite-stripped"),
    pytest.param("وڵاتەکەمان", "وڵاتەکان", id="possessive-found-by-plural"),
    pytest.param("هێرشێک", "هێرشەکان", id="indefinite-found-by-definite-plural"),
    pytest.param("هێرشێکی", "هێرش ", id="indefinite-ezafe-stripped"),
    pytest.param("سەربازان", "سەربازەکان", id="indefinite-plural-found-by-definite-plural"),
    pytest.param("سەربازانی", "سەرباز ", id="plural-ezafe-stripped"),
    pytest.param("ئەم سەربازانە", "سەربازەکان", id="demonstrative-plural-found-by-definite-plural"),
    pytest.param("حکومەتی هەرێمی کوردستان", "حکومەت هەرێم کوردستان", id="ezafe-chain-found-by-bare-words"),
    pytest.param("پەرلەمانی کوردستان", "پەرلەمان", id="parliament-ezafe-found-by-bare"),
    pytest.param("هەڵبژاردنی پەرلەمانی کوردستان", "هەڵبژاردن", id="election-ezafe-found-by-bare"),
    pytest.param("شارەکانی تورکیا", "شار", id="prefix-finds-inflected-city"),
    pytest.param("ناوچەکە", "ناوچە", id="definite-area-found-by-bare"),
    pytest.param("کوردستان", "کوردست", id="prefix-of-kurdistan"),
    # The Arabic keyboard's letters.
    pytest.param("كوردستان", "کوردستان", id="arabic-kaf-document-found-by-keheh"),
    pytest.param("کوردستان", "كوردستان", id="keheh-document-found-by-arabic-kaf"),
    pytest.param("کوردی", "كوردي", id="arabic-kaf-and-yeh-query"),
    pytest.param("هەرێمی کوردستان", "هەرێمي", id="arabic-yeh-query-finds-ezafe"),
    pytest.param("نووسینگە", "نووسینگة", id="teh-marbuta-typed-for-ae"),
    pytest.param("بوومەلەرزە", "بوومەلەرزه", id="final-heh-typed-for-ae"),
    pytest.param("ھەولێر", "هەولێر", id="heh-doachashmee-document"),
    pytest.param("ڕووداو", "رووداو", id="initial-reh-typed-for-rreh"),
    pytest.param("ڕێگا", "ڒێگا", id="reh-with-v-above-typed-for-rreh"),
    pytest.param("کـوردستان", "کوردستان", id="tatweel-in-document"),
    # The older spelling: heh + ZWNJ for ae.
    pytest.param(f"هه{ZWNJ}ولێر", "هەولێر", id="heh-zwnj-document-found-by-ae"),
    pytest.param("هەولێر", f"هه{ZWNJ}ولێر", id="ae-document-found-by-heh-zwnj"),
    pytest.param(f"به{ZWNJ}غدا", "بەغدا", id="heh-zwnj-baghdad"),
    pytest.param("هەولێر", "هەولێر ", id="whole-word-query"),
    # Digits of every keyboard.
    pytest.param("ساڵی ٢٠٢٤", "2024", id="arabic-indic-digits-found-by-ascii"),
    pytest.param("ساڵی ۲۰۲۴", "2024", id="persian-digits-found-by-ascii"),
    pytest.param("ساڵی 2024", "۲۰۲۴ ", id="ascii-digits-found-by-persian"),
    pytest.param("لە ساڵی ٢٠٢٤دا", "2024 ", id="year-with-postposition-found-by-ascii"),
]

SORANI_NEAR_WORDS = [
    pytest.param("کورد", "کوردستان", id="kurd-not-found-by-kurdistan"),
    pytest.param("کوردستان", "کورد ", id="kurdistan-not-found-by-whole-word-kurd"),
    pytest.param("شار", "شەڕ", id="city-not-war"),
    pytest.param("ڕووداو", "داو", id="no-infix-match"),
    pytest.param("کەڕ", "کەر ", id="non-initial-reh-stays-distinct"),
    pytest.param("شێر", "شیر", id="e-with-v-is-not-yeh"),
    pytest.param("کۆڕ", "کوڕ", id="o-is-not-waw"),
    pytest.param("هەولێر", "سلێمانی", id="other-city"),
    pytest.param("باران", "بار ", id="short-word-not-stemmed-into-another"),
]

ARABIC_PAIRS = [
    pytest.param("أحمد", "احمد", id="hamza-above-found-by-bare-alef"),
    pytest.param("إسلام", "اسلام", id="hamza-below-found-by-bare-alef"),
    pytest.param("القرآن", "القران", id="madda-found-by-bare-alef"),
    pytest.param("آمن", "امن", id="initial-madda"),
    pytest.param("مدرسة", "مدرسه", id="teh-marbuta-found-by-heh"),
    pytest.param("المدرسة", "مدرسة", id="definite-article-stripped"),
    pytest.param("والكتاب", "الكتاب", id="wal-and-al-meet"),
    pytest.param("والكتاب", "كتاب ", id="wal-stripped"),
    pytest.param("بالمدينة", "المدينة", id="bal-and-al-meet"),
    pytest.param("بالمدينة", "مدينة", id="bal-stripped"),
    pytest.param("للمدرسة", "مدرسة", id="lil-stripped"),
    pytest.param("الانتخابات", "انتخاب", id="plural-at-stripped"),
    pytest.param("الانتخابات", "انتخا", id="prefix-of-stem-after-article"),
    pytest.param("المهندسون", "مهندس", id="plural-un-stripped"),
    pytest.param("المهندسين", "المهندسون", id="plural-in-found-by-plural-un"),
    pytest.param("الفلسطينيون", "فلسطين", id="nisba-plural-stripped"),
    pytest.param("كتابها", "كتاب", id="possessive-ha-stripped"),
    pytest.param("الوزير", "وزير", id="article-on-minister"),
    pytest.param("مستشفى", "مستشفي", id="alef-maksura-found-by-yeh"),
    pytest.param("مَدْرَسَةٌ", "مدرسة", id="harakat-in-document"),
    pytest.param("مـدرسـة", "مدرسة", id="tatweel-in-document"),
    pytest.param("عام ٢٠٢٤", "2024", id="arabic-indic-digits"),
    pytest.param("وزراء الخارجية", "الخارجية وزراء", id="word-order-free"),
]

ARABIC_NEAR_WORDS = [
    pytest.param("كتاب", "كاتب", id="book-not-writer"),
    pytest.param("عالم", "علم ", id="world-not-science"),
    pytest.param("إسلام", "سلام", id="islam-not-peace"),
    pytest.param("مالك", "ملك ", id="owner-not-king"),
    pytest.param("مدرسة", "مدارس", id="broken-plural-not-conflated"),
]

PERSIAN_PAIRS = [
    pytest.param(f"می{ZWNJ}خواهم", "میخواهم", id="zwnj-document-found-without-zwnj"),
    pytest.param("میخواهم", f"می{ZWNJ}خواهم", id="joined-document-found-with-zwnj"),
    pytest.param(f"می{ZWNJ}خواهم", f"می{ZWNJ}خواه", id="prefix-typed-with-zwnj"),
    pytest.param(f"کتاب{ZWNJ}ها", "کتابها", id="plural-with-zwnj-found-joined"),
    pytest.param("کتابها", f"کتاب{ZWNJ}ها", id="joined-plural-found-with-zwnj"),
    pytest.param(f"کتاب{ZWNJ}ها", "کتاب ", id="plural-ha-with-zwnj-stripped"),
    pytest.param(f"خانه{ZWNJ}ها", "خانه ", id="heh-final-plural-stripped"),
    pytest.param(f"نخست{ZWNJ}وزیر", "نخست وزیر", id="zwnj-compound-found-by-spaced-parts"),
    pytest.param(f"نخست{ZWNJ}وزیر", "نخستوزیر", id="zwnj-compound-found-joined"),
    pytest.param(f"پیش{ZWNJ}رفت", "پیشرفت", id="zwnj-word-found-joined"),
    pytest.param("ایران", "ايران", id="arabic-yeh-query"),
    pytest.param("کشور", "كشور", id="arabic-kaf-query"),
    pytest.param("یک", "يك", id="arabic-kaf-and-yeh-query"),
    pytest.param("دانشجویان", "دانشجو ", id="plural-an-stripped"),
    pytest.param("انتخابات", "انتخاب ", id="plural-at-stripped"),
    pytest.param("بزرگترین", "بزرگ ", id="superlative-stripped"),
    pytest.param("بزرگتر", "بزرگ ", id="comparative-stripped"),
    pytest.param("تهرانی", "تهران", id="adjective-found-by-prefix"),
    pytest.param("خانۀ", "خانه", id="heh-yeh-found-by-heh"),
    pytest.param("خانهٔ", "خانه", id="heh-with-hamza-mark-found-by-heh"),
    pytest.param("آمریکا", "امریکا", id="madda-found-by-bare-alef"),
    pytest.param("۱۴۰۳", "1403", id="persian-digits-found-by-ascii"),
    pytest.param("۱۴۰۳", "١٤٠٣", id="persian-digits-found-by-arabic-indic"),
]

PERSIAN_NEAR_WORDS = [
    pytest.param("شیر", "شیرین", id="milk-not-sweet"),
    pytest.param("کتاب", "کتابخانه", id="book-not-library"),
    pytest.param("کار", "کارگر", id="work-not-worker"),
    pytest.param("تهران", "مشهد", id="other-city"),
]

ENGLISH_PAIRS = [
    pytest.param("China", "chin", id="prefix-chin-finds-china"),
    pytest.param("China", "CHINA", id="case-folded"),
    pytest.param("China's", "china ", id="possessive-apostrophe-splits"),
    pytest.param("elections", "election", id="plural-found-by-singular"),
    pytest.param("elected", "elections", id="snowball-conflates-elect"),
    pytest.param("running", "runs ", id="snowball-run"),
    pytest.param("earthquakes", "earthquake", id="plural-earthquakes"),
    pytest.param("naïve", "naive", id="diaeresis-stripped"),
    pytest.param("Beyoncé", "beyonce", id="acute-stripped"),
    pytest.param("café", "CAFE", id="case-and-accent"),
]

ENGLISH_NEAR_WORDS = [
    pytest.param("China", "chinese ", id="china-not-chinese"),
    pytest.param("selection", "election", id="no-infix-match"),
    pytest.param("news", "new ", id="news-not-new"),
    pytest.param("Chinese", "chins", id="prefix-must-be-a-prefix"),
]

TURKISH_PAIRS = [
    pytest.param("İstanbul", "istanbul", id="dotted-capital-i"),
    pytest.param("İSTANBUL", "İstanbul", id="all-capitals"),
    pytest.param("Irak", "ırak", id="dotless-capital-i"),
    pytest.param("IRAK", "irak", id="dotless-typed-as-dotted"),
    pytest.param("kitapları", "kitaplarımız", id="snowball-kitap"),
    pytest.param("öğrencilerin", "öğrenciler", id="snowball-ogrenci"),
    pytest.param("ülkede", "ülkeler", id="snowball-ulke"),
    pytest.param("seçimlerde", "seçimler", id="snowball-secim"),
    pytest.param("Türkiye'de", "türkiye", id="apostrophe-splits-suffix"),
    pytest.param("Ankara'daki", "ankara ", id="apostrophe-splits-whole-word"),
    pytest.param("öğrenciler", "ogrenciler", id="typed-without-turkish-letters"),
    pytest.param("kitaplar", "KİTAP", id="capital-query-prefix"),
]

TURKISH_NEAR_WORDS = [
    pytest.param("Irak", "ırk", id="iraq-not-race"),
    pytest.param("kitap", "katip", id="book-not-clerk"),
    pytest.param("sıcak", "sucuk", id="hot-not-sausage"),
]

KURMANJI_PAIRS = [
    pytest.param("Kurdistanê", "kurdistane", id="e-circumflex-folded"),
    pytest.param("Çiya", "ciya", id="c-cedilla-folded"),
    pytest.param("Şêx", "sex", id="s-cedilla-folded"),
    pytest.param("Bajarê Amedê", "bajare amede", id="phrase-folded"),
    pytest.param("Kurdistanê", "KURDISTANÊ", id="case-folded"),
]

KURMANJI_NEAR_WORDS = [
    pytest.param("Zürich", "zurich", id="other-diacritics-kept"),
    pytest.param("Kurdistanê", "kurdistana", id="no-stemming"),
]


@pytest.mark.parametrize(("document", "query"), SORANI_PAIRS)
def test_sorani_query_finds_document(document, query):
    assert matches("ckb", document, query)


@pytest.mark.parametrize(("document", "query"), SORANI_NEAR_WORDS)
def test_sorani_near_word_does_not_match(document, query):
    assert not matches("ckb", document, query)


@pytest.mark.parametrize(("document", "query"), ARABIC_PAIRS)
def test_arabic_query_finds_document(document, query):
    assert matches("ar", document, query)


@pytest.mark.parametrize(("document", "query"), ARABIC_NEAR_WORDS)
def test_arabic_near_word_does_not_match(document, query):
    assert not matches("ar", document, query)


@pytest.mark.parametrize(("document", "query"), PERSIAN_PAIRS)
def test_persian_query_finds_document(document, query):
    assert matches("fa", document, query)


@pytest.mark.parametrize(("document", "query"), PERSIAN_NEAR_WORDS)
def test_persian_near_word_does_not_match(document, query):
    assert not matches("fa", document, query)


@pytest.mark.parametrize(("document", "query"), ENGLISH_PAIRS)
def test_english_query_finds_document(document, query):
    assert matches("en", document, query)


@pytest.mark.parametrize(("document", "query"), ENGLISH_NEAR_WORDS)
def test_english_near_word_does_not_match(document, query):
    assert not matches("en", document, query)


@pytest.mark.parametrize(("document", "query"), TURKISH_PAIRS)
def test_turkish_query_finds_document(document, query):
    assert matches("tr", document, query)


@pytest.mark.parametrize(("document", "query"), TURKISH_NEAR_WORDS)
def test_turkish_near_word_does_not_match(document, query):
    assert not matches("tr", document, query)


@pytest.mark.parametrize(("document", "query"), KURMANJI_PAIRS)
def test_kurmanji_query_finds_document(document, query):
    assert matches("kmr", document, query)


@pytest.mark.parametrize(("document", "query"), KURMANJI_NEAR_WORDS)
def test_kurmanji_near_word_does_not_match(document, query):
    assert not matches("kmr", document, query)


# One test per rule of Lucene's SoraniNormalizer.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ماڵي", "ماڵی", id="arabic-yeh-to-farsi-yeh"),
        pytest.param("ماڵى", "ماڵی", id="alef-maksura-to-farsi-yeh"),
        pytest.param("كورد", "کورد", id="arabic-kaf-to-keheh"),
        pytest.param(f"هه{ZWNJ}ولێر", "هەولێر", id="heh-zwnj-to-ae"),
        pytest.param("کێشه", "کێشە", id="word-final-heh-to-ae"),
        pytest.param("هاوڕێ", "هاوڕێ", id="heh-not-final-stays"),
        pytest.param("کێشة", "کێشە", id="teh-marbuta-to-ae"),
        pytest.param("ھەولێر", "هەولێر", id="heh-doachashmee-to-heh"),
        pytest.param("شاھ", "شاه", id="heh-doachashmee-final-is-heh-not-ae"),
        pytest.param("ڒێگا", "ڕێگا", id="reh-with-v-above-to-rreh"),
        pytest.param("رووداو", "ڕووداو", id="initial-reh-to-rreh"),
        pytest.param("ـرووداو", "ڕووداو", id="reh-after-removed-tatweel-is-initial"),
        pytest.param("شار", "شار", id="non-initial-reh-stays"),
        pytest.param("کـورد", "کورد", id="tatweel-removed"),
        pytest.param("کو\u200fرد", "کورد", id="bidi-mark-removed"),
        pytest.param(f"کو{ZWNJ}رد", "کورد", id="zwnj-not-after-heh-removed"),
    ],
)
def test_sorani_normalizer_rule(text, expected):
    assert normalize("ckb", text) == expected


@pytest.mark.parametrize("haraka", list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"))
def test_sorani_normalizer_removes_each_haraka(haraka):
    assert normalize("ckb", f"کو{haraka}رد") == "کورد"


# One test per rule of Lucene's SoraniStemmer; a word at the rule's minimum length keeps its suffix.
@pytest.mark.parametrize(
    ("word", "stem"),
    [
        pytest.param("هەولێردا", "هەولێر", id="postposition-da"),
        pytest.param("٢٠٢٤دا", "2024", id="postposition-da-on-a-6-letter-word"),
        pytest.param("شاردا", "شاردا", id="postposition-da-needs-more-than-5-letters"),
        pytest.param("ئێرانا", "ئێران", id="postposition-na-drops-only-alef"),
        pytest.param("هەولێرەوە", "هەولێر", id="postposition-ewe"),
        pytest.param("وڵاتمان", "وڵات", id="possessive-man"),
        pytest.param("کتێبیان", "کتێب", id="possessive-yan"),
        pytest.param("کتێبتان", "کتێب", id="possessive-tan"),
        pytest.param("هێرشێکی", "هێرش", id="indefinite-ezafe-eki"),
        pytest.param("خانوویەکی", "خانوو", id="indefinite-ezafe-yeki"),
        pytest.param("هێرشێک", "هێرش", id="indefinite-ek"),
        pytest.param("شارێک", "شارێک", id="indefinite-ek-needs-more-than-5-letters"),
        pytest.param("خانوویەک", "خانوو", id="indefinite-yek"),
        pytest.param("هێرشەکە", "هێرش", id="definite-eke"),
        pytest.param("کێشەکە", "کێشە", id="definite-ke-when-eke-too-short"),
        pytest.param("هێرشەکان", "هێرش", id="definite-plural-ekan"),
        pytest.param("کێشەکان", "کێشە", id="definite-plural-kan"),
        pytest.param("کێشەیانی", "کێشە", id="indefinite-plural-ezafe-yani"),
        pytest.param("سەربازانی", "سەرباز", id="indefinite-plural-ezafe-ani"),
        pytest.param("سەربازان", "سەرباز", id="indefinite-plural-an"),
        pytest.param("کێشەیانە", "کێشە", id="demonstrative-plural-yane"),
        pytest.param("سەربازانە", "سەرباز", id="demonstrative-plural-ane"),
        pytest.param("تورکیایە", "تورکیا", id="demonstrative-aye-keeps-alef"),
        pytest.param("کێشەیە", "کێشە", id="demonstrative-eye-keeps-ae"),
        pytest.param("بوومەلەرزە", "بوومەلەرز", id="demonstrative-e"),
        pytest.param("کێشە", "کێشە", id="demonstrative-e-needs-more-than-4-letters"),
        pytest.param("هەرێمی", "هەرێم", id="absolute-ezafe-i"),
        pytest.param("کوڕی", "کوڕی", id="absolute-ezafe-i-needs-more-than-4-letters"),
        pytest.param("وڵاتەکەمان", "وڵات", id="possessive-then-definite"),
    ],
)
def test_sorani_stemmer_rule(word, stem):
    assert document_terms("ckb", word) == [stem]


# One test per rule of Lucene's ArabicNormalizer.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("آمن", "امن", id="alef-madda-to-alef"),
        pytest.param("أحمد", "احمد", id="alef-hamza-above-to-alef"),
        pytest.param("إسلام", "اسلام", id="alef-hamza-below-to-alef"),
        pytest.param("مستشفى", "مستشفي", id="alef-maksura-to-yeh"),
        pytest.param("مدرسة", "مدرسه", id="teh-marbuta-to-heh"),
        pytest.param("مـدرسـه", "مدرسه", id="tatweel-removed"),
        pytest.param("ﻛﺘﺎﺏ", "كتاب", id="presentation-forms-to-letters-by-nfkc"),
    ],
)
def test_arabic_normalizer_rule(text, expected):
    assert normalize("ar", text) == expected


@pytest.mark.parametrize("haraka", list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"))
def test_arabic_normalizer_removes_each_haraka(haraka):
    assert normalize("ar", f"كت{haraka}اب") == "كتاب"


# One test per rule of Lucene's ArabicStemmer.
@pytest.mark.parametrize(
    ("word", "stem"),
    [
        pytest.param("الكتاب", "كتاب", id="prefix-al"),
        pytest.param("والكتاب", "كتاب", id="prefix-wal"),
        pytest.param("بالكتاب", "كتاب", id="prefix-bal"),
        pytest.param("كالبحر", "بحر", id="prefix-kal"),
        pytest.param("فالعمل", "عمل", id="prefix-fal"),
        pytest.param("للطلاب", "طلاب", id="prefix-lil"),
        pytest.param("وكتب", "كتب", id="prefix-wa"),
        pytest.param("ولد", "ولد", id="prefix-wa-needs-3-letters-after"),
        pytest.param("الم", "الم", id="prefix-al-needs-2-letters-after"),
        pytest.param("كتابها", "كتاب", id="suffix-ha"),
        pytest.param("كتابان", "كتاب", id="suffix-an"),
        pytest.param("سيارات", "سيار", id="suffix-at"),
        pytest.param("معلمون", "معلم", id="suffix-un"),
        pytest.param("معلمين", "معلم", id="suffix-in"),
        pytest.param("عربيه", "عرب", id="suffix-iyah"),
        pytest.param("الفقهية", "فق", id="suffix-iyah-before-heh"),
        pytest.param("كتابه", "كتاب", id="suffix-heh"),
        pytest.param("كتابي", "كتاب", id="suffix-yeh"),
        pytest.param("معلماتها", "معلم", id="suffixes-stripped-in-turn"),
        pytest.param("بها", "بها", id="suffix-needs-2-letters-left"),
    ],
)
def test_arabic_stemmer_rule(word, stem):
    assert document_terms("ar", word) == [stem]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        pytest.param("عربية", "عرب", id="suffix-iyya-with-teh-marbuta"),
        pytest.param("فقهية", "فق", id="suffix-iyya-before-heh"),
        pytest.param("مدرسة", "مدرس", id="suffix-teh-marbuta"),
    ],
)
def test_arabic_stemmer_teh_marbuta_suffixes_on_unnormalised_words(word, stem):
    # The analysis normalises teh marbuta to heh before stemming; the stemmer's own rules still hold.
    assert arabic.stem(word) == stem


# One test per rule of Lucene's PersianNormalizer (which runs after ArabicNormalizer), and ZWNJ.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ایران", "ايران", id="farsi-yeh-to-yeh"),
        pytest.param("ایرانے", "ايراني", id="yeh-barree-to-yeh"),
        pytest.param("کشور", "كشور", id="keheh-to-kaf"),
        pytest.param("خانۀ", "خانه", id="heh-yeh-to-heh"),
        pytest.param("خانۂ", "خانه", id="heh-goal-with-hamza-to-heh"),
        pytest.param("خانہ\u0654", "خانه", id="heh-goal-and-combining-hamza-to-heh"),
        pytest.param("ہمہ", "همه", id="heh-goal-to-heh"),
        pytest.param("خانهٔ", "خانه", id="hamza-above-removed"),
        pytest.param("آمریکا", "امريكا", id="arabic-normalizer-runs-first"),
        pytest.param(f"می{ZWNJ}خواهم", "ميخواهم", id="zwnj-joined"),
    ],
)
def test_persian_normalizer_rule(text, expected):
    assert normalize("fa", text) == expected


# One test per rule of Lucene's PersianStemmer (suffixes in the normalised letters).
@pytest.mark.parametrize(
    ("word", "stem"),
    [
        pytest.param("انتخابات", "انتخاب", id="suffix-at"),
        pytest.param("دانشجویان", "دانشجو", id="suffix-an-then-yeh"),
        pytest.param("بزرگترین", "بزرگ", id="suffix-tarin"),
        pytest.param("بزرگتر", "بزرگ", id="suffix-tar"),
        pytest.param("دانشجویی", "دانشجو", id="suffix-double-yeh"),
        pytest.param("ایرانی", "ايران", id="suffix-yeh"),
        pytest.param("کتابها", "كتاب", id="suffix-ha"),
        pytest.param("کتابهای", "كتاب", id="suffixes-stripped-in-turn"),
        pytest.param("ران", "ران", id="suffix-needs-2-letters-left"),
    ],
)
def test_persian_stemmer_rule(word, stem):
    assert document_terms("fa", word) == [stem]


def test_persian_zwnj_word_is_indexed_joined_and_as_its_parts():
    assert document_terms("fa", f"نخست{ZWNJ}وزیر") == ["نخستوزير", "نخست", "وزير"]


def test_persian_query_uses_the_joined_form_only():
    assert query_terms("fa", f"نخست{ZWNJ}وزیر ") == [QueryTerm("نخستوزير", prefix=False, stem="نخستوزير")]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        pytest.param("ckb", "٠١٢٣٤٥٦٧٨٩", "0123456789", id="arabic-indic-in-sorani"),
        pytest.param("ar", "٢٠٢٤", "2024", id="arabic-indic-in-arabic"),
        pytest.param("fa", "۰۱۲۳۴۵۶۷۸۹", "0123456789", id="extended-arabic-indic-in-persian"),
        pytest.param("ckb", "۲۰۲۴", "2024", id="extended-arabic-indic-in-sorani"),
        pytest.param("en", "२०२४", "2024", id="devanagari-in-english"),
        pytest.param("tr", "২০২৪", "2024", id="bengali-in-turkish"),
        pytest.param("kmr", "٢٠٢٤", "2024", id="arabic-indic-in-kurmanji"),
        pytest.param("xx", "۲۰۲۴", "2024", id="any-language"),
    ],
)
def test_digits_of_every_script_fold_to_ascii(lang, text, expected):
    assert normalize(lang, text) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        pytest.param("en", "Straße", "strasse", id="full-case-folding"),
        pytest.param("en", "Crème Brûlée", "creme brulee", id="diacritics-stripped"),
        pytest.param("en", "ﬁnance", "finance", id="ligature-decomposed"),
        pytest.param("en", "ＣＯＶＩＤ", "covid", id="full-width-folded"),
        pytest.param("tr", "IŞIK", "isik", id="turkish-dotless-capital"),
        pytest.param("tr", "İzmir", "izmir", id="turkish-dotted-capital"),
        pytest.param("en", "İzmir", "izmir", id="dotted-capital-outside-turkish"),
        pytest.param("de", "Ærø Łódź", "aero lodz", id="letters-without-decomposition-folded"),
        pytest.param("kmr", "Kurdîstanê Çûyîn Şêx", "kurdistane cuyin sex", id="kurmanji-letters-folded"),
        pytest.param("kmr", "Zürich", "zürich", id="kurmanji-keeps-other-diacritics"),
    ],
)
def test_latin_script_folding(lang, text, expected):
    assert normalize(lang, text) == expected


@pytest.mark.parametrize(
    ("upper", "lower"),
    [
        pytest.param("CUMHURBAŞKANI", "cumhurbaşkanı", id="capital-i-is-dotless"),
        pytest.param("İLÇESİNDE", "ilçesinde", id="capital-dotted-i-is-plain-i"),
    ],
)
def test_turkish_capitals_stem_as_their_turkish_lower_case(upper, lower):
    assert document_terms("tr", upper) == document_terms("tr", lower)
    assert document_terms("tr", upper) != document_terms("en", upper)


def test_english_terms_are_snowball_stems_with_stopwords_kept():
    assert document_terms("en", "The elections were running") == ["the", "elect", "were", "run"]


def test_kurmanji_is_not_stemmed():
    assert document_terms("kmr", "Gundên Kurdistanê") == ["gunden", "kurdistane"]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        pytest.param("en", "hello,world!foo-bar", "hello world foo bar", id="punctuation-separates"),
        pytest.param("en", "foo_bar", "foo bar", id="underscore-separates"),
        pytest.param("en", "a\x00b", "a b", id="nul-separates"),
        pytest.param("ckb", "کورد\u200bستان", "کورد ستان", id="zero-width-space-separates"),
        pytest.param("ar", "مَدْرَسَةٌ", "مدرسه", id="harakat-do-not-split-a-word"),
        pytest.param("ckb", f"هه{ZWNJ}ولێر", "هەولێر", id="zwnj-stays-until-the-normaliser"),
        pytest.param("ckb", "ـ \u200c", "", id="tokens-left-empty-are-dropped"),
        pytest.param("ckb", "«هەولێر»، (2024)", "هەولێر 2024", id="kurdish-punctuation-separates"),
    ],
)
def test_tokenisation(lang, text, expected):
    assert normalize(lang, text) == expected


def test_last_word_is_an_unstemmed_prefix_term():
    assert query_terms("ckb", "بوومەلەرزە کوردستان") == [
        QueryTerm("بوومەلەرز", prefix=False, stem="بوومەلەرز"),
        QueryTerm("کوردستان", prefix=True, stem="کوردس"),
    ]


@pytest.mark.parametrize("query", ["china elections ", "china elections\n", "china elections."])
def test_query_ending_after_its_last_word_has_no_prefix_term(query):
    assert query_terms("en", query) == [
        QueryTerm("china", prefix=False, stem="china"),
        QueryTerm("elect", prefix=False, stem="elect"),
    ]


def test_query_ending_in_a_token_with_nothing_left_has_no_prefix_term():
    assert query_terms("ckb", "کوردستان ـ") == [QueryTerm("کوردس", prefix=False, stem="کوردس")]


def test_words_before_the_last_must_be_whole_terms():
    assert not matches("en", "China wins the cup", "chin cup")
    assert matches("en", "China wins the cup", "china cup")


def test_every_word_of_the_query_must_be_in_the_document():
    assert not matches("ckb", "بوومەلەرزە لە هەولێر", "بوومەلەرزە سلێمانی")
    assert matches("ckb", "بوومەلەرزە لە هەولێر", "بوومەلەرزە هەولێر")


def test_complete_last_word_finds_another_inflection_through_its_stem():
    assert matches("ckb", "بوومەلەرزەکە", "بوومەلەرزەکان")
    assert not any(word.startswith("بوومەلەرزەکان") for word in document_prefix_words("ckb", "بوومەلەرزەکە"))


def test_prefix_words_are_the_normalised_words_and_their_stems():
    assert document_prefix_words("ar", "والكتاب الكتاب") == ["والكتاب", "كتاب", "الكتاب"]


@pytest.mark.parametrize("code", ["ckb-IQ", "CKB", "ckb_IQ", "ckb-Arab-IQ"])
def test_region_and_script_subtags_use_the_base_language(code):
    assert document_terms(code, f"هه{ZWNJ}ولێردا") == ["هەولێر"]


def test_unknown_language_gets_the_default_path():
    assert document_terms("de", "Häuser ٢٠٢٤") == ["hauser", "2024"]


@pytest.mark.parametrize("lang", ["ckb", "ar", "fa", "en", "tr", "kmr", "xx"])
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("   \n\t", id="whitespace"),
        pytest.param("«»!?.,،؛؟ - — …", id="only-punctuation"),
        pytest.param("\x00\x00", id="only-nul"),
        pytest.param("a\x00b\x00", id="nul-inside"),
        pytest.param("\ud800 broken", id="lone-surrogate"),
    ],
)
def test_odd_input_does_not_raise(lang, text):
    normalize(lang, text)
    document_terms(lang, text)
    document_prefix_words(lang, text)
    query_terms(lang, text)
    matches(lang, text, text)


@pytest.mark.parametrize("lang", ["ckb", "ar", "fa", "en", "tr"])
@pytest.mark.parametrize("text", ["", "   ", "!!! ؟؟؟"])
def test_query_without_words_has_no_terms_and_matches_nothing(lang, text):
    assert query_terms(lang, text) == []
    assert not matches(lang, "هەولێر China ٢٠٢٤", text)


def test_mixed_scripts_are_analysed_together():
    text = "کۆرۆنا COVID-19 لە ٢٠٢٠ دا بڵاوبووەوە"
    assert document_terms("ckb", text) == ["کۆرۆن", "covid", "19", "لە", "2020", "دا", "بڵاوبوو"]
    assert matches("ckb", text, "covid 2020 کۆرۆن")


@pytest.mark.parametrize("lang", ["ckb", "ar", "fa", "en", "tr", "kmr"])
def test_very_long_input_finishes_and_returns_terms(lang):
    text = ("هه\u200cولێر كوردستان ٢٠٢٤، China elections İstanbul!\x00 " * 2000)[:100_000]
    started = time.monotonic()
    terms = document_terms(lang, text)
    assert matches(lang, text, "2024 chin")
    assert len(terms) > 10_000
    assert time.monotonic() - started < 30


def test_highlight_finds_the_words_split_words_finds_in_every_script():
    """The highlight's word finder takes whole space-separated pieces of letters or digits as they stand;
    it must find exactly the words the per-character rule (split_words) finds, whatever the script."""
    in_erbil, school = "هەولێر\u200cدا", "مَدْرَسَة"  # a ZWNJ inside a Sorani word; Arabic with harakat (marks)
    pieces = ["The", "building,", "G7", "12", "x²", "a\u200bb", in_erbil, school, "١٢", "e’f", "3.14"]
    rng = random.Random(9)
    texts = [" ".join(pieces)] + [" ".join(rng.choices(pieces, k=rng.randint(0, 12))) for _ in range(2000)]

    for text in texts:
        assert list(_word_spans(text)) == _char_spans(text), text
        assert [text[start:end] for start, end in _word_spans(text)] == split_words(text)


def test_the_highlight_stops_reading_a_text_only_past_what_its_snippet_can_show():
    """Once every term is found, words more than a snippet's length past the first match are not read: the
    snippet is the one a scan of the whole text gives, wherever and however often the terms occur."""
    rng = random.Random(11)
    filler = ["the", "council", "said", "on", "Monday", "that", "roads", "near", "Erbil", "were", "closed."]
    for query in ("building", "building collapse", "build"):
        terms = parse("en", query)
        for _ in range(300):
            words = rng.choices(filler, k=rng.randint(0, 120))
            for term in rng.choices(["building", "buildings", "collapse", "collapsed"], k=rng.randint(0, 4)):
                words.insert(rng.randint(0, len(words)), term)
            text = " ".join(words)
            marked = [span for span in _char_spans(text) if _terms_matched("en", text[span[0] : span[1]], terms)]
            whole = _snippet(text, marked, 160) if marked else _snippet(text, [], 160)

            assert highlight("en", terms, [text]) == (whole if text else ""), (query, text)
