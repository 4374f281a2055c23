# ruff: noqa: RUF001  (Kurdish, Arabic and Turkish text: their letters, digits and dashes are meant)
"""The demo content ``manage.py seed_demo`` loads: sections, tags, authors and stories.

Every story is fictional and was written for Newsline; people quoted by name are
invented. Most stories exist in English, Sorani Kurdish and Arabic and share a
translation group; a few are English only and show the editorial states (draft,
in review, scheduled, withdrawn).
"""

from dataclasses import dataclass, field
from html import escape

LANGUAGES = ("en", "ckb", "ar")


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    names: dict[str, str]  # edition code -> name in that language
    colours: tuple[str, str]  # dark and light, for the generated hero images
    auto_alert: bool = False


SECTIONS = [
    SectionSpec(
        "world",
        {"en": "World", "ckb": "جیهان", "ar": "العالم", "kmr": "Cîhan", "fa": "جهان", "tr": "Dünya"},
        ("#12355b", "#7fb3e6"),
        auto_alert=True,
    ),
    SectionSpec(
        "kurdistan",
        {"en": "Kurdistan", "ckb": "کوردستان", "ar": "كردستان", "kmr": "Kurdistan", "fa": "کردستان", "tr": "Kürdistan"},
        ("#8e1b1b", "#f6c945"),
    ),
    SectionSpec(
        "iraq",
        {"en": "Iraq", "ckb": "عێراق", "ar": "العراق", "kmr": "Iraq", "fa": "عراق", "tr": "Irak"},
        ("#1e5631", "#a4de02"),
    ),
    SectionSpec(
        "economy",
        {"en": "Economy", "ckb": "ئابووری", "ar": "الاقتصاد", "kmr": "Aborî", "fa": "اقتصاد", "tr": "Ekonomi"},
        ("#5c4003", "#f0b429"),
    ),
    SectionSpec(
        "sports",
        {"en": "Sports", "ckb": "وەرزش", "ar": "الرياضة", "kmr": "Werzîş", "fa": "ورزش", "tr": "Spor"},
        ("#0b5345", "#48c9b0"),
    ),
    SectionSpec(
        "culture",
        {"en": "Culture", "ckb": "کولتوور", "ar": "الثقافة", "kmr": "Çand", "fa": "فرهنگ", "tr": "Kültür"},
        ("#4a235a", "#c39bd3"),
    ),
    SectionSpec(
        "health",
        {"en": "Health", "ckb": "تەندروستی", "ar": "الصحة", "kmr": "Tenduristî", "fa": "سلامت", "tr": "Sağlık"},
        ("#7b241c", "#f5b7b1"),
    ),
    SectionSpec(
        "technology",
        {
            "en": "Technology",
            "ckb": "تەکنەلۆژیا",
            "ar": "التكنولوجيا",
            "kmr": "Teknolojî",
            "fa": "فناوری",
            "tr": "Teknoloji",
        },
        ("#1b2631", "#5dade2"),
    ),
]

# Tag key -> name per edition. Slugs are made from the names (unicode slugs for ckb and ar).
TAGS: dict[str, dict[str, str]] = {
    "turkey": {"en": "Turkey", "ckb": "تورکیا", "ar": "تركيا"},
    "earthquake": {"en": "Earthquake", "ckb": "بوومەلەرزە", "ar": "زلزال"},
    "climate": {"en": "Climate", "ckb": "کەشوهەوا", "ar": "المناخ"},
    "water": {"en": "Water", "ckb": "ئاو", "ar": "المياه"},
    "china": {"en": "China", "ckb": "چین", "ar": "الصين"},
    "russia": {"en": "Russia", "ckb": "ڕووسیا", "ar": "روسيا"},
    "trade": {"en": "Trade", "ckb": "بازرگانی", "ar": "التجارة"},
    "erbil": {"en": "Erbil", "ckb": "هەولێر", "ar": "أربيل"},
    "sulaimani": {"en": "Sulaimani", "ckb": "سلێمانی", "ar": "السليمانية"},
    "duhok": {"en": "Duhok", "ckb": "دهۆک", "ar": "دهوك"},
    "baghdad": {"en": "Baghdad", "ckb": "بەغدا", "ar": "بغداد"},
    "transport": {"en": "Transport", "ckb": "گواستنەوە", "ar": "النقل"},
    "energy": {"en": "Energy", "ckb": "وزە", "ar": "الطاقة"},
    "electricity": {"en": "Electricity", "ckb": "کارەبا", "ar": "الكهرباء"},
    "agriculture": {"en": "Agriculture", "ckb": "کشتوکاڵ", "ar": "الزراعة"},
    "travel": {"en": "Travel", "ckb": "گەشت", "ar": "السفر"},
    "elections": {"en": "Elections", "ckb": "هەڵبژاردن", "ar": "الانتخابات"},
    "oil": {"en": "Oil", "ckb": "نەوت", "ar": "النفط"},
    "currency": {"en": "Currency", "ckb": "دراو", "ar": "العملة"},
    "football": {"en": "Football", "ckb": "تۆپی پێ", "ar": "كرة القدم"},
    "volleyball": {"en": "Volleyball", "ckb": "تۆپی بالە", "ar": "الكرة الطائرة"},
    "running": {"en": "Running", "ckb": "ڕاکردن", "ar": "الجري"},
    "books": {"en": "Books", "ckb": "کتێب", "ar": "الكتب"},
    "heritage": {"en": "Heritage", "ckb": "کەلەپوور", "ar": "التراث"},
    "vaccines": {"en": "Vaccines", "ckb": "ڤاکسین", "ar": "اللقاحات"},
    "children": {"en": "Children", "ckb": "منداڵان", "ar": "الأطفال"},
    "ai": {"en": "AI", "ckb": "زیرەکیی دەستکرد", "ar": "الذكاء الاصطناعي"},
    "kurdish-language": {"en": "Kurdish language", "ckb": "زمانی کوردی", "ar": "اللغة الكردية"},
    "hospitals": {"en": "Hospitals"},
    "internet": {"en": "Internet"},
    "startups": {"en": "Startups"},
    "film": {"en": "Film"},
}

# Source lines ("credit" on a card), per edition.
CREDITS: dict[str, dict[str, str]] = {
    "reuters": {"en": "Reuters", "ckb": "ڕۆیتەرز", "ar": "رويترز"},
    "afp": {"en": "AFP", "ckb": "ئاژانسی فرانس پرێس", "ar": "فرانس برس"},
    "newsline": {"en": "Newsline", "ckb": "نیوزلاین", "ar": "نيوزلاين"},
}

# Staff writers per edition: slug -> byline. Articles take them in turn.
AUTHORS: dict[str, dict[str, str]] = {
    "en": {"sara-ahmed": "Sara Ahmed", "daniel-brooks": "Daniel Brooks", "lana-aziz": "Lana Aziz"},
    "ckb": {"aras-muhammad": "ئاراس محەمەد", "shno-ali": "شنۆ عەلی", "karwan-osman": "کاروان عوسمان"},
    "ar": {"nadia-al-saadi": "نادية الساعدي", "karim-al-jubouri": "كريم الجبوري", "huda-al-rawi": "هدى الراوي"},
}

# The hero pictures are generated shapes, and their texts say so.
IMAGE_CREDIT = {"en": "Newsline graphics", "ckb": "گرافیکی نیوزلاین", "ar": "غرافيك نيوزلاين"}
IMAGE_ALT = {
    "en": "Abstract illustration: soft circles and bands of colour over a gradient",
    "ckb": "وێنەیەکی ئەبستراکت: بازنە و هێڵی ڕەنگاوڕەنگ لەسەر باکگراوندێکی تێکەڵەڕەنگ",
    "ar": "رسم تجريدي: دوائر وشرائط ملونة فوق خلفية متدرجة",
}
NEXT_HEADING = {"en": "What comes next", "ckb": "هەنگاوی داهاتوو", "ar": "ما الخطوة التالية"}
CLOSING = {
    "en": "Newsline will update this story as more details become available.",
    "ckb": "نیوزلاین ئەم هەواڵە نوێ دەکاتەوە کاتێک زانیاریی زیاتر بەردەست بێت.",
    "ar": "ستُحدِّث نيوزلاين هذا الخبر فور توفر مزيد من التفاصيل.",
}

UNPUBLISH_REASON = "Capacity figures are being checked with the port authority."


@dataclass(frozen=True)
class StoryText:
    title: str
    summary: str
    caption: str
    lead: str
    detail: str
    quote: str
    outlook: str

    def body_html(self, language: str) -> str:
        """Lead, detail, a quote, what comes next: the shape of a short news story."""
        return (
            f"<p>{escape(self.lead)}</p>\n"
            f"<p>{escape(self.detail)}</p>\n"
            f"<blockquote><p>{escape(self.quote)}</p></blockquote>\n"
            f"<h2>{escape(NEXT_HEADING[language])}</h2>\n"
            f"<p>{escape(self.outlook)}</p>\n"
            f"<p>{escape(CLOSING[language])}</p>"
        )


@dataclass(frozen=True)
class Story:
    """One story in one or more editions. ``states`` names the editions where it is not simply published."""

    key: str
    section: str
    hours_ago: float
    tags: tuple[str, ...]
    credit: str
    texts: dict[str, StoryText]
    breaking: bool = False
    states: dict[str, str] = field(default_factory=dict)  # "draft", "in_review", "scheduled", "unpublished"


STORIES = [
    Story(
        key="world-turkey-earthquake",
        section="world",
        # Recent enough that publishing it sends the automatic alert, as a breaking story would.
        hours_ago=0.5,
        breaking=True,
        tags=("turkey", "earthquake"),
        credit="reuters",
        texts={
            "en": StoryText(
                title="Strong earthquake shakes eastern Turkey; no casualties reported so far",
                summary="A magnitude 5.9 quake struck near the city of Van, sending residents into the streets. "
                "Rescue teams are checking older buildings.",
                caption="Residents wait outside their homes after the quake near Van",
                lead="A strong earthquake has struck eastern Turkey, shaking buildings in the city of Van and in "
                "villages near the Iranian border. Officials said no deaths had been reported in the first hours.",
                detail="The disaster agency said the quake had a magnitude of 5.9 and a depth of about ten "
                "kilometres. Several old mud-brick houses collapsed in rural areas, and at least a dozen people "
                "were treated for minor injuries.",
                quote="“We felt two strong jolts and everyone ran outside. The children are scared, but our "
                "neighbourhood is safe,” said Ayşe, a teacher in Van.",
                outlook="Engineers are inspecting schools and hospitals before they reopen. Aftershocks are expected "
                "over the coming days, and residents have been asked to stay away from damaged buildings.",
            ),
            "ckb": StoryText(
                title="بوومەلەرزەیەکی بەهێز ڕۆژهەڵاتی تورکیای هەژاند، تا ئێستا هیچ قوربانییەک تۆمار نەکراوە",
                summary="بوومەلەرزەیەک بە گوڕی ٥.٩ پلە لە نزیک شاری وان ڕوویدا و دانیشتووان ڕژانە سەر شەقامەکان. "
                "تیمەکانی ڕزگارکردن بینا کۆنەکان دەپشکنن.",
                caption="دانیشتووان دوای بوومەلەرزەکە لە دەرەوەی ماڵەکانیان لە نزیک وان چاوەڕێ دەکەن",
                lead="بوومەلەرزەیەکی بەهێز ڕۆژهەڵاتی تورکیای هەژاند و بیناکانی شاری وان و گوندەکانی نزیک سنووری "
                "ئێرانی لەرزاند. بەرپرسان ڕایانگەیاند لە یەکەم کاتژمێرەکاندا هیچ کەسێک گیانی لەدەست نەداوە.",
                detail="دەزگای بەڕێوەبردنی کارەسات ڕایگەیاند گوڕی بوومەلەرزەکە ٥.٩ پلە و قووڵاییەکەی نزیکەی دە "
                "کیلۆمەتر بووە. چەند خانوویەکی کۆنی قوڕ لە ناوچە گوندنشینەکان ڕووخان و لانیکەم دوانزە کەس بە "
                "برینی سووک چارەسەر کران.",
                quote="«دوو لەرزینی بەهێزمان هەست پێکرد و هەمووان ڕایانکردە دەرەوە. منداڵەکان ترساون، بەڵام "
                "گەڕەکەکەمان سەلامەتە»، ئایشە، مامۆستایەک لە وان، وای گوت.",
                outlook="ئەندازیاران قوتابخانە و نەخۆشخانەکان دەپشکنن پێش ئەوەی دووبارە بکرێنەوە. چاوەڕێ دەکرێت "
                "لە ڕۆژانی داهاتوودا لەرزەی دواتر ڕووبدەن و داوا لە دانیشتووان کراوە لە بینا زیانپێگەیشتووەکان "
                "دوور بکەونەوە.",
            ),
            "ar": StoryText(
                title="زلزال قوي يهز شرق تركيا ولا أنباء عن ضحايا حتى الآن",
                summary="ضرب زلزال بقوة 5.9 درجات قرب مدينة وان، ما دفع السكان إلى الخروج إلى الشوارع، فيما تتفقد "
                "فرق الإنقاذ المباني القديمة.",
                caption="سكان ينتظرون خارج منازلهم بعد الزلزال قرب مدينة وان",
                lead="ضرب زلزال قوي شرق تركيا، فاهتزت المباني في مدينة وان وفي القرى القريبة من الحدود الإيرانية. "
                "وقال مسؤولون إنه لم تُسجَّل أي وفيات في الساعات الأولى.",
                detail="وذكرت هيئة إدارة الكوارث أن قوة الزلزال بلغت 5.9 درجات على عمق نحو عشرة كيلومترات. وانهارت "
                "عدة منازل قديمة مبنية من الطين في المناطق الريفية، وتلقى ما لا يقل عن اثني عشر شخصاً العلاج من "
                "إصابات طفيفة.",
                quote="«شعرنا بهزتين قويتين وخرج الجميع مسرعين. الأطفال خائفون، لكن حيّنا بخير»، قالت عائشة، وهي "
                "معلمة في وان.",
                outlook="ويفحص المهندسون المدارس والمستشفيات قبل إعادة فتحها. ويُتوقع حدوث هزات ارتدادية خلال "
                "الأيام المقبلة، وطُلب من السكان الابتعاد عن المباني المتضررة.",
            ),
        },
    ),
    Story(
        key="world-climate-talks-rivers",
        section="world",
        hours_ago=30,
        tags=("climate", "water"),
        credit="afp",
        texts={
            "en": StoryText(
                title="Climate talks put shared rivers on the agenda for the first time",
                summary="Delegates from countries along the Tigris and Euphrates will meet in a working group on "
                "water sharing, as summers grow hotter and river levels fall.",
                caption="Low water exposes the banks of the Tigris",
                lead="Countries that share the Tigris and Euphrates rivers have agreed to set up a working group on "
                "water, the first time the subject has been given its own place at a regional climate meeting.",
                detail="Delegates said river flows had dropped sharply over the past decade as summers grew hotter "
                "and rainfall became less reliable. Farmers downstream have left fields unplanted, and several "
                "towns now depend on water trucks in August.",
                quote="“Rivers do not stop at borders, and neither can our planning. This group is a small step, but "
                "it is the right one,” said a member of the Iraqi delegation.",
                outlook="The working group is due to meet within three months and report back with proposals on data "
                "sharing, dam releases in dry years and joint irrigation projects.",
            ),
            "ckb": StoryText(
                title="وتووێژەکانی کەشوهەوا بۆ یەکەمجار ڕووبارە هاوبەشەکان دەخەنە سەر مێز",
                summary="نوێنەرانی ئەو وڵاتانەی دیجلە و فورات پێیاندا تێدەپەڕن لە گرووپێکی کاردا لەسەر دابەشکردنی "
                "ئاو کۆدەبنەوە، لە کاتێکدا هاوینەکان گەرمتر دەبن و ئاستی ڕووبارەکان دادەبەزێت.",
                caption="کەمیی ئاو کەنارەکانی ڕووباری دیجلەی دەرخستووە",
                lead="ئەو وڵاتانەی ڕووبارەکانی دیجلە و فورات بەشدارن، ڕێککەوتن گرووپێکی کار بۆ ئاو پێکبهێنن. ئەمە "
                "یەکەمجارە ئەم بابەتە جێگەی تایبەتی خۆی لە کۆبوونەوەیەکی هەرێمیی کەشوهەوادا هەبێت.",
                detail="نوێنەران ڕایانگەیاند لە دە ساڵی ڕابردوودا ئاوی ڕووبارەکان بە شێوەیەکی بەرچاو کەمی کردووە، "
                "چونکە هاوینەکان گەرمتر بوون و بارانیش کەمتر و ناڕێکتر. جووتیارانی خوارووی ڕووبار کێڵگەکانیان "
                "نەچاندووە و چەند شارۆچکەیەک لە مانگی ئابدا پشت بە تانکەری ئاو دەبەستن.",
                quote="«ڕووبارەکان لە سنووردا ناوەستن، پلاندانانی ئێمەش نابێت بوەستێت. ئەم گرووپە هەنگاوێکی "
                "بچووکە، بەڵام هەنگاوێکی دروستە»، ئەندامێکی شاندی عێراق وای گوت.",
                outlook="بڕیارە گرووپی کارەکە لە ماوەی سێ مانگدا کۆببێتەوە و پێشنیاز لەسەر ئاڵوگۆڕی زانیاری، "
                "بەردانی ئاوی بەنداوەکان لە ساڵانی وشکەساڵیدا و پرۆژەی هاوبەشی ئاودێری بخاتەڕوو.",
            ),
            "ar": StoryText(
                title="محادثات المناخ تضع الأنهار المشتركة على جدول الأعمال للمرة الأولى",
                summary="يلتقي مندوبو الدول الواقعة على نهري دجلة والفرات في فريق عمل معني بتقاسم المياه، مع ارتفاع "
                "حرارة الصيف وتراجع منسوب الأنهار.",
                caption="انخفاض المياه يكشف ضفاف نهر دجلة",
                lead="اتفقت الدول المتشاطئة على نهري دجلة والفرات على تشكيل فريق عمل خاص بالمياه، في أول مرة "
                "يُخصَّص فيها لهذا الملف بند مستقل في اجتماع إقليمي بشأن المناخ.",
                detail="وقال المندوبون إن تدفق الأنهار تراجع بشدة خلال العقد الماضي مع ازدياد حرارة الصيف وتذبذب "
                "الأمطار. وترك مزارعون في مناطق المصب حقولهم دون زراعة، وباتت عدة بلدات تعتمد على صهاريج المياه "
                "في شهر آب.",
                quote="«الأنهار لا تتوقف عند الحدود، وكذلك يجب ألا يتوقف تخطيطنا. هذا الفريق خطوة صغيرة، لكنها "
                "الخطوة الصحيحة»، قال عضو في الوفد العراقي.",
                outlook="ومن المقرر أن يجتمع فريق العمل خلال ثلاثة أشهر، وأن يقدّم مقترحات بشأن تبادل البيانات، "
                "وإطلاقات السدود في سنوات الجفاف، ومشاريع الري المشتركة.",
            ),
        },
    ),
    Story(
        key="world-china-russia-freight",
        section="world",
        hours_ago=50,
        tags=("china", "russia", "trade"),
        credit="reuters",
        texts={
            "en": StoryText(
                title="China and Russia agree to run more freight trains across their border",
                summary="The two neighbours plan to add weekly cargo services and speed up customs checks, as trade "
                "between them keeps growing.",
                caption="Containers wait at a rail freight terminal",
                lead="China and Russia have agreed to increase the number of freight trains crossing their shared "
                "border, adding new weekly services for machinery, food and consumer goods.",
                detail="Under the plan, customs officers on both sides will share electronic paperwork so that trains "
                "spend hours rather than days at border stations. Railway officials said the busiest crossings "
                "were already working close to capacity.",
                quote="“Every hour a train waits at the border costs money. Faster checks will matter more to traders "
                "than any new line,” said Lin Wei, a logistics analyst in Shanghai.",
                outlook="The first additional services are expected to start next month. Analysts will watch whether "
                "the promised customs changes arrive on time, as earlier agreements were slow to take effect.",
            ),
            "ckb": StoryText(
                title="چین و ڕووسیا ڕێککەوتن شەمەندەفەری بارهەڵگری زیاتر بە سنووری هاوبەشیاندا تێپەڕێنن",
                summary="هەردوو دراوسێ پلانیان هەیە خزمەتگوزاریی هەفتانەی بار زیاد بکەن و پشکنینی گومرگی خێراتر "
                "بکەن، لە کاتێکدا بازرگانیی نێوانیان بەردەوام گەشە دەکات.",
                caption="کۆنتەینەرەکان لە وێستگەیەکی باری شەمەندەفەر چاوەڕێ دەکەن",
                lead="چین و ڕووسیا ڕێککەوتن ژمارەی ئەو شەمەندەفەرە بارهەڵگرانەی بە سنووری هاوبەشیاندا تێدەپەڕن "
                "زیاد بکەن و خزمەتگوزاریی هەفتانەی نوێ بۆ ئامێر، خۆراک و کاڵای بەکاربردن دابنێن.",
                detail="بەپێی پلانەکە، فەرمانبەرانی گومرگی هەردوو لا بەڵگەنامە ئەلیکترۆنییەکان ئاڵوگۆڕ دەکەن بۆ "
                "ئەوەی شەمەندەفەرەکان لە جیاتی چەند ڕۆژێک تەنها چەند کاتژمێرێک لە وێستگە سنوورییەکاندا بمێننەوە. "
                "بەرپرسانی هێڵی ئاسن گوتیان قەرەباڵغترین خاڵە سنوورییەکان ئێستا نزیک لە توانای تەواوی خۆیان "
                "کار دەکەن.",
                quote="«هەر کاتژمێرێک شەمەندەفەرێک لە سنوور چاوەڕێ بکات پارەی تێدەچێت. پشکنینی خێراتر بۆ "
                "بازرگانان لە هەر هێڵێکی نوێ گرنگترە»، لین وەی، شیکارێکی گواستنەوە لە شانگهای، وای گوت.",
                outlook="چاوەڕێ دەکرێت یەکەم خزمەتگوزارییە زیادەکان مانگی داهاتوو دەستپێبکەن. شیکاران چاودێری "
                "دەکەن ئایا گۆڕانکارییە گومرگییە بەڵێندراوەکان لە کاتی خۆیدا جێبەجێ دەکرێن، چونکە ڕێککەوتنەکانی "
                "پێشوو بە هێواشی جێبەجێ کران.",
            ),
            "ar": StoryText(
                title="الصين وروسيا تتفقان على تسيير مزيد من قطارات الشحن عبر حدودهما",
                summary="يعتزم البلدان الجاران إضافة رحلات شحن أسبوعية وتسريع إجراءات الجمارك، في ظل استمرار نمو "
                "التجارة بينهما.",
                caption="حاويات تنتظر في محطة لشحن البضائع بالقطارات",
                lead="اتفقت الصين وروسيا على زيادة عدد قطارات الشحن التي تعبر حدودهما المشتركة، مع إضافة رحلات "
                "أسبوعية جديدة لنقل الآلات والأغذية والسلع الاستهلاكية.",
                detail="وبموجب الخطة، سيتبادل موظفو الجمارك في الجانبين المستندات إلكترونياً حتى تقضي القطارات "
                "ساعات بدلاً من أيام في المحطات الحدودية. وقال مسؤولون في السكك الحديدية إن أكثر المعابر ازدحاماً "
                "تعمل بالفعل بطاقتها القصوى تقريباً.",
                quote="«كل ساعة ينتظرها القطار عند الحدود تكلّف مالاً. تسريع التفتيش أهم للتجار من أي خط جديد»، "
                "قال لين وي، المحلل في قطاع النقل في شنغهاي.",
                outlook="ومن المتوقع أن تبدأ أولى الرحلات الإضافية الشهر المقبل. وسيراقب المحللون ما إذا كانت "
                "التغييرات الجمركية الموعودة ستُطبَّق في موعدها، إذ تأخر تنفيذ اتفاقات سابقة.",
            ),
        },
    ),
    Story(
        key="kurdistan-erbil-electric-buses",
        section="kurdistan",
        hours_ago=5,
        tags=("erbil", "transport", "energy"),
        credit="newsline",
        texts={
            "en": StoryText(
                title="Erbil to put its first electric city buses on the road",
                summary="Twenty battery buses will serve two busy routes from the citadel to the university district, "
                "with fares unchanged.",
                caption="A new electric bus on a test drive near Erbil citadel",
                lead="Erbil's city council has approved a plan to run twenty electric buses on two of the city's "
                "busiest routes, linking the citadel with the university district and the new residential areas "
                "to the west.",
                detail="The buses will charge overnight at a depot fitted with solar panels, and fares will stay at "
                "the current price. Drivers have started training, and the first vehicles have been tested on the "
                "ring roads.",
                quote="“Families tell us the air in the centre is getting worse every winter. Quiet, clean buses are "
                "one answer we can deliver this year,” said Hawre Karim, who heads the council's transport committee.",
                outlook="If the routes prove popular, the council plans to replace older diesel minibuses step by "
                "step. Residents can send comments on timetables through the city's website until the end of the "
                "month.",
            ),
            "ckb": StoryText(
                title="هەولێر یەکەم پاسی کارەبایی ناو شار دەخاتە سەر ڕێگا",
                summary="بیست پاسی پاتریدار دوو هێڵی قەرەباڵغ لە قەڵاوە بۆ گەڕەکی زانکۆ دەبڕن و نرخی سواربوونیش "
                "ناگۆڕێت.",
                caption="پاسێکی کارەبایی نوێ لە کاتی تاقیکردنەوەدا لە نزیک قەڵای هەولێر",
                lead="ئەنجومەنی شاری هەولێر پلانێکی پەسەند کرد بۆ خستنەگەڕی بیست پاسی کارەبایی لەسەر دوو لە "
                "قەرەباڵغترین هێڵەکانی شار، کە قەڵا بە گەڕەکی زانکۆ و ناوچە نیشتەجێبوونە نوێیەکانی ڕۆژئاوا "
                "دەبەستنەوە.",
                detail="پاسەکان شەوان لە گەراجێکدا کە پانێڵی خۆری تێدا دانراوە بارگە دەکرێن و نرخی سواربوون وەک "
                "خۆی دەمێنێتەوە. شۆفێرەکان ڕاهێنانیان دەستپێکردووە و یەکەم پاسەکان لەسەر ڕێگا بازنەییەکان "
                "تاقیکراونەتەوە.",
                quote="«خێزانەکان پێمان دەڵێن هەوای ناوەندی شار هەموو زستانێک خراپتر دەبێت. پاسی بێدەنگ و پاک "
                "یەکێکە لەو وەڵامانەی دەتوانین ئەمساڵ جێبەجێی بکەین»، هاوڕێ کەریم، سەرۆکی لیژنەی گواستنەوەی "
                "ئەنجومەن، وای گوت.",
                outlook="ئەگەر هێڵەکان پێشوازییان لێ بکرێت، ئەنجومەن پلانی هەیە هەنگاو بە هەنگاو مینیپاسە کۆنە "
                "دیزڵییەکان بگۆڕێت. دانیشتووان تا کۆتایی مانگ دەتوانن لە ڕێگەی ماڵپەڕی شارەوە ڕاوبۆچوونیان لەسەر "
                "خشتەی کاتەکان بنێرن.",
            ),
            "ar": StoryText(
                title="أربيل تطلق أولى حافلاتها الكهربائية داخل المدينة",
                summary="ستخدم عشرون حافلة تعمل بالبطاريات خطّين مزدحمين من القلعة إلى حي الجامعة، دون تغيير في "
                "أجرة الركوب.",
                caption="حافلة كهربائية جديدة خلال تجربة قرب قلعة أربيل",
                lead="وافق مجلس مدينة أربيل على خطة لتشغيل عشرين حافلة كهربائية على اثنين من أكثر خطوط المدينة "
                "ازدحاماً، تربط القلعة بحي الجامعة والأحياء السكنية الجديدة في الغرب.",
                detail="وستُشحن الحافلات ليلاً في مرأب مزوّد بألواح شمسية، فيما تبقى أجرة الركوب على حالها. وبدأ "
                "السائقون تدريبهم، وجرى اختبار أولى الحافلات على الطرق الدائرية.",
                quote="«تقول لنا العائلات إن الهواء في وسط المدينة يزداد سوءاً كل شتاء. الحافلات الهادئة والنظيفة "
                "إحدى الإجابات التي يمكننا تقديمها هذا العام»، قال هاوري كريم، رئيس لجنة النقل في المجلس.",
                outlook="وإذا لقيت الخطوط إقبالاً، يعتزم المجلس استبدال الحافلات الصغيرة القديمة العاملة بالديزل "
                "تدريجياً. ويمكن للسكان إرسال ملاحظاتهم على جداول المواعيد عبر موقع المدينة حتى نهاية الشهر.",
            ),
        },
    ),
    Story(
        key="kurdistan-duhok-wheat-harvest",
        section="kurdistan",
        hours_ago=20,
        tags=("duhok", "agriculture", "water"),
        credit="newsline",
        texts={
            "en": StoryText(
                title="Duhok farmers expect a record wheat harvest after a wet spring",
                summary="Good rains and new seed varieties have lifted yields across the province, but farmers worry "
                "about storage and late payments.",
                caption="Wheat fields ripen on the plains outside Duhok",
                lead="Farmers in Duhok province are preparing for what officials say could be the largest wheat "
                "harvest in more than a decade, after steady rains through March and April filled reservoirs and "
                "soaked the fields.",
                detail="The agriculture directorate estimates the province will produce about 20 percent more wheat "
                "than last year. Many farmers planted drought-tolerant seed supplied by a university programme, and "
                "fewer fields needed pumped irrigation.",
                quote="“For three years we watched the sky and lost money. This year the wheat is up to my waist, but "
                "I still need to know when the silo will pay me,” said Nechirvan, a farmer near Semel.",
                outlook="The provincial government says it will open extra collection points and has asked Baghdad to "
                "release payments for last season's crop before the new harvest is delivered.",
            ),
            "ckb": StoryText(
                title="جووتیارانی دهۆک چاوەڕێی بەرهەمێکی بێوێنەی گەنم دەکەن دوای بەهارێکی باراناوی",
                summary="بارانی باش و جۆری نوێی تۆو بەرهەمیان لە سەرانسەری پارێزگاکەدا زیاد کردووە، بەڵام "
                "جووتیاران نیگەرانی کۆگا و دواکەوتنی پارەکانیانن.",
                caption="کێڵگەکانی گەنم لە دەشتەکانی دەوروبەری دهۆک پێدەگەن",
                lead="جووتیارانی پارێزگای دهۆک خۆیان بۆ ئەوە ئامادە دەکەن کە بەرپرسان دەڵێن لەوانەیە گەورەترین "
                "بەرهەمی گەنم بێت لە ماوەی زیاتر لە دە ساڵدا، دوای ئەوەی بارانی بەردەوامی مانگەکانی ئازار و نیسان "
                "بەنداوەکانی پڕکرد و کێڵگەکانی تێر ئاو کرد.",
                detail="بەڕێوەبەرایەتیی کشتوکاڵ خەمڵاندوویەتی کە پارێزگاکە نزیکەی ٢٠ لەسەدا گەنمی زیاتر لە پار "
                "بەرهەم دەهێنێت. زۆرێک لە جووتیاران ئەو تۆوە بەرگەگرەی وشکەساڵییان چاندووە کە بەرنامەیەکی زانکۆ "
                "دابینی کردبوو و کێڵگەی کەمتر پێویستی بە ئاودێری بە پەمپ هەبوو.",
                quote="«سێ ساڵ چاومان لە ئاسمان بوو و زەرەرمان کرد. ئەمساڵ گەنمەکە تا کەمەرم دەگات، بەڵام هێشتا "
                "دەمەوێت بزانم سایلۆکە کەی پارەم دەداتێ»، نێچیرڤان، جووتیارێک لە نزیک سێمێل، وای گوت.",
                outlook="حکومەتی پارێزگاکە دەڵێت خاڵی زیادەی وەرگرتن دەکاتەوە و داوای لە بەغدا کردووە پارەی "
                "بەرهەمی وەرزی ڕابردوو پێش ڕادەستکردنی بەرهەمی نوێ خەرج بکات.",
            ),
            "ar": StoryText(
                title="مزارعو دهوك يتوقعون محصول قمح قياسياً بعد ربيع ماطر",
                summary="رفعت الأمطار الجيدة وأصناف البذور الجديدة الإنتاجية في أنحاء المحافظة، لكن المزارعين "
                "قلقون بشأن التخزين وتأخر المستحقات.",
                caption="حقول القمح تنضج في السهول المحيطة بدهوك",
                lead="يستعد المزارعون في محافظة دهوك لما يقول المسؤولون إنه قد يكون أكبر محصول قمح منذ أكثر من "
                "عقد، بعد أن ملأت الأمطار المنتظمة في آذار ونيسان الخزانات وروت الحقول.",
                detail="وتقدّر مديرية الزراعة أن تنتج المحافظة نحو 20 في المئة من القمح أكثر من العام الماضي. "
                "وزرع كثير من المزارعين بذوراً مقاومة للجفاف وفّرها برنامج جامعي، واحتاجت حقول أقل إلى الري "
                "بالمضخات.",
                quote="«ثلاث سنوات ونحن نراقب السماء ونخسر المال. هذا العام وصل القمح إلى خصري، لكنني ما زلت أريد "
                "أن أعرف متى سيدفع لي السايلو»، قال نيجيرفان، وهو مزارع قرب سميل.",
                outlook="وتقول حكومة المحافظة إنها ستفتح نقاط استلام إضافية، وقد طلبت من بغداد صرف مستحقات محصول "
                "الموسم الماضي قبل تسليم المحصول الجديد.",
            ),
        },
    ),
    Story(
        key="kurdistan-power-supply-20-hours",
        section="kurdistan",
        hours_ago=3,
        breaking=True,
        tags=("electricity", "energy", "erbil"),
        credit="newsline",
        texts={
            "en": StoryText(
                title="Kurdistan Region raises daily power supply to 20 hours",
                summary="The electricity ministry says new gas supplies and repaired lines allow longer hours of grid "
                "power in Erbil, Sulaimani and Duhok starting today.",
                caption="Power lines run across the hills outside Erbil",
                lead="The Kurdistan Region's electricity ministry has announced that homes in Erbil, Sulaimani and "
                "Duhok will receive 20 hours of grid power a day starting today, up from about 14 hours.",
                detail="Officials said more gas was reaching the region's power stations after repairs to a pipeline, "
                "and that two damaged transmission lines had been restored. Neighbourhood generator owners have been "
                "told to lower their monthly fees to match the shorter hours they now cover.",
                quote="“We know families have paid twice for electricity for years, once to the grid and once to the "
                "generator. Today's step is meant to change that,” a ministry spokesperson told reporters.",
                outlook="The ministry says it aims to reach 24-hour supply before the summer peak, depending on gas "
                "deliveries. Inspectors will check that generator fees fall as promised.",
            ),
            "ckb": StoryText(
                title="هەرێمی کوردستان کارەبای ڕۆژانە بۆ ٢٠ کاتژمێر زیاد دەکات",
                summary="وەزارەتی کارەبا دەڵێت گازی نوێ و چاککردنەوەی هێڵەکان ڕێگە دەدەن لە ئەمڕۆوە کاتژمێری "
                "زیاتری کارەبای نیشتمانی لە هەولێر، سلێمانی و دهۆک دابین بکرێت.",
                caption="هێڵەکانی کارەبا بە گردەکانی دەرەوەی هەولێردا تێدەپەڕن",
                lead="وەزارەتی کارەبای هەرێمی کوردستان ڕایگەیاند لە ئەمڕۆوە ماڵەکانی هەولێر، سلێمانی و دهۆک "
                "ڕۆژانە ٢٠ کاتژمێر کارەبای نیشتمانییان پێدەگات، لە جیاتی نزیکەی ١٤ کاتژمێر.",
                detail="بەرپرسان گوتیان دوای چاککردنەوەی بۆرییەکی گاز، گازی زیاتر دەگاتە وێستگەکانی کارەبای هەرێم "
                "و دوو هێڵی گواستنەوەی زیانپێگەیشتووش چاککراونەتەوە. بە خاوەن مۆلیدەکانی گەڕەکەکانیش گوتراوە نرخی "
                "مانگانەیان بەپێی ئەو کاتژمێرە کەمترەی ئێستا دابینی دەکەن کەم بکەنەوە.",
                quote="«دەزانین خێزانەکان چەندین ساڵە دوو جار پارەی کارەبا دەدەن، جارێک بۆ کارەبای نیشتمانی و "
                "جارێک بۆ مۆلیدە. هەنگاوەکەی ئەمڕۆ بۆ گۆڕینی ئەو دۆخەیە»، وتەبێژێکی وەزارەت بە ڕۆژنامەنووسانی گوت.",
                outlook="وەزارەت دەڵێت ئامانجی ئەوەیە پێش لووتکەی هاوین بگاتە ٢٤ کاتژمێر، بەپێی ئەو گازەی دەگات. "
                "پشکنەران چاودێری دەکەن کە نرخی مۆلیدەکان وەک بەڵێن دراوە دابەزێت.",
            ),
            "ar": StoryText(
                title="إقليم كردستان يرفع ساعات تجهيز الكهرباء إلى 20 ساعة يومياً",
                summary="تقول وزارة الكهرباء إن إمدادات الغاز الجديدة وإصلاح الخطوط يتيحان ساعات أطول من الكهرباء "
                "الوطنية في أربيل والسليمانية ودهوك اعتباراً من اليوم.",
                caption="خطوط الكهرباء تمتد عبر التلال خارج أربيل",
                lead="أعلنت وزارة الكهرباء في إقليم كردستان أن المنازل في أربيل والسليمانية ودهوك ستحصل على 20 ساعة "
                "من الكهرباء الوطنية يومياً اعتباراً من اليوم، بعد أن كانت نحو 14 ساعة.",
                detail="وقال مسؤولون إن كميات أكبر من الغاز باتت تصل إلى محطات الكهرباء في الإقليم بعد إصلاح أحد "
                "الأنابيب، وإن خطَّي نقل متضررين أُعيد تشغيلهما. وطُلب من أصحاب المولدات الأهلية خفض رسومهم "
                "الشهرية بما يتناسب مع الساعات الأقل التي يغطونها الآن.",
                quote="«نعلم أن العائلات تدفع ثمن الكهرباء مرتين منذ سنوات، مرة للشبكة ومرة للمولدة. خطوة اليوم "
                "تهدف إلى تغيير ذلك»، قال متحدث باسم الوزارة للصحفيين.",
                outlook="وتقول الوزارة إنها تسعى إلى الوصول إلى التجهيز على مدار 24 ساعة قبل ذروة الصيف، تبعاً "
                "لإمدادات الغاز. وسيتحقق المفتشون من خفض رسوم المولدات كما وُعد.",
            ),
        },
    ),
    Story(
        key="iraq-baghdad-airport-terminal",
        section="iraq",
        hours_ago=26,
        tags=("baghdad", "travel"),
        credit="afp",
        texts={
            "en": StoryText(
                title="Baghdad airport opens a new terminal for regional flights",
                summary="The hall doubles check-in capacity for flights to neighbouring countries and is meant to end "
                "long queues during holiday seasons.",
                caption="Travellers check in at the new regional terminal in Baghdad",
                lead="Baghdad International Airport has opened a new terminal for regional flights, doubling the "
                "number of check-in desks for routes to neighbouring countries and the Gulf.",
                detail="The transport ministry said the terminal can handle about 3,000 passengers an hour and has "
                "separate gates for pilgrims travelling in large groups. Electronic boarding passes and self-service "
                "baggage drops are being introduced for the first time.",
                quote="“Last year I waited four hours in the old hall with my parents. Today it took twenty minutes,” "
                "said Zainab, a student flying to Amman.",
                outlook="Airport managers plan to move more airlines into the terminal over the next two months. A new "
                "road link to the city centre is due to open by the end of the year.",
            ),
            "ckb": StoryText(
                title="فڕۆکەخانەی بەغدا تێرمیناڵێکی نوێ بۆ گەشتە هەرێمییەکان دەکاتەوە",
                summary="هۆڵە نوێیەکە توانای تۆمارکردنی گەشتیاران بۆ وڵاتانی دراوسێ دوو هێندە دەکات و مەبەستی "
                "ئەوەیە کۆتایی بە ڕیزە درێژەکانی وەرزی پشووەکان بهێنێت.",
                caption="گەشتیاران لە تێرمیناڵە هەرێمییە نوێیەکەی بەغدا خۆیان تۆمار دەکەن",
                lead="فڕۆکەخانەی نێودەوڵەتیی بەغدا تێرمیناڵێکی نوێی بۆ گەشتە هەرێمییەکان کردەوە، کە ژمارەی "
                "مێزەکانی تۆمارکردن بۆ هێڵەکانی وڵاتانی دراوسێ و کەنداو دوو هێندە دەکات.",
                detail="وەزارەتی گواستنەوە ڕایگەیاند تێرمیناڵەکە دەتوانێت کاتژمێرێ نزیکەی ٣٠٠٠ گەشتیار وەربگرێت و "
                "دەروازەی جیای بۆ زائیرانی گرووپە گەورەکان هەیە. بۆ یەکەمجار پسوولەی سواربوونی ئەلیکترۆنی و "
                "ئامێری ڕادەستکردنی جانتا بەکاردەهێنرێن.",
                quote="«پار چوار کاتژمێر لەگەڵ دایک و باوکم لە هۆڵە کۆنەکەدا چاوەڕێ بووم. ئەمڕۆ بیست خولەکی "
                "خایاند»، زەینەب، خوێندکارێک کە بۆ عەممان گەشت دەکات، وای گوت.",
                outlook="بەڕێوەبەرانی فڕۆکەخانە پلانیان هەیە لە دوو مانگی داهاتوودا کۆمپانیای فڕۆکەوانیی زیاتر "
                "بگوازنەوە بۆ تێرمیناڵەکە. بڕیارە تا کۆتایی ساڵ ڕێگایەکی نوێ بۆ ناوەندی شار بکرێتەوە.",
            ),
            "ar": StoryText(
                title="مطار بغداد يفتتح صالة جديدة للرحلات الإقليمية",
                summary="تضاعف الصالة طاقة إنجاز معاملات السفر إلى الدول المجاورة، وتهدف إلى إنهاء الطوابير الطويلة "
                "في مواسم العطل.",
                caption="مسافرون ينجزون إجراءات السفر في الصالة الإقليمية الجديدة في بغداد",
                lead="افتتح مطار بغداد الدولي صالة جديدة للرحلات الإقليمية، تضاعف عدد مكاتب تسجيل المسافرين على "
                "الخطوط المتجهة إلى الدول المجاورة والخليج.",
                detail="وقالت وزارة النقل إن الصالة تستوعب نحو 3000 مسافر في الساعة، وتضم بوابات منفصلة للزوار الذين "
                "يسافرون في مجموعات كبيرة. ويُعتمد للمرة الأولى نظام بطاقات الصعود الإلكترونية وأجهزة تسليم "
                "الأمتعة الذاتية.",
                quote="«في العام الماضي انتظرت أربع ساعات في الصالة القديمة مع والديّ. اليوم استغرق الأمر عشرين "
                "دقيقة»، قالت زينب، وهي طالبة مسافرة إلى عمّان.",
                outlook="ويعتزم مديرو المطار نقل مزيد من شركات الطيران إلى الصالة خلال الشهرين المقبلين. ومن المقرر "
                "افتتاح طريق جديد يربطها بمركز المدينة بحلول نهاية العام.",
            ),
        },
    ),
    Story(
        key="iraq-voter-registration-extended",
        section="iraq",
        hours_ago=6,
        breaking=True,
        tags=("elections", "baghdad"),
        credit="reuters",
        texts={
            "en": StoryText(
                title="Election commission extends voter card registration by two weeks",
                summary="Millions of Iraqis have yet to collect biometric voter cards, the commission says, as "
                "registration centres extend their opening hours.",
                caption="A woman collects her biometric voter card at a registration centre",
                lead="Iraq's electoral commission has extended the deadline for voters to register and collect their "
                "biometric cards by two weeks, saying turnout at registration centres had been lower than expected.",
                detail="The commission said about a quarter of eligible voters still had no valid card. Centres in "
                "Baghdad and other provinces will now open until eight in the evening, and mobile teams will visit "
                "universities, hospitals and camps for displaced families.",
                quote="“Nobody should lose their vote because they could not leave work in time. We are taking the "
                "registration to the people,” a commission official said at a news conference.",
                outlook="The new deadline falls at the end of the month. After that, the commission will publish the "
                "final voter lists and open a short period for appeals before the vote.",
            ),
            "ckb": StoryText(
                title="کۆمسیۆنی هەڵبژاردن ماوەی تۆمارکردنی کارتی دەنگدەران دوو هەفتە درێژ دەکاتەوە",
                summary="کۆمسیۆن دەڵێت ملیۆنان عێراقی هێشتا کارتی بایۆمەتریی دەنگدانیان وەرنەگرتووە، لە کاتێکدا "
                "سەنتەرەکانی تۆمارکردن کاتی کارکردنیان درێژ دەکەنەوە.",
                caption="ژنێک کارتی بایۆمەتریی دەنگدانەکەی لە سەنتەرێکی تۆمارکردن وەردەگرێت",
                lead="کۆمسیۆنی باڵای سەربەخۆی هەڵبژاردنەکانی عێراق ماوەی تۆمارکردن و وەرگرتنی کارتی بایۆمەتری بۆ "
                "دەنگدەران دوو هەفتە درێژ کردەوە و ڕایگەیاند سەردانیکردنی سەنتەرەکانی تۆمارکردن لەوە کەمتر بووە کە "
                "چاوەڕوان دەکرا.",
                detail="کۆمسیۆن ڕایگەیاند نزیکەی چارەکێکی ئەوانەی مافی دەنگدانیان هەیە هێشتا کارتێکی کارایان نییە. "
                "سەنتەرەکان لە بەغدا و پارێزگاکانی تر ئێستا تا کاتژمێر هەشتی ئێوارە کراوە دەبن و تیمی گەڕۆک سەردانی "
                "زانکۆ، نەخۆشخانە و کەمپەکانی ئاوارەکان دەکەن.",
                quote="«نابێت کەس دەنگی خۆی لەدەست بدات چونکە نەیتوانیوە لە کاتی خۆیدا کارەکەی جێبهێڵێت. ئێمە "
                "تۆمارکردن دەبەینە لای خەڵک»، بەرپرسێکی کۆمسیۆن لە کۆنگرەیەکی ڕۆژنامەوانیدا وای گوت.",
                outlook="وادەی نوێ کۆتایی مانگە. دوای ئەوە کۆمسیۆن لیستی کۆتایی دەنگدەران بڵاو دەکاتەوە و ماوەیەکی "
                "کورت بۆ تانەدان پێش دەنگدان دادەنێت.",
            ),
            "ar": StoryText(
                title="مفوضية الانتخابات تمدد تسجيل بطاقات الناخبين أسبوعين",
                summary="تقول المفوضية إن ملايين العراقيين لم يتسلموا بعد بطاقاتهم البايومترية، فيما تمدد مراكز "
                "التسجيل ساعات عملها.",
                caption="امرأة تتسلم بطاقتها الانتخابية البايومترية في أحد مراكز التسجيل",
                lead="مددت المفوضية العليا المستقلة للانتخابات في العراق مهلة تسجيل الناخبين وتسلّم البطاقات "
                "البايومترية أسبوعين، مشيرة إلى أن الإقبال على مراكز التسجيل كان أقل من المتوقع.",
                detail="وقالت المفوضية إن نحو ربع من يحق لهم التصويت لا يملكون بطاقة سارية حتى الآن. وستفتح المراكز "
                "في بغداد والمحافظات الأخرى أبوابها حتى الثامنة مساءً، فيما ستزور فرق جوالة الجامعات والمستشفيات "
                "ومخيمات النازحين.",
                quote="«لا ينبغي أن يخسر أحد صوته لأنه لم يتمكن من مغادرة عمله في الوقت المناسب. نحن نأخذ التسجيل "
                "إلى الناس»، قال مسؤول في المفوضية خلال مؤتمر صحفي.",
                outlook="وتنتهي المهلة الجديدة في نهاية الشهر. وبعدها ستنشر المفوضية سجلات الناخبين النهائية وتفتح "
                "فترة قصيرة للطعون قبل الاقتراع.",
            ),
        },
    ),
    Story(
        key="economy-northern-pipeline-resumes",
        section="economy",
        hours_ago=9,
        tags=("oil", "energy"),
        credit="reuters",
        texts={
            "en": StoryText(
                title="Oil exports through the northern pipeline resume after maintenance",
                summary="Crude is flowing again to the Mediterranean coast after a ten-day shutdown for repairs, the "
                "oil ministry says.",
                caption="Storage tanks at an oil facility near Kirkuk",
                lead="Oil exports through the pipeline that carries crude from northern Iraq to the Mediterranean "
                "coast have resumed after a ten-day shutdown for maintenance, the oil ministry said.",
                detail="Engineers replaced worn sections of the line and upgraded pumping stations along the route. "
                "The ministry expects flows to return to about 350,000 barrels a day within a week, as storage tanks "
                "near Kirkuk are emptied.",
                quote="“Every day the line was shut, the budget lost money. Getting the maintenance done quickly and "
                "safely was the priority,” said a senior engineer at the state oil company.",
                outlook="Traders will watch whether exports hold steady through the summer, when power stations at "
                "home also need more fuel. The ministry plans another inspection of the line before the end of the "
                "year.",
            ),
            "ckb": StoryText(
                title="هەناردەی نەوت لە ڕێگەی بۆرییەکەی باکوورەوە دوای چاککردنەوە دەستی پێکردەوە",
                summary="وەزارەتی نەوت دەڵێت نەوتی خاو دوای دە ڕۆژ ڕاگرتن بۆ چاککردنەوە، دووبارە بەرەو کەناری "
                "دەریای ناوەڕاست دەڕوات.",
                caption="تانکی کۆگاکردن لە دامەزراوەیەکی نەوتی نزیک کەرکووک",
                lead="وەزارەتی نەوت ڕایگەیاند هەناردەی نەوت لە ڕێگەی ئەو بۆرییەوە کە نەوتی خاو لە باکووری عێراقەوە "
                "دەگەیەنێتە کەناری دەریای ناوەڕاست، دوای دە ڕۆژ ڕاگرتن بۆ چاککردنەوە دەستی پێکردەوە.",
                detail="ئەندازیاران بەشە کۆنەکانی هێڵەکەیان گۆڕی و وێستگەکانی پەمپکردنیان بەدرێژایی ڕێگاکە نوێ "
                "کردەوە. وەزارەت چاوەڕێ دەکات لە ماوەی هەفتەیەکدا هەناردە بگەڕێتەوە بۆ نزیکەی ٣٥٠ هەزار بەرمیل لە "
                "ڕۆژێکدا، لە کاتێکدا تانکەکانی نزیک کەرکووک بەتاڵ دەکرێنەوە.",
                quote="«هەموو ئەو ڕۆژانەی هێڵەکە داخرابوو بودجە زەرەری دەکرد. ئەولەویەت ئەوە بوو چاککردنەوەکە بە "
                "خێرایی و بە سەلامەتی تەواو بکرێت»، ئەندازیارێکی باڵای کۆمپانیای نەوتی دەوڵەت وای گوت.",
                outlook="بازرگانان چاودێری دەکەن ئایا هەناردە بە درێژایی هاوین جێگیر دەمێنێت، کاتێک وێستگەکانی "
                "کارەبای ناوخۆش سووتەمەنیی زیاتریان پێویستە. وەزارەت پلانی هەیە پێش کۆتایی ساڵ جارێکی تر هێڵەکە "
                "بپشکنێت.",
            ),
            "ar": StoryText(
                title="استئناف صادرات النفط عبر الأنبوب الشمالي بعد أعمال صيانة",
                summary="تقول وزارة النفط إن الخام عاد يتدفق نحو ساحل البحر المتوسط بعد توقف دام عشرة أيام لإجراء "
                "إصلاحات.",
                caption="خزانات في منشأة نفطية قرب كركوك",
                lead="قالت وزارة النفط إن صادرات النفط عبر الأنبوب الذي ينقل الخام من شمال العراق إلى ساحل البحر "
                "المتوسط استؤنفت بعد توقف دام عشرة أيام لأعمال الصيانة.",
                detail="واستبدل المهندسون أجزاء متآكلة من الخط وحدّثوا محطات الضخ على امتداد مساره. وتتوقع الوزارة "
                "أن يعود التدفق إلى نحو 350 ألف برميل يومياً خلال أسبوع، مع تفريغ الخزانات القريبة من كركوك.",
                quote="«كل يوم توقف فيه الخط كانت الموازنة تخسر أموالاً. الأولوية كانت إنجاز الصيانة بسرعة وأمان»، "
                "قال مهندس كبير في شركة النفط الحكومية.",
                outlook="وسيراقب المتعاملون ما إذا كانت الصادرات ستبقى مستقرة خلال الصيف، حين تحتاج محطات الكهرباء "
                "المحلية أيضاً إلى مزيد من الوقود. وتخطط الوزارة لفحص آخر للخط قبل نهاية العام.",
            ),
        },
    ),
    Story(
        key="economy-dinar-holds-steady",
        section="economy",
        hours_ago=40,
        tags=("currency", "baghdad"),
        credit="afp",
        texts={
            "en": StoryText(
                title="Dinar holds steady as the central bank expands dollar sales to travellers",
                summary="Exchange shops in Baghdad and Erbil report calmer prices after banks began selling dollars at "
                "the official rate to people with tickets abroad.",
                caption="An exchange shop counter in central Baghdad",
                lead="The Iraqi dinar has held steady against the dollar for a third week after the central bank "
                "widened the sale of dollars at the official rate to travellers, students abroad and patients "
                "seeking treatment outside the country.",
                detail="Money changers in Baghdad and Erbil said the gap between the official rate and the street "
                "price had narrowed. Banks now ask for a ticket or a university letter and can pay out dollars on "
                "the same day.",
                quote="“People panic when they hear rumours. When they see they can get dollars at a bank, the rumours "
                "lose their power,” said Dilan Rashid, an economist at a university in Sulaimani.",
                outlook="Economists say the calm will last only if imports are paid for through official channels. "
                "The central bank is expected to publish new rules for traders next month.",
            ),
            "ckb": StoryText(
                title="دینار جێگیر دەمێنێتەوە لە کاتێکدا بانکی ناوەندی فرۆشتنی دۆلار بە گەشتیاران فراوان دەکات",
                summary="دوکانەکانی ئاڵوگۆڕی دراو لە بەغدا و هەولێر باس لە نرخی ئارامتر دەکەن دوای ئەوەی بانکەکان "
                "دەستیان کرد بە فرۆشتنی دۆلار بە نرخی فەرمی بەو کەسانەی بلیتی گەشتیان بۆ دەرەوە هەیە.",
                caption="پێشخانی دوکانێکی ئاڵوگۆڕی دراو لە ناوەندی بەغدا",
                lead="دیناری عێراقی بۆ سێیەم هەفتە بەرامبەر بە دۆلار جێگیر ماوەتەوە، دوای ئەوەی بانکی ناوەندی "
                "فرۆشتنی دۆلاری بە نرخی فەرمی بۆ گەشتیاران، خوێندکارانی دەرەوە و ئەو نەخۆشانەی لە دەرەوەی وڵات "
                "چارەسەر وەردەگرن فراوان کرد.",
                detail="سەڕافەکان لە بەغدا و هەولێر گوتیان جیاوازیی نێوان نرخی فەرمی و نرخی بازاڕ کەمتر بووەتەوە. "
                "بانکەکان ئێستا بلیتی گەشت یان نامەی زانکۆ داوا دەکەن و دەتوانن هەر لە هەمان ڕۆژدا دۆلار بدەن.",
                quote="«خەڵک کاتێک گوێیان لە دەنگۆ دەبێت دەترسن. کاتێک دەبینن دەتوانن لە بانک دۆلار وەربگرن، "
                "دەنگۆکان هێزی خۆیان لەدەست دەدەن»، دیلان ڕەشید، ئابووریناسێک لە زانکۆیەکی سلێمانی، وای گوت.",
                outlook="ئابووریناسان دەڵێن ئەم ئارامییە تەنها ئەو کاتە بەردەوام دەبێت کە پارەی هاوردەکان لە ڕێگە "
                "فەرمییەکانەوە بدرێت. چاوەڕێ دەکرێت بانکی ناوەندی مانگی داهاتوو ڕێنمایی نوێ بۆ بازرگانان بڵاو "
                "بکاتەوە.",
            ),
            "ar": StoryText(
                title="الدينار يحافظ على استقراره مع توسيع البنك المركزي مبيعات الدولار للمسافرين",
                summary="تفيد محال الصيرفة في بغداد وأربيل بهدوء الأسعار بعد أن بدأت المصارف ببيع الدولار بالسعر "
                "الرسمي لحاملي تذاكر السفر.",
                caption="واجهة محل صيرفة في وسط بغداد",
                lead="حافظ الدينار العراقي على استقراره أمام الدولار للأسبوع الثالث، بعد أن وسّع البنك المركزي بيع "
                "الدولار بالسعر الرسمي للمسافرين والطلاب في الخارج والمرضى الذين يتلقون العلاج خارج البلاد.",
                detail="وقال صرافون في بغداد وأربيل إن الفجوة بين السعر الرسمي وسعر السوق تقلصت. وتطلب المصارف الآن "
                "تذكرة سفر أو كتاباً من الجامعة، ويمكنها صرف الدولار في اليوم نفسه.",
                quote="«يصاب الناس بالذعر عندما يسمعون الشائعات. وعندما يرون أن بإمكانهم الحصول على الدولار من "
                "المصرف، تفقد الشائعات قوتها»، قالت ديلان رشيد، الخبيرة الاقتصادية في إحدى جامعات السليمانية.",
                outlook="ويقول اقتصاديون إن هذا الهدوء لن يدوم إلا إذا سُددت قيمة الواردات عبر القنوات الرسمية. ومن "
                "المتوقع أن يصدر البنك المركزي قواعد جديدة للتجار الشهر المقبل.",
            ),
        },
    ),
    Story(
        key="economy-erbil-trade-fair",
        section="economy",
        hours_ago=70,
        tags=("erbil", "trade"),
        credit="newsline",
        texts={
            "en": StoryText(
                title="Erbil trade fair draws 400 companies from 20 countries",
                summary="Builders, food producers and solar firms fill the exhibition halls, with organisers reporting "
                "the largest turnout in years.",
                caption="Visitors walk between stands at the Erbil trade fair",
                lead="More than 400 companies from 20 countries are taking part in this year's Erbil international "
                "trade fair, the largest number since the event began, according to the organisers.",
                detail="Construction materials, packaged food and solar equipment take up most of the floor space. "
                "Local manufacturers said they hoped to find partners to help them sell outside the region, while "
                "foreign firms are looking for distributors.",
                quote="“Five years ago we came to sell. Now we come to build factories with local partners,” said "
                "Mehmet Yıldız, who runs a Turkish company that makes water pumps.",
                outlook="The fair runs for four days and is open to the public in the evenings. Organisers plan a "
                "separate exhibition for farming technology in the autumn.",
            ),
            "ckb": StoryText(
                title="پێشانگای بازرگانیی هەولێر ٤٠٠ کۆمپانیا لە ٢٠ وڵاتەوە کۆدەکاتەوە",
                summary="کۆمپانیاکانی بیناسازی، بەرهەمهێنەرانی خۆراک و کۆمپانیاکانی وزەی خۆر هۆڵەکانی پێشانگاکەیان "
                "پڕکردووە و ڕێکخەران باس لە زۆرترین بەشداری لە چەند ساڵی ڕابردوودا دەکەن.",
                caption="سەردانکەران لە نێوان پاوڵیۆنەکانی پێشانگای بازرگانیی هەولێردا دەگەڕێن",
                lead="بەپێی ڕێکخەران، زیاتر لە ٤٠٠ کۆمپانیا لە ٢٠ وڵاتەوە لە پێشانگای نێودەوڵەتیی بازرگانیی "
                "هەولێری ئەمساڵدا بەشدارن، ئەمە زۆرترین ژمارەیە لە سەرەتای دەستپێکردنی پێشانگاکەوە.",
                detail="کەرەستەی بیناسازی، خۆراکی بەستەبەندیکراو و ئامێرەکانی وزەی خۆر زۆربەی ڕووبەری پێشانگاکەیان "
                "گرتووە. بەرهەمهێنەرە ناوخۆییەکان گوتیان هیوادارن هاوبەشێک بدۆزنەوە کە یارمەتییان بدات لە دەرەوەی "
                "هەرێم بفرۆشن، لە کاتێکدا کۆمپانیا بیانییەکان بەدوای دابەشکەردا دەگەڕێن.",
                quote="«پێنج ساڵ لەمەوبەر بۆ فرۆشتن دەهاتین. ئێستا دێین بۆ ئەوەی لەگەڵ هاوبەشی ناوخۆیی کارگە دروست "
                "بکەین»، مەحمەد یڵدز، کە کۆمپانیایەکی تورکیی دروستکردنی پەمپی ئاو بەڕێوە دەبات، وای گوت.",
                outlook="پێشانگاکە چوار ڕۆژ دەخایەنێت و ئێواران بۆ خەڵکی گشتی کراوەیە. ڕێکخەران پلانیان هەیە لە "
                "پاییزدا پێشانگایەکی جیا بۆ تەکنەلۆژیای کشتوکاڵ بکەنەوە.",
            ),
            "ar": StoryText(
                title="معرض أربيل التجاري يستقطب 400 شركة من 20 دولة",
                summary="شركات البناء ومنتجو الأغذية وشركات الطاقة الشمسية يملؤون قاعات العرض، فيما يتحدث المنظمون "
                "عن أكبر مشاركة منذ سنوات.",
                caption="زوار يتجولون بين أجنحة معرض أربيل التجاري",
                lead="تشارك أكثر من 400 شركة من 20 دولة في معرض أربيل الدولي التجاري هذا العام، وهو أكبر عدد منذ "
                "انطلاق المعرض، بحسب المنظمين.",
                detail="وتشغل مواد البناء والأغذية المعلبة ومعدات الطاقة الشمسية معظم مساحة العرض. وقال مصنعون "
                "محليون إنهم يأملون في إيجاد شركاء يساعدونهم على البيع خارج الإقليم، بينما تبحث الشركات الأجنبية "
                "عن موزعين.",
                quote="«قبل خمس سنوات كنا نأتي لنبيع. الآن نأتي لنبني مصانع مع شركاء محليين»، قال محمد يلدز، الذي "
                "يدير شركة تركية لصناعة مضخات المياه.",
                outlook="ويستمر المعرض أربعة أيام ويفتح أبوابه للجمهور في المساء. ويخطط المنظمون لمعرض منفصل "
                "لتقنيات الزراعة في الخريف.",
            ),
        },
    ),
    Story(
        key="sports-zagros-reach-cup-final",
        section="sports",
        hours_ago=14,
        tags=("football",),
        credit="newsline",
        texts={
            "en": StoryText(
                title="Zagros FC reach the cup final with a late winner",
                summary="A header in the 89th minute settled a tense semi-final against Tigris SC in front of a full "
                "stadium.",
                caption="Zagros FC players celebrate the winning goal",
                lead="Zagros FC are through to the cup final after a header from defender Aram Salih in the 89th "
                "minute gave them a 2–1 win over Tigris SC in a tense semi-final.",
                detail="Tigris SC took the lead early in the second half, but Zagros levelled from the penalty spot "
                "ten minutes later. Both sides had chances to win before Salih rose highest at a corner as the "
                "stadium counted down the final minutes.",
                quote="“I have never scored a goal like that in my life. I just closed my eyes and jumped,” Salih told "
                "reporters, still wearing the captain's armband he had taken over at half-time.",
                outlook="Zagros will meet the winner of the second semi-final, which is played next week. The final is "
                "expected to sell out within hours of tickets going on sale.",
            ),
            "ckb": StoryText(
                title="یانەی زاگرۆس بە گۆڵێکی خولەکە کۆتاییەکان گەیشتە یاریی کۆتایی جام",
                summary="سەرێک لە خولەکی ٨٩دا یارییەکی پڕ گرژیی نیوەی کۆتایی بەرامبەر یانەی دیجلەی یەکلایی کردەوە، "
                "لەبەردەم یاریگایەکی پڕ لە هاندەر.",
                caption="یاریزانانی یانەی زاگرۆس ئاهەنگ بۆ گۆڵی بردنەوە دەگێڕن",
                lead="یانەی زاگرۆس گەیشتە یاریی کۆتایی جام، دوای ئەوەی سەرێکی بەرگریکار ئارام ساڵح لە خولەکی ٨٩دا "
                "بردنەوەی ٢–١ی بەسەر یانەی دیجلەدا لە یارییەکی پڕ گرژیی نیوەی کۆتاییدا مسۆگەر کرد.",
                detail="یانەی دیجلە لە سەرەتای نیوەی دووەمدا پێشکەوت، بەڵام زاگرۆس دە خولەک دواتر لە ڕێگەی لێدانی "
                "پەناڵتییەوە یەکسانی کردەوە. هەردوو تیپ دەرفەتی بردنەوەیان هەبوو تا ئەوەی ساڵح لە لێدانێکی گۆشەدا "
                "لە هەمووان بەرزتر بازیدا، لە کاتێکدا یاریگاکە خولەکە کۆتاییەکانی دەژمارد.",
                quote="«لە ژیانمدا گۆڵی وام نەکردووە. تەنها چاوم نووقاند و بازمدا»، ساڵح بە ڕۆژنامەنووسانی گوت، "
                "هێشتا ئەو باجە کاپتنییەی لە باسکدا بوو کە لە پشووی نێوان دوو نیوەکەدا وەریگرتبوو.",
                outlook="زاگرۆس لەگەڵ براوەی یاریی دووەمی نیوەی کۆتایی ڕووبەڕوو دەبێتەوە کە هەفتەی داهاتوو دەکرێت. "
                "چاوەڕێ دەکرێت بلیتەکانی یاریی کۆتایی لە چەند کاتژمێرێکدا دوای دەستپێکردنی فرۆشتن تەواو ببن.",
            ),
            "ar": StoryText(
                title="نادي زاغروس يبلغ نهائي الكأس بهدف قاتل",
                summary="حسمت ضربة رأسية في الدقيقة 89 نصف نهائي متوتراً أمام نادي دجلة وسط مدرجات ممتلئة.",
                caption="لاعبو نادي زاغروس يحتفلون بهدف الفوز",
                lead="تأهل نادي زاغروس إلى نهائي الكأس بعد أن منحته ضربة رأسية من المدافع آرام صالح في الدقيقة 89 "
                "فوزاً بنتيجة 2–1 على نادي دجلة في نصف نهائي متوتر.",
                detail="وتقدّم نادي دجلة في مطلع الشوط الثاني، لكن زاغروس أدرك التعادل من ركلة جزاء بعد عشر دقائق. "
                "وأتيحت للفريقين فرص للفوز قبل أن يرتقي صالح أعلى من الجميع لركنية، بينما كان الملعب يعدّ الدقائق "
                "الأخيرة.",
                quote="«لم أسجل هدفاً كهذا في حياتي. أغمضت عينيّ وقفزت فقط»، قال صالح للصحفيين، وهو لا يزال يضع "
                "شارة القيادة التي تسلمها بين الشوطين.",
                outlook="وسيلاقي زاغروس الفائز من نصف النهائي الثاني الذي يقام الأسبوع المقبل. ومن المتوقع أن تنفد "
                "تذاكر النهائي خلال ساعات من طرحها للبيع.",
            ),
        },
    ),
    Story(
        key="sports-sulaimani-womens-volleyball",
        section="sports",
        hours_ago=60,
        tags=("sulaimani", "volleyball"),
        credit="newsline",
        states={"ar": "in_review"},
        texts={
            "en": StoryText(
                title="Sulaimani to host the regional women's volleyball championship",
                summary="Eight national teams will play at the city's renovated indoor arena, the first time the "
                "tournament comes to the Kurdistan Region.",
                caption="The renovated indoor arena in Sulaimani",
                lead="Sulaimani has been chosen to host the regional women's volleyball championship, bringing eight "
                "national teams to the city's newly renovated indoor arena for ten days of matches.",
                detail="The arena reopened last month with new seating for 4,000 spectators, better lighting and a "
                "warm-up hall. Local clubs say the number of girls signing up for volleyball has doubled over the "
                "past two years.",
                quote="“When girls see international players in their own city, they start to believe they can be "
                "there too,” said Shilan Omar, the coach of the national under-19 team.",
                outlook="Tickets for the group matches will be free for school students. The organising committee is "
                "looking for volunteers who speak English, Arabic or Kurdish to help visiting teams.",
            ),
            "ckb": StoryText(
                title="سلێمانی میوانداریی پاڵەوانێتیی هەرێمیی تۆپی بالەی ئافرەتان دەکات",
                summary="هەشت هەڵبژاردەی نیشتمانی لە هۆڵە داخراوە نۆژەنکراوەکەی شار یاری دەکەن، ئەمە یەکەمجارە "
                "پاڵەوانێتییەکە دێتە هەرێمی کوردستان.",
                caption="هۆڵە داخراوە نۆژەنکراوەکەی وەرزش لە سلێمانی",
                lead="سلێمانی هەڵبژێردرا بۆ میوانداریکردنی پاڵەوانێتیی هەرێمیی تۆپی بالەی ئافرەتان، کە هەشت "
                "هەڵبژاردەی نیشتمانی بۆ دە ڕۆژ یاری دەهێنێتە هۆڵە داخراوە تازە نۆژەنکراوەکەی شار.",
                detail="هۆڵەکە مانگی ڕابردوو بە کورسیی نوێ بۆ ٤٠٠٠ بینەر، ڕووناکیی باشتر و هۆڵێکی خۆگەرمکردنەوە "
                "دووبارە کرایەوە. یانە ناوخۆییەکان دەڵێن ژمارەی ئەو کچانەی خۆیان بۆ تۆپی بالە تۆمار دەکەن لە دوو "
                "ساڵی ڕابردوودا دوو هێندە بووە.",
                quote="«کاتێک کچان یاریزانی نێودەوڵەتی لە شاری خۆیاندا دەبینن، باوەڕ دەکەن ئەوانیش دەتوانن بگەنە "
                "ئەوێ»، شیلان عومەر، ڕاهێنەری هەڵبژاردەی نیشتمانیی خوار ١٩ ساڵ، وای گوت.",
                outlook="بلیتی یارییەکانی قۆناغی گرووپەکان بۆ قوتابیانی قوتابخانە بەخۆڕایی دەبێت. لیژنەی ڕێکخەر "
                "بەدوای خۆبەخشدا دەگەڕێت کە ئینگلیزی، عەرەبی یان کوردی بزانن بۆ یارمەتیدانی تیپە میوانەکان.",
            ),
            "ar": StoryText(
                title="السليمانية تستضيف البطولة الإقليمية للكرة الطائرة للسيدات",
                summary="ستلعب ثمانية منتخبات وطنية في القاعة المغلقة التي جرى تجديدها في المدينة، في أول استضافة "
                "للبطولة في إقليم كردستان.",
                caption="القاعة الرياضية المغلقة بعد تجديدها في السليمانية",
                lead="اختيرت السليمانية لاستضافة البطولة الإقليمية للكرة الطائرة للسيدات، لتجمع ثمانية منتخبات "
                "وطنية في قاعة المدينة المغلقة المجددة حديثاً على مدى عشرة أيام من المباريات.",
                detail="وأعيد افتتاح القاعة الشهر الماضي بمقاعد جديدة تتسع لـ4000 متفرج وإضاءة محسّنة وقاعة للإحماء. "
                "وتقول الأندية المحلية إن عدد الفتيات المسجلات في الكرة الطائرة تضاعف خلال العامين الماضيين.",
                quote="«عندما ترى الفتيات لاعبات دوليات في مدينتهن، يبدأن بالإيمان بأنهن قادرات على الوصول إلى هناك "
                "أيضاً»، قالت شيلان عمر، مدربة منتخب الشابات دون 19 عاماً.",
                outlook="وستكون تذاكر مباريات دور المجموعات مجانية لطلاب المدارس. وتبحث اللجنة المنظمة عن متطوعين "
                "يتحدثون الإنجليزية أو العربية أو الكردية لمساعدة الفرق الزائرة.",
            ),
        },
    ),
    Story(
        key="sports-erbil-city-marathon",
        section="sports",
        hours_ago=100,
        tags=("erbil", "running"),
        credit="afp",
        texts={
            "en": StoryText(
                title="Five thousand runners take part in Erbil's city marathon",
                summary="The route passed the citadel and the old bazaar, with families, students and veteran athletes "
                "running for local charities.",
                caption="Runners pass beneath the walls of Erbil citadel",
                lead="About 5,000 runners took part in Erbil's city marathon, following a route that circled the "
                "citadel, passed through the old bazaar and finished in Sami Abdulrahman Park.",
                detail="Most entrants ran the ten-kilometre race, while around 300 completed the full distance. "
                "Organisers said the event raised money for a children's cancer ward and for a programme that builds "
                "playgrounds in villages.",
                quote="“I started running two years ago to lose weight. Today I finished my first marathon, and my "
                "daughter ran the last kilometre with me,” said Kawa, a 46-year-old teacher.",
                outlook="The city plans to close more streets to cars on race day next year and to add a wheelchair "
                "category. Registration will open in the winter.",
            ),
            "ckb": StoryText(
                title="پێنج هەزار ڕاکەر لە ماراسۆنی شاری هەولێردا بەشدارییان کرد",
                summary="ڕێڕەوەکە بە تەنیشت قەڵا و بازاڕی کۆندا تێدەپەڕی و خێزانەکان، خوێندکاران و وەرزشوانە "
                "بەئەزموونەکان بۆ ڕێکخراوە خێرخوازییە ناوخۆییەکان ڕایانکرد.",
                caption="ڕاکەران بە ژێر دیوارەکانی قەڵای هەولێردا تێدەپەڕن",
                lead="نزیکەی ٥٠٠٠ ڕاکەر لە ماراسۆنی شاری هەولێردا بەشدارییان کرد، لە ڕێڕەوێکدا کە بە دەوری قەڵادا "
                "دەسووڕایەوە، بە بازاڕی کۆندا تێدەپەڕی و لە پارکی سامی عەبدولڕەحمان کۆتایی دەهات.",
                detail="زۆربەی بەشداربووان پێشبڕکێی دە کیلۆمەترییان ڕاکرد، لە کاتێکدا نزیکەی ٣٠٠ کەس هەموو مەودای "
                "ماراسۆنەکەیان تەواو کرد. ڕێکخەران گوتیان پێشبڕکێکە پارەی بۆ بەشی شێرپەنجەی منداڵان و بۆ "
                "بەرنامەیەکی دروستکردنی یاریگای منداڵان لە گوندەکان کۆکردەوە.",
                quote="«دوو ساڵ لەمەوبەر دەستم بە ڕاکردن کرد بۆ ئەوەی کێشم کەم بکەمەوە. ئەمڕۆ یەکەم ماراسۆنم تەواو "
                "کرد و کچەکەم کیلۆمەتری کۆتایی لەگەڵمدا ڕایکرد»، کاوە، مامۆستایەکی ٤٦ ساڵان، وای گوت.",
                outlook="شارەوانی پلانی هەیە ساڵی داهاتوو لە ڕۆژی پێشبڕکێدا شەقامی زیاتر لە ئۆتۆمبێل دابخات و "
                "بەشێک بۆ کورسیی پەککەوتەکان زیاد بکات. تۆمارکردن لە زستاندا دەکرێتەوە.",
            ),
            "ar": StoryText(
                title="خمسة آلاف عدّاء يشاركون في ماراثون مدينة أربيل",
                summary="مرّ المسار بالقلعة والسوق القديم، وركضت فيه عائلات وطلاب ورياضيون مخضرمون دعماً لجمعيات "
                "خيرية محلية.",
                caption="عداؤون يمرون أسفل أسوار قلعة أربيل",
                lead="شارك نحو 5000 عدّاء في ماراثون مدينة أربيل، على مسار دار حول القلعة ومرّ بالسوق القديم وانتهى "
                "في متنزه سامي عبد الرحمن.",
                detail="وركض معظم المشاركين سباق العشرة كيلومترات، فيما أكمل نحو 300 منهم المسافة الكاملة. وقال "
                "المنظمون إن الفعالية جمعت تبرعات لجناح سرطان الأطفال ولبرنامج يبني ملاعب للأطفال في القرى.",
                quote="«بدأت الركض قبل عامين لأخسر بعض الوزن. اليوم أنهيت أول ماراثون لي، وركضت ابنتي معي الكيلومتر "
                "الأخير»، قال كاوه، وهو معلم يبلغ 46 عاماً.",
                outlook="وتعتزم البلدية إغلاق مزيد من الشوارع أمام السيارات يوم السباق العام المقبل وإضافة فئة "
                "للكراسي المتحركة. وسيفتح باب التسجيل في الشتاء.",
            ),
        },
    ),
    Story(
        key="culture-sulaimani-book-fair",
        section="culture",
        hours_ago=35,
        tags=("sulaimani", "books", "kurdish-language"),
        credit="newsline",
        texts={
            "en": StoryText(
                title="Sulaimani book fair opens with a record number of Kurdish titles",
                summary="Publishers bring more than 2,000 new books in Kurdish, from children's stories to translated "
                "science writing.",
                caption="Visitors browse the stalls at the Sulaimani book fair",
                lead="The Sulaimani international book fair has opened with more than 2,000 new titles in Kurdish, the "
                "highest number in its history, alongside books in Arabic, Persian, English and Turkish.",
                detail="Children's books and translated popular science are among the fastest-growing categories, "
                "publishers said. Several stands offer audiobooks and e-books for readers in the diaspora, and a new "
                "prize for first novels will be announced on the final day.",
                quote="“Ten years ago, a parent who wanted a picture book in Kurdish had very few choices. Now we "
                "cannot print them fast enough,” said Chnar Ali, who runs a small publishing house.",
                outlook="The fair is open daily until the end of the week, with talks by authors and translators each "
                "evening. Entry is free, and students receive discount vouchers at the gate.",
            ),
            "ckb": StoryText(
                title="پێشانگای کتێبی سلێمانی بە ژمارەیەکی بێوێنەی کتێبی کوردی کرایەوە",
                summary="بڵاوکەرەوەکان زیاتر لە ٢٠٠٠ کتێبی نوێی کوردی دەهێنن، لە چیرۆکی منداڵانەوە تا کتێبی زانستیی "
                "وەرگێڕدراو.",
                caption="سەردانکەران لە پێشانگای کتێبی سلێمانیدا سەیری کتێبەکان دەکەن",
                lead="پێشانگای نێودەوڵەتیی کتێبی سلێمانی بە زیاتر لە ٢٠٠٠ ناونیشانی نوێ بە زمانی کوردی کرایەوە، "
                "ئەمە زۆرترین ژمارەیە لە مێژووی پێشانگاکەدا، لەگەڵ کتێب بە زمانەکانی عەرەبی، فارسی، ئینگلیزی و "
                "تورکی.",
                detail="بڵاوکەرەوەکان گوتیان کتێبی منداڵان و زانستی سادەکراوی وەرگێڕدراو لە خێراترین بەشەکانن لە "
                "گەشەکردندا. چەند پاوڵیۆنێک کتێبی دەنگی و ئەلیکترۆنی بۆ خوێنەرانی دیاسپۆرا پێشکەش دەکەن و لە "
                "ڕۆژی کۆتاییدا خەڵاتێکی نوێ بۆ یەکەم ڕۆمان ڕادەگەیەنرێت.",
                quote="«دە ساڵ لەمەوبەر، دایک و باوکێک کە کتێبێکی وێنەداری کوردیی بویستایە، هەڵبژاردنی زۆر کەمی "
                "هەبوو. ئێستا ناتوانین بەو خێراییەی پێویستە چاپیان بکەین»، چنار عەلی، کە خانەیەکی بچووکی "
                "بڵاوکردنەوە بەڕێوە دەبات، وای گوت.",
                outlook="پێشانگاکە تا کۆتایی هەفتە ڕۆژانە کراوەیە و هەموو ئێوارەیەک نووسەران و وەرگێڕان وتار پێشکەش "
                "دەکەن. چوونەژوورەوە بەخۆڕاییە و خوێندکاران لە دەروازەکەدا کووپۆنی داشکاندن وەردەگرن.",
            ),
            "ar": StoryText(
                title="معرض السليمانية للكتاب ينطلق بعدد قياسي من العناوين الكردية",
                summary="يقدم الناشرون أكثر من ألفي كتاب جديد باللغة الكردية، من قصص الأطفال إلى كتب العلوم المترجمة.",
                caption="زوار يتصفحون الكتب في معرض السليمانية للكتاب",
                lead="افتُتح معرض السليمانية الدولي للكتاب بأكثر من ألفي عنوان جديد باللغة الكردية، وهو أعلى رقم في "
                "تاريخه، إلى جانب كتب بالعربية والفارسية والإنجليزية والتركية.",
                detail="وقال ناشرون إن كتب الأطفال والعلوم المبسطة المترجمة من أسرع الأقسام نمواً. وتعرض عدة أجنحة "
                "كتباً صوتية وإلكترونية لقراء المهجر، وستُعلن في اليوم الأخير جائزة جديدة للرواية الأولى.",
                quote="«قبل عشر سنوات، كانت خيارات الأهل الذين يريدون كتاباً مصوراً بالكردية قليلة جداً. الآن لا "
                "نستطيع طباعتها بالسرعة الكافية»، قالت جنار علي، التي تدير دار نشر صغيرة.",
                outlook="ويفتح المعرض أبوابه يومياً حتى نهاية الأسبوع، مع ندوات لكتّاب ومترجمين كل مساء. والدخول "
                "مجاني، ويحصل الطلاب على قسائم خصم عند البوابة.",
            ),
        },
    ),
    Story(
        key="culture-erbil-crafts-museum",
        section="culture",
        hours_ago=80,
        tags=("erbil", "heritage"),
        credit="newsline",
        states={"ckb": "draft"},
        texts={
            "en": StoryText(
                title="A museum of traditional crafts opens in Erbil's old bazaar",
                summary="Weavers, coppersmiths and saddle makers work in the open at the new museum, which aims to "
                "keep fading trades alive.",
                caption="A coppersmith at work in the new crafts museum",
                lead="A museum dedicated to traditional crafts has opened in a restored caravanserai in Erbil's old "
                "bazaar, where visitors can watch weavers, coppersmiths and saddle makers at work.",
                detail="The building had been used as a warehouse for decades before restoration began three years "
                "ago. Each workshop in the museum is run by a craftsman who also takes apprentices, paid through a "
                "fund supported by local businesses.",
                quote="“My father made copper pots in this bazaar, and his father before him. I was afraid I would be "
                "the last. Now I have two students,” said Rebwar, a coppersmith.",
                outlook="The museum is open every day except Friday. A shop on the ground floor sells pieces made on "
                "site, and school visits are free on weekday mornings.",
            ),
            "ckb": StoryText(
                title="مۆزەخانەیەکی پیشە دەستییە کۆنەکان لە بازاڕی کۆنی هەولێر کرایەوە",
                summary="چنەر، مسگەر و زینساز لە مۆزەخانە نوێیەکەدا لەبەرچاوی خەڵک کار دەکەن، کە ئامانجی زیندوو "
                "ڕاگرتنی ئەو پیشانەیە کە خەریکە لەناو دەچن.",
                caption="مسگەرێک لە مۆزەخانە نوێیەکەی پیشە دەستییەکاندا کار دەکات",
                lead="مۆزەخانەیەکی تایبەت بە پیشە دەستییە کۆنەکان لە کاروانسەرایەکی نۆژەنکراوەی بازاڕی کۆنی "
                "هەولێردا کرایەوە، کە سەردانکەران دەتوانن سەیری چنەر، مسگەر و زینسازەکان بکەن لە کاتی کارکردندا.",
                detail="بیناکە بۆ چەندین دەیە وەک کۆگا بەکاردەهات پێش ئەوەی سێ ساڵ لەمەوبەر نۆژەنکردنەوەی "
                "دەستپێبکات. هەر کارگەیەکی مۆزەخانەکە وەستایەک بەڕێوەی دەبات کە شاگردیش وەردەگرێت و مووچەی "
                "شاگردەکان لە سندووقێکەوە دەدرێت کە بازرگانە ناوخۆییەکان پشتگیریی دەکەن.",
                quote="«باوکم لەم بازاڕەدا مەنجەڵی مسی دروست دەکرد، باپیریشم پێش ئەو. دەترسام من دوایین کەس بم. "
                "ئێستا دوو شاگردم هەیە»، ڕێبوار، مسگەرێک، وای گوت.",
                outlook="مۆزەخانەکە هەموو ڕۆژێک جگە لە هەینی کراوەیە. دوکانێک لە نهۆمی خوارەوە ئەو پارچانە "
                "دەفرۆشێت کە لە شوێنەکەدا دروست دەکرێن و سەردانی قوتابخانەکان لە بەیانیانی ڕۆژانی کاردا "
                "بەخۆڕاییە.",
            ),
            "ar": StoryText(
                title="افتتاح متحف للحرف التقليدية في سوق أربيل القديم",
                summary="يعمل الحائكون والنحاسون وصانعو السروج أمام الزوار في المتحف الجديد، الذي يسعى إلى إبقاء "
                "المهن المهددة بالاندثار حية.",
                caption="نحّاس يعمل في متحف الحرف الجديد",
                lead="افتُتح متحف مخصص للحرف التقليدية في خان أعيد ترميمه في سوق أربيل القديم، حيث يمكن للزوار "
                "مشاهدة الحائكين والنحاسين وصانعي السروج أثناء عملهم.",
                detail="وكان المبنى يُستخدم مستودعاً لعقود قبل أن تبدأ أعمال ترميمه قبل ثلاث سنوات. ويدير كل ورشة في "
                "المتحف حرفي يستقبل أيضاً متدربين تُدفع أجورهم من صندوق تدعمه الشركات المحلية.",
                quote="«كان أبي يصنع القدور النحاسية في هذا السوق، وجدّي من قبله. كنت أخشى أن أكون الأخير. الآن "
                "لديّ تلميذان»، قال ريبوار، وهو نحّاس.",
                outlook="ويفتح المتحف أبوابه يومياً عدا الجمعة. ويبيع متجر في الطابق الأرضي قطعاً تُصنع في المكان، "
                "والزيارات المدرسية مجانية في صباحات أيام الدوام.",
            ),
        },
    ),
    Story(
        key="health-measles-campaign",
        section="health",
        hours_ago=44,
        tags=("vaccines", "children"),
        credit="afp",
        texts={
            "en": StoryText(
                title="Measles vaccination campaign reaches a million children",
                summary="Health teams went door to door in towns and camps, and officials say the number of new cases "
                "has started to fall.",
                caption="A nurse prepares a vaccine at a health centre",
                lead="A national measles vaccination campaign has reached more than one million children under five, "
                "the health ministry said, after teams went door to door in towns, villages and camps for displaced "
                "families.",
                detail="Measles cases rose sharply last winter, mostly among children who had missed routine "
                "vaccinations. Officials said the number of new cases reported each week had fallen by more than "
                "half since the campaign began.",
                quote="“Many parents simply did not know their child had missed a dose. When a nurse knocks on the "
                "door with the vaccine, the decision becomes easy,” said Dr Sazan Hamid, a paediatrician in Kirkuk.",
                outlook="The campaign continues for two more weeks in areas where coverage is lowest. Parents who are "
                "unsure about their child's vaccinations can visit any primary health centre for a free check.",
            ),
            "ckb": StoryText(
                title="هەڵمەتی کوتان دژی سوورێژە گەیشتە یەک ملیۆن منداڵ",
                summary="تیمە تەندروستییەکان ماڵ بە ماڵ لە شارۆچکە و کەمپەکاندا گەڕان و بەرپرسان دەڵێن ژمارەی "
                "تووشبووانی نوێ دەستی بە کەمبوونەوە کردووە.",
                caption="پەرستارێک لە بنکەیەکی تەندروستیدا ڤاکسینێک ئامادە دەکات",
                lead="وەزارەتی تەندروستی ڕایگەیاند هەڵمەتی نیشتمانیی کوتان دژی سوورێژە گەیشتووەتە زیاتر لە یەک "
                "ملیۆن منداڵی خوار پێنج ساڵ، دوای ئەوەی تیمەکان ماڵ بە ماڵ لە شارۆچکە، گوند و کەمپەکانی "
                "ئاوارەکاندا گەڕان.",
                detail="تووشبوون بە سوورێژە لە زستانی ڕابردوودا بە شێوەیەکی بەرچاو زیادی کرد، بەتایبەتی لەنێو ئەو "
                "منداڵانەی کوتانە ئاساییەکانیان لەدەست دابوو. بەرپرسان گوتیان ژمارەی تووشبووە نوێیەکانی هەر "
                "هەفتەیەک لە سەرەتای هەڵمەتەکەوە زیاتر لە نیوە کەمی کردووە.",
                quote="«زۆرێک لە دایک و باوکان نەیاندەزانی منداڵەکەیان ژەمێکی لەدەست داوە. کاتێک پەرستارێک بە "
                "ڤاکسینەوە لە دەرگا دەدات، بڕیاردان ئاسان دەبێت»، د. سازان حەمید، پزیشکی منداڵان لە کەرکووک، "
                "وای گوت.",
                outlook="هەڵمەتەکە بۆ دوو هەفتەی تر لەو ناوچانەی ڕێژەی کوتانیان کەمترە بەردەوام دەبێت. ئەو دایک و "
                "باوکانەی دڵنیا نین لە کوتانەکانی منداڵەکەیان دەتوانن بۆ پشکنینی بەخۆڕایی سەردانی هەر بنکەیەکی "
                "تەندروستیی سەرەتایی بکەن.",
            ),
            "ar": StoryText(
                title="حملة التطعيم ضد الحصبة تصل إلى مليون طفل",
                summary="جالت الفرق الصحية من بيت إلى بيت في البلدات والمخيمات، ويقول المسؤولون إن عدد الإصابات "
                "الجديدة بدأ بالتراجع.",
                caption="ممرضة تحضّر لقاحاً في مركز صحي",
                lead="قالت وزارة الصحة إن الحملة الوطنية للتطعيم ضد الحصبة وصلت إلى أكثر من مليون طفل دون سن "
                "الخامسة، بعد أن جالت الفرق من بيت إلى بيت في البلدات والقرى ومخيمات النازحين.",
                detail="وارتفعت الإصابات بالحصبة بشكل حاد في الشتاء الماضي، ومعظمها بين أطفال فاتتهم اللقاحات "
                "الروتينية. وقال مسؤولون إن عدد الإصابات الجديدة المسجلة أسبوعياً انخفض بأكثر من النصف منذ انطلاق "
                "الحملة.",
                quote="«كثير من الأهالي لم يكونوا يعرفون أصلاً أن طفلهم فاتته جرعة. وعندما تطرق ممرضة الباب ومعها "
                "اللقاح، يصبح القرار سهلاً»، قالت الدكتورة سازان حميد، طبيبة الأطفال في كركوك.",
                outlook="وتستمر الحملة أسبوعين إضافيين في المناطق الأقل تغطية. ويمكن للأهالي غير المتأكدين من لقاحات "
                "أطفالهم زيارة أي مركز للرعاية الصحية الأولية لإجراء فحص مجاني.",
            ),
        },
    ),
    Story(
        key="technology-kurdish-voice-assistant",
        section="technology",
        hours_ago=18,
        tags=("ai", "kurdish-language"),
        credit="newsline",
        texts={
            "en": StoryText(
                title="Kurdish-language voice assistant released as open source",
                summary="A team of university researchers and volunteers has published a speech model that "
                "understands Sorani and Kurmanji on ordinary phones.",
                caption="A developer tests the voice assistant on a phone",
                lead="A team of researchers and volunteers has released an open-source voice assistant that "
                "understands spoken Sorani and Kurmanji, and can run on an ordinary mid-range phone without an "
                "internet connection.",
                detail="The model was trained on more than 3,000 hours of recorded speech donated by people across the "
                "region and the diaspora. It can set reminders, read messages aloud and answer simple questions, and "
                "developers are free to build it into their own apps.",
                quote="“Big technology companies kept telling us Kurdish was too small a market. So we built it "
                "ourselves, and now anyone can improve it,” said Zhiwar Mahmood, one of the project's lead engineers.",
                outlook="The team is now collecting recordings in Hawrami and Zazaki and hopes to add them next year. "
                "Volunteers can donate their voice through the project's website.",
            ),
            "ckb": StoryText(
                title="یاریدەدەرێکی دەنگیی زمانی کوردی وەک سەرچاوەی کراوە بڵاوکرایەوە",
                summary="تیمێک لە توێژەرانی زانکۆ و خۆبەخشان مۆدێلێکی قسەکردنیان بڵاوکردەوە کە لەسەر مۆبایلی "
                "ئاسایی لە سۆرانی و کورمانجی تێدەگات.",
                caption="گەشەپێدەرێک یاریدەدەرە دەنگییەکە لەسەر مۆبایلێک تاقی دەکاتەوە",
                lead="تیمێک لە توێژەران و خۆبەخشان یاریدەدەرێکی دەنگیی سەرچاوە کراوەیان بڵاوکردەوە کە لە سۆرانی و "
                "کورمانجیی گوتراو تێدەگات و دەتوانێت بەبێ ئینتەرنێت لەسەر مۆبایلێکی مامناوەندیی ئاسایی کار بکات.",
                detail="مۆدێلەکە لەسەر زیاتر لە ٣٠٠٠ کاتژمێر دەنگی تۆمارکراو ڕاهێنراوە کە خەڵکی سەرانسەری هەرێم و "
                "دیاسپۆرا بەخشیویانە. دەتوانێت بیرخەرەوە دابنێت، نامەکان بە دەنگی بەرز بخوێنێتەوە و وەڵامی پرسیاری "
                "سادە بداتەوە و گەشەپێدەران ئازادن لە ئەپەکانی خۆیاندا بەکاری بهێنن.",
                quote="«کۆمپانیا گەورەکانی تەکنەلۆژیا بەردەوام پێیان دەگوتین کوردی بازاڕێکی زۆر بچووکە. بۆیە خۆمان "
                "دروستمان کرد و ئێستا هەر کەسێک دەتوانێت باشتری بکات»، ژیوار مەحموود، یەکێک لە ئەندازیارە "
                "سەرەکییەکانی پرۆژەکە، وای گوت.",
                outlook="تیمەکە ئێستا دەنگی تۆمارکراو بە هەورامی و زازاکی کۆدەکاتەوە و هیوادارە ساڵی داهاتوو زیادیان "
                "بکات. خۆبەخشان دەتوانن لە ڕێگەی ماڵپەڕی پرۆژەکەوە دەنگی خۆیان ببەخشن.",
            ),
            "ar": StoryText(
                title="إطلاق مساعد صوتي باللغة الكردية مفتوح المصدر",
                summary="نشر فريق من الباحثين الجامعيين والمتطوعين نموذجاً للكلام يفهم السورانية والكرمانجية على "
                "الهواتف العادية.",
                caption="مطوّر يختبر المساعد الصوتي على هاتف محمول",
                lead="أطلق فريق من الباحثين والمتطوعين مساعداً صوتياً مفتوح المصدر يفهم السورانية والكرمانجية "
                "المنطوقتين، ويمكنه العمل على هاتف عادي متوسط المواصفات من دون اتصال بالإنترنت.",
                detail="ودُرّب النموذج على أكثر من 3000 ساعة من الكلام المسجل تبرع به أشخاص من مختلف أنحاء الإقليم "
                "والمهجر. ويمكنه ضبط التذكيرات وقراءة الرسائل بصوت عالٍ والإجابة عن أسئلة بسيطة، ويحق للمطورين "
                "دمجه في تطبيقاتهم.",
                quote="«ظلت شركات التكنولوجيا الكبرى تقول لنا إن الكردية سوق صغيرة جداً. لذلك بنيناه بأنفسنا، والآن "
                "يمكن لأي شخص تحسينه»، قال جيوار محمود، أحد كبار مهندسي المشروع.",
                outlook="ويجمع الفريق حالياً تسجيلات باللهجتين الهورامية والزازاكية ويأمل إضافتهما العام المقبل. "
                "ويمكن للمتطوعين التبرع بأصواتهم عبر موقع المشروع.",
            ),
        },
    ),
    # English only: more stories, and the editorial states a reader never sees.
    Story(
        key="health-duhok-evening-clinics",
        section="health",
        hours_ago=55,
        tags=("duhok", "hospitals"),
        credit="newsline",
        texts={
            "en": StoryText(
                title="Duhok hospitals add evening clinics to cut waiting times",
                summary="Outpatient clinics at three public hospitals will stay open until nine at night, starting "
                "with cardiology, orthopaedics and paediatrics.",
                caption="Patients wait at an outpatient clinic in Duhok",
                lead="Three public hospitals in Duhok will open outpatient clinics in the evening, the provincial "
                "health directorate has announced, in an effort to cut waiting times that now stretch to several "
                "weeks for some specialists.",
                detail="Cardiology, orthopaedics and paediatrics will be the first departments to see patients until "
                "nine at night. Doctors taking evening shifts will be paid overtime, and appointments can be booked "
                "by phone or through a new messaging service.",
                quote="“Many of our patients work all day and lose a day's wage to see a doctor. Evening clinics give "
                "them another choice,” said the director of one of the hospitals.",
                outlook="If the trial works, the directorate plans to extend evening hours to more departments and to "
                "smaller hospitals across the province later in the year.",
            ),
        },
    ),
    Story(
        key="technology-fibre-internet-homes",
        section="technology",
        hours_ago=75,
        tags=("internet",),
        credit="newsline",
        texts={
            "en": StoryText(
                title="Fibre internet reaches 200,000 homes across the region",
                summary="Providers say prices have fallen by a third in two years as fibre replaces wireless links in "
                "cities and larger towns.",
                caption="A technician connects a fibre cable in a residential street",
                lead="Fibre-optic internet now reaches more than 200,000 homes in the Kurdistan Region, according to "
                "figures from providers, as cables replace the rooftop wireless links that most households relied on "
                "until recently.",
                detail="Monthly prices for a basic fibre connection have fallen by about a third in two years. "
                "Providers say demand rose sharply as students took online courses and more people began working "
                "from home for companies abroad.",
                quote="“Three years ago a video call would freeze every few minutes. Now I hold meetings with clients "
                "in Germany without thinking about it,” said Rozhan, a graphic designer in Erbil.",
                outlook="Providers plan to extend fibre to smaller towns next, though they say permits to dig in older "
                "neighbourhoods remain slow to obtain.",
            ),
        },
    ),
    Story(
        key="world-oil-prices-output-unchanged",
        section="world",
        hours_ago=120,
        breaking=True,
        tags=("oil",),
        credit="reuters",
        texts={
            "en": StoryText(
                title="Oil prices slip after major producers keep output unchanged",
                summary="Benchmark crude fell about two percent after a meeting of exporting countries ended without "
                "new production cuts.",
                caption="An oil tanker at sea",
                lead="Oil prices fell about two percent after a meeting of major exporting countries ended with no "
                "change to production targets, disappointing traders who had expected further cuts.",
                detail="Producers said demand was recovering and that current output levels would keep the market "
                "balanced. Some analysts warned that rising supply from countries outside the group could push "
                "prices lower over the summer.",
                quote="“The market was hoping for a signal, and it did not get one. For now, traders are looking at "
                "inventories week by week,” said an energy analyst in London.",
                outlook="Lower prices would ease fuel bills in importing countries but tighten budgets in exporters "
                "such as Iraq, which depends on oil for most of its public revenue.",
            ),
        },
    ),
    Story(
        key="economy-erbil-startup-week",
        section="economy",
        hours_ago=90,
        tags=("erbil", "startups"),
        credit="newsline",
        texts={
            "en": StoryText(
                title="Young entrepreneurs pitch their ideas at Erbil's first startup week",
                summary="Forty teams presented apps and small businesses to investors, from farm delivery services to "
                "Kurdish-language learning games.",
                caption="A team presents its app on stage at startup week",
                lead="Forty teams of young entrepreneurs presented their ideas to investors during Erbil's first "
                "startup week, with projects ranging from a delivery service for farm produce to a game that teaches "
                "children to read Kurdish.",
                detail="Five teams won seed funding and six months of free office space in a new technology hub. "
                "Organisers said more than a third of the founders taking part were women, and many had built their "
                "first products while still at university.",
                quote="“We did not have a single investor in the room two years ago. Today they were competing for the "
                "best teams,” said Aso Jalal, one of the organisers.",
                outlook="The hub will run a training programme for the winners and plans to hold the next startup week "
                "in Sulaimani.",
            ),
        },
    ),
    Story(
        key="culture-duhok-film-festival-lineup",
        section="culture",
        hours_ago=0,
        tags=("duhok", "film"),
        credit="newsline",
        states={"en": "draft"},
        texts={
            "en": StoryText(
                title="Duhok film festival announces its lineup",
                summary="Thirty feature films and documentaries from the region will be screened, with a new section "
                "for films made on phones.",
                caption="An audience at an open-air screening",
                lead="The Duhok international film festival has announced a lineup of thirty feature films and "
                "documentaries, most of them made in the Middle East and a third directed by women.",
                detail="A new section will show short films made entirely on mobile phones, chosen from more than 400 "
                "submissions. Screenings will take place in cinemas and, for the first time, at open-air venues in "
                "three nearby towns.",
                quote="“Good stories do not need big budgets. Some of the strongest films this year were shot on a "
                "phone by people who had never been to film school,” said a member of the selection committee.",
                outlook="Tickets go on sale two weeks before the opening night. The full programme will be published "
                "on the festival's website.",
            ),
        },
    ),
    Story(
        key="sports-national-team-squad-friendlies",
        section="sports",
        hours_ago=0,
        tags=("football",),
        credit="afp",
        states={"en": "in_review"},
        texts={
            "en": StoryText(
                title="National team coach names squad for two friendlies",
                summary="Three uncapped players are included as the coach looks ahead to the qualifying campaign.",
                caption="Players train at the national stadium",
                lead="The national football team's coach has named a 25-man squad for two friendly matches next "
                "month, including three players who have never played for the senior side.",
                detail="Two of the newcomers play for clubs in the domestic league, and the third is a midfielder born "
                "abroad who recently chose to represent the country. Several regular starters have been rested after "
                "long club seasons.",
                quote="“These games are a chance to look at new faces before the matches that really count. Nobody's "
                "place is guaranteed,” the coach said.",
                outlook="The squad will gather for a training camp a week before the first match. The qualifying "
                "campaign begins in the autumn.",
            ),
        },
    ),
    Story(
        key="health-free-checkups-weekend",
        section="health",
        hours_ago=-48,
        tags=("hospitals",),
        credit="newsline",
        states={"en": "scheduled"},
        texts={
            "en": StoryText(
                title="Free health checks offered at clinics across the region this weekend",
                summary="Blood pressure, blood sugar and eye tests will be available without an appointment at "
                "primary health centres.",
                caption="A doctor measures a patient's blood pressure",
                lead="Primary health centres across the region will offer free check-ups this weekend, including "
                "tests for blood pressure, blood sugar and eyesight, without the need for an appointment.",
                detail="The health directorate said the event aims to find people with diabetes and high blood "
                "pressure who do not know they have them. Anyone found with a problem will be referred to a "
                "specialist and given a follow-up date on the spot.",
                quote="“Most people only come to us when they already feel ill. We want to meet them earlier, when "
                "treatment is simpler,” a directorate official said.",
                outlook="Centres will open from nine in the morning until four in the afternoon. A list of "
                "participating centres is available from the directorate's phone line.",
            ),
        },
    ),
    Story(
        key="iraq-basra-port-expansion",
        section="iraq",
        hours_ago=30,
        tags=("trade",),
        credit="reuters",
        states={"en": "unpublished"},
        texts={
            "en": StoryText(
                title="Basra port expansion to double container capacity, officials say",
                summary="New berths and cranes are planned at the southern port to handle larger ships.",
                caption="Cranes at the port of Basra",
                lead="Officials say an expansion of the port of Basra will double its container capacity within three "
                "years, with new berths and cranes able to handle larger ships.",
                detail="The project includes dredging the approach channel and building a rail link to carry "
                "containers inland. Officials said part of the cost would be covered by private operators who will "
                "run the new terminals.",
                quote="“Ships that today unload in neighbouring ports could come directly to Basra,” a transport "
                "ministry official said.",
                outlook="Construction of the first new berth is due to begin later this year, once the financing is "
                "agreed.",
            ),
        },
    ),
]
