/*
 * rules.c — built-in sentence rules per language: which words before a full
 * stop are abbreviations (and of which kind), and which capitalized words
 * usually begin a sentence. The engine in segmenter.c uses them to correct
 * ICU's candidate breaks.
 *
 * Keys are written without the final full stop; abbreviations of several
 * parts are joined with '.' and no spaces, so "т. е." and "т.е." are both
 * "т.е". Lookups are case-sensitive: "Sat." (Saturday) is not "sat.".
 */
#include <string.h>

#include "segment/seg_internal.h"

/* ---- English ------------------------------------------------------------ */

static const char *const en_nonfinal[] = {
    /* titles before a name */
    "Mr", "Mrs", "Ms", "Messrs", "Mmes", "Dr", "Drs", "Prof", "Profs", "Gen", "Lt", "Col", "Maj",
    "Capt", "Cmdr", "Cdr", "Adm", "Sgt", "Cpl", "Pvt", "Brig", "Sen", "Sens", "Rep", "Reps", "Gov",
    "Govs", "Pres", "Supt", "Rev", "Revd", "Hon", "Fr", "Msgr", "Atty", "Insp", "Det", "Amb",
    "Gens", "Mme", "Mlle", "Sr", "Sra", "Srta",
    /* before a name or a reference */
    "cf", "Cf", "vs", "v", "viz", "approx", "Approx", "ca", "c", "ed", "eds", "Ed", "Eds", "trans",
    /* months and days */
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon",
    "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri",
    /* Latin */
    "e.g", "i.e", "E.g", "I.e", "et", "a.k.a", "A.k.a", NULL};

static const char *const en_final[] = {"etc", "Etc", NULL};

static const char *const en_ambiguous[] = {
    "al", "Inc", "Ltd", "Co", "Corp", "Plc", "plc", "Bros", "Jr", "Esq", "Assn", "Dept", "Univ",
    "Intl", "a.m", "p.m", "A.M", "P.M", "St", "Ave", "Blvd", "Rd", "Ln", "Hwy", "Pl", "Sq", "Mt",
    "Ft", "Ct", "Pk", "est", "Est", "mfg", "Mfg",
    /* units */
    "ft", "lb", "lbs", "oz", "mi", "yd", "yds", "hr", "hrs", "min", "mins", "secs", "yr", "yrs",
    "mo", "mos", "sq", "cu", "gal", "qt", "tbsp", "tsp", NULL};

/* Places written after "City, ": AP style puts a comma after them inside a sentence
   ("Portland, Ore., police said"), so "Portland, Ore. Police" is two sentences. */
static const char *const en_place[] = {
    "D.C", "Ala",  "Ariz", "Ark",  "Calif", "Cal", "Colo", "Conn", "Del",  "Fla",   "Ga",  "Ill",
    "Ind", "Kan",  "Kans", "Ky",   "La",    "Md",  "Mass", "Mich", "Minn", "Miss",  "Mo",  "Mont",
    "Neb", "Nebr", "Nev",  "Okla", "Ore",   "Pa",  "Penn", "Tenn", "Tex",  "Va",    "Vt",  "Wash",
    "Wis", "Wisc", "Wyo",  "Ida",  "Alta",  "Ont", "Que",  "Sask", "Man",  "N.Y",   "N.J", "N.C",
    "S.C", "N.D",  "S.D",  "N.H",  "N.M",   "R.I", "W.Va", "B.C",  "N.S",  "P.E.I", NULL};

static const char *const en_before_number[] = {
    "No",  "Nos", "no",  "nos",  "Vol",  "vol", "Vols", "vols", "pp",  "Pp",
    "p",   "Fig", "fig", "Figs", "figs", "Eq",  "eq",   "Ch",   "ch",  "Art",
    "art", "Sec", "sec", "Para", "para", "Ref", "ref",  "Op",   "op",  "Nr",
    "Pt",  "pt",  "Sch", "Ex",   "ex",   "Tab", "tab",  "Col",  "col", NULL};

static const char *const en_starters[] = {
    "The", "A", "An", "This", "That", "These", "Those", "It", "Its", "It's", "He", "She", "They",
    "We", "I", "You", "His", "Her", "Their", "Our", "My", "Your", "There", "Here", "In", "On", "At",
    "For", "From", "By", "With", "Without", "After", "Before", "During", "Since", "Until", "As",
    "If", "When", "While", "Where", "What", "Who", "Whom", "Whose", "Which", "Why", "How", "But",
    "And", "Or", "So", "Yet", "Nor", "However", "Meanwhile", "Also", "Still", "Then", "Now", "Thus",
    "Therefore", "Instead", "Although", "Though", "Because", "Despite", "According", "Some", "Many",
    "Most", "All", "Both", "Each", "Every", "No", "Not", "Neither", "Either", "One", "Two", "Three",
    "Four", "Five", "Other", "Another", "Such", "Last", "Next", "Earlier", "Later", "Today",
    "Yesterday", "Tomorrow", "Yes", "Please", "Do", "Does", "Did", "Is", "Are", "Was", "Were",
    "Would", "Can", "Could", "Should", "Might", "Must", "Have", "Has", "Had", "Let", "To", "Of",
    "Under", "Over", "About", "Among", "Between", "Through", "Into", "Even", "Only", "Just", "Like",
    "Unlike", "Besides", "Moreover", "Furthermore", "Nevertheless", "Otherwise", "Indeed",
    "Perhaps", "Maybe", "Once", "Again", "Several", "Few", "More", "Much",
    /* Nationality adjectives cannot follow "U.S." or "Inc." inside a sentence
       ("the U.S. Japanese officials" is two sentences). */
    "American", "Americans", "British", "Russian", "Russians", "Japanese", "Chinese", "Korean",
    "Koreans", "German", "Germans", "French", "Ukrainian", "Ukrainians", "European", "Europeans",
    "Soviet", "Israeli", "Israelis", "Iranian", "Iranians", "Indian", "Canadian", "Australian",
    "Italian", "Spanish", "Turkish", "Syrian", "Iraqi", "Afghan", "Pakistani", "Mexican",
    "Brazilian", "Polish", "Dutch", "Swedish", "Norwegian", "Finnish", "Palestinian",
    "Palestinians", "Taiwanese", "Vietnamese", "Egyptian", "Saudi", "Western", "Eastern", "Asian",
    "African", "Arab", NULL};

/* ---- Russian ------------------------------------------------------------ */

static const char *const ru_nonfinal[] = {
    "т.е",  "т.к",  "т.н",  "т.ч",  "т.о",  "т.наз", "Т.е",   "Т.к",  "им",   "ул",   "просп",
    "пл",   "пер",  "пр-т", "д",    "кв",   "корп",  "напр",  "Напр", "проф", "акад", "доц",
    "канд", "докт", "ген",  "о",    "оз",   "р",     "св",    "тов",  "гр",   "ок",   "обл",
    "гос",  "нач",  "зам",  "ред",  "изд",  "англ",  "франц", "нем",  "лат",  "япон", "яп",
    "кит",  "рус",  "укр",  "греч", "исп",  "итал",  "араб",  "сб",   "ср",   "Ср",   "пос",
    "дер",  "мн",   "ед",   "род",  "наст", "Св",    "Проф",  "Акад", "Ген",  "Ул",   "Пл",
    "Им",   "Т.н",  "г-н",  "г-жа", NULL};

static const char *const ru_ambiguous[] = {"пр",  "Р.Х", "и.о", "И.о", "г",   "гг",  "в", "вв",
                                           "чел", "экз", "шт",  "мес", "нед", "сут", NULL};

static const char *const ru_after_number[] = {"см",    "мин", "сек", "л",  "м", "мм", "кв.м",
                                              "куб.м", "га",  "кг",  "км", "ц", NULL};

static const char *const ru_before_number[] = {"п",    "пп",  "ч",   "ст",  "гл",   "рис",
                                               "табл", "стр", "вып", "Рис", "Табл", "Гл",
                                               "Ст",   "т",   "с",   "No",  NULL};

static const char *const ru_final[] = {"н.э", "т.д", "т.п",  "Т.д", "др",   "проч",
                                       "etc", "тыс", "Тыс",  "млн", "млрд", "трлн",
                                       "руб", "коп", "долл", "дол", "евр",  NULL};

static const char *const ru_starters[] = {
    "В", "Во", "На", "По", "Это", "Этот", "Эта", "Эти", "Этим", "Этого", "Он", "Она", "Оно", "Они",
    "Мы", "Я", "Вы", "Ты", "Но", "И", "А", "Однако", "Как", "Так", "Также", "Тогда", "Теперь",
    "Сейчас", "При", "С", "Со", "За", "Из", "К", "Ко", "У", "О", "Об", "От", "Для", "После", "До",
    "Перед", "Кроме", "Тем", "Вместе", "Ранее", "Позже", "Позднее", "Его", "Ее", "Её", "Их", "Все",
    "Всего", "Уже", "Еще", "Ещё", "Не", "Ни", "Что", "Кто", "Где", "Когда", "Почему", "Зачем",
    "Если", "Хотя", "Поэтому", "Между", "Против", "Около", "Среди", "Несмотря", "Впрочем", "Помимо",
    "Затем", "Потом", "Здесь", "Там", "Вот", "Да", "Нет", "Именно", "Лишь", "Только", "Даже",
    "Такой", "Такие", "Такая", "Каждый", "Многие", "Некоторые", "Один", "Одна", "Два", "Две", "Три",
    "Сам", "Сама", "Сами", "Ему", "Им", "Из-за", "Согласно", "Вчера", "Сегодня", "Завтра",
    "Впервые", "Напомним", "Кстати", "Причем", "Причём", "Следует", "Нужно", "Можно", "Было", "Был",
    "Была", "Были", "Будет", "Есть", "Об", "Ведь", "Зато", "Иначе", "Итак", "Наконец", "Например",
    "Правда", "Конечно", "Возможно", "Видимо", "Кроме", "Всё", "Весь", "Вся", "Чтобы", "Пока",
    "Хотя", "Сразу", "Уже", "Всего", "Больше", "Меньше", "Более", "Менее", "Около", "Спустя",
    "Через", "Над", "Под", "Без", "Про", "Ради",
    /* inflected pronouns and determiners */
    "Одной", "Одним", "Одного", "Одному", "Одну", "Одни", "Этой", "Этом", "Этому", "Эту", "Этих",
    "Этими", "Того", "Тому", "Той", "Том", "Тех", "Теми", "Те", "Та", "То", "Тот", "Нему", "Ней",
    "Нём", "Них", "Ним", "Ними", "Всех", "Всем", "Всеми", "Каждой", "Каждого", "Каждая", "Каждое",
    "Многих", "Многим", "Некоторых", "Других", "Другой", "Другие", "Другая", "Первый", "Первая",
    "Первое", "Первые", "Второй", "Последний", "Последние", "Такого", "Таким", "Такую", "Наш",
    "Наша", "Наши", "Ваш", "Мой", "Свой", "Своей", "Нам", "Нас", "Вам", "Вас", "Меня", "Мне",
    "Себя", "Сейчас", "Тут", "Поскольку", "Однажды", "Кроме", "Либо", "Или", "Зато", "Кто-то",
    "Что-то", "Никто", "Ничто", "Ничего", "Нельзя", "Надо", "Говоря", "Оба", "Обе", NULL};

/* ---- German ------------------------------------------------------------- */

static const char *const de_nonfinal[] = {
    "Nr",   "Dr",   "Prof",  "Hr",    "Hrn",  "Fr",    "Frl",   "bzw",  "z.B",  "Z.B",
    "d.h",  "D.h",  "z.T",   "u.U",   "o.ä",  "i.d.R", "m.E",   "s.o",  "s.u",  "v.a",
    "ca",   "evtl", "ggf",   "vgl",   "Vgl",  "sog",   "geb",   "gest", "inkl", "zzgl",
    "exkl", "St",   "Bde",   "Tel",   "Dipl", "Ing",   "Mag",   "Inst", "Verf", "Anm",
    "Jan",  "Feb",  "Mär",   "Apr",   "Jun",  "Jul",   "Aug",   "Sep",  "Sept", "Okt",
    "Nov",  "Dez",  "u.a.m", "z.Zt",  "z.Z",  "allg",  "bspw",  "insb", "lt",   "max",
    "min",  "mind", "ehem",  "eigtl", "gem",  "ugs",   "urspr", "zit",  "Min",  "Präs",
    "Gen",  "Reg",  "Bez",   "Hl",    "hl",   "Hll",   "Mr",    "Mrs",  "Ms",   NULL};

static const char *const de_ambiguous[] = {
    "u.a",   "Hrsg", "Jh",  "Jhd", "Jhs", "Chr", "v.Chr", "n.Chr", "Str",
    "d.Red", "Red",  "d.J", "d.M", "u.ä", "Co",  "Inc",   "Ltd",   "Corp",
    "GmbH",  "Mass", "Mio", "Mrd", "Tsd", "Std", "Sek",   NULL};

static const char *const de_after_number[] = {"Pf", "kg", "km", NULL};

static const char *const de_final[] = {"usw", "etc", NULL};

static const char *const de_before_number[] = {"Nr",  "S",   "Abs", "Art", "Bd",  "Kap", "Ziff",
                                               "Tab", "Abb", "Anl", "Fn",  "Nrn", "Ss",  NULL};

static const char *const de_starters[] = {
    "Der",          "Die",      "Das",         "Den",       "Dem",       "Des",
    "Ein",          "Eine",     "Einen",       "Einem",     "Einer",     "Er",
    "Sie",          "Es",       "Wir",         "Ich",       "Ihr",       "In",
    "Im",           "Am",       "An",          "Auf",       "Aus",       "Mit",
    "Nach",         "Bei",      "Beim",        "Vom",       "Von",       "Vor",
    "Zu",           "Zum",      "Zur",         "Für",       "Über",      "Unter",
    "Um",           "Seit",     "Bis",         "Durch",     "Gegen",     "Ohne",
    "Trotz",        "Während",  "Wegen",       "Laut",      "Aber",      "Und",
    "Oder",         "Doch",     "Denn",        "Dann",      "Danach",    "Daher",
    "Damit",        "Dabei",    "Darüber",     "Dafür",     "Dagegen",   "Deshalb",
    "Deswegen",     "Trotzdem", "Jedoch",      "Zudem",     "Außerdem",  "Auch",
    "Noch",         "Nun",      "Jetzt",       "Heute",     "Gestern",   "Morgen",
    "So",           "Wie",      "Was",         "Wer",       "Wo",        "Wann",
    "Warum",        "Welche",   "Welcher",     "Wenn",      "Als",       "Ob",
    "Dass",         "Dies",     "Diese",       "Dieser",    "Dieses",    "Diesem",
    "Diesen",       "Jeder",    "Jede",        "Alle",      "Viele",     "Einige",
    "Man",          "Nicht",    "Kein",        "Keine",     "Nur",       "Schon",
    "Bereits",      "Hier",     "Dort",        "Da",        "Ja",        "Nein",
    "Sein",         "Seine",    "Ihre",        "Unser",     "Mehr",      "Weitere",
    "Zwei",         "Drei",     "Erst",        "Zunächst",  "Später",    "Inzwischen",
    "Allerdings",   "Vielmehr", "Stattdessen", "Insgesamt", "Zwar",      "Mittlerweile",
    "Anschließend", "Somit",    "Also",        "Ebenso",    "Ebenfalls", "Obwohl",
    "Weil",         NULL};

/* ---- French ------------------------------------------------------------- */

static const char *const fr_nonfinal[] = {
    "M",     "MM",   "Mme",  "Mmes", "Mlle", "Mlles", "Mgr",  "Me",    "Dr",   "Pr",   "St",  "Ste",
    "av",    "bd",   "boul", "cf",   "env",  "ex",    "al",   "éd",    "janv", "févr", "fév", "avr",
    "juill", "juil", "sept", "oct",  "nov",  "déc",   "apr",  "c.à-d", "p.ex", "ibid", "op",  "réf",
    "Cf",    "Gén",  "Col",  "Cdt",  "Lt",   "Cne",   "Prof", "Sr",    NULL};

static const char *const fr_before_number[] = {"p",   "pp",   "chap", "vol", "t",
                                               "art", "n",    "no",   "fig", "Vol",
                                               "Art", "Chap", "Fig",  "No",  NULL};

static const char *const fr_ambiguous[] = {"cit", "Cie", "J.C", "av.J.C", "apr.J.C", "hab",
                                           "Inc", "Ltd", "Co",  "Corp",   NULL};

static const char *const fr_final[] = {"etc", NULL};

static const char *const fr_after_number[] = {"km",  "kg", "min", "sec", "hab", "mds",
                                              "Mds", "md", "Md",  "mns", NULL};

static const char *const fr_starters[] = {
    "Le",        "La",     "Les",       "L",         "Un",       "Une",       "Des",     "Du",
    "De",        "D",      "Il",        "Elle",      "Ils",      "Elles",     "Nous",    "Vous",
    "Je",        "J",      "On",        "Ce",        "Cet",      "Cette",     "Ces",     "Cela",
    "Ceci",      "Mais",   "Et",        "Ou",        "Donc",     "Or",        "Car",     "Dans",
    "En",        "Au",     "Aux",       "Pour",      "Par",      "Sur",       "Sous",    "Avec",
    "Sans",      "Selon",  "Depuis",    "Après",     "Avant",    "Pendant",   "Chez",    "Entre",
    "Vers",      "Contre", "Cependant", "Toutefois", "Pourtant", "Ainsi",     "Alors",   "Puis",
    "Ensuite",   "Enfin",  "Si",        "Quand",     "Comme",    "Lorsque",   "Lors",    "Son",
    "Sa",        "Ses",    "Leur",      "Leurs",     "Notre",    "Nos",       "Votre",   "Tout",
    "Tous",      "Toute",  "Toutes",    "Plusieurs", "Certains", "Certaines", "Aucun",   "Aucune",
    "Chaque",    "Y",      "Oui",       "Non",       "Ne",       "Pas",       "Déjà",    "Encore",
    "Aujourd",   "Hier",   "Demain",    "Deux",      "Trois",    "Qui",       "Que",     "Qu",
    "Quel",      "Quelle", "Quels",     "Quelles",   "Où",       "Pourquoi",  "Comment", "Parmi",
    "Malgré",    "Grâce",  "Outre",     "Certes",    "Bref",     "Désormais", "Aussi",   "Mme",
    "Néanmoins", "Par",    "Seul",      "Seule",     "Rien",     "Personne",  "Plus",    "Moins",
    "Très",      "Là",     "Ici",       "Voici",     "Voilà",    "C",         "S",       "N",
    NULL};

/* ---- the table ------------------------------------------------------------ */

static const char *const none[] = {NULL};

static const cc_lang_rules g_rules[] = {
    {"en", 0, en_nonfinal, en_ambiguous, none, en_before_number, en_final, en_place, en_starters},
    {"ru", CC_LANG_SURNAME_FIRST | CC_LANG_LATIN_AS_EN, ru_nonfinal, ru_ambiguous, ru_after_number,
     ru_before_number, ru_final, none, ru_starters},
    {"de", CC_LANG_ORDINAL_DOT, de_nonfinal, de_ambiguous, de_after_number, de_before_number,
     de_final, none, de_starters},
    {"fr", CC_LANG_SPACED_CLOSE, fr_nonfinal, fr_ambiguous, fr_after_number, fr_before_number,
     fr_final, none, fr_starters},
    {"ja", CC_LANG_CJK | CC_LANG_LATIN_AS_EN, none, none, none, none, none, none, none},
    {"zh", CC_LANG_CJK | CC_LANG_LATIN_AS_EN, none, none, none, none, none, none, none},
};

static const cc_lang_rules g_generic = {"", 0, none, none, none, none, none, none, none};

const cc_lang_rules *cc_lang_rules_find(const char *primary)
{
    for (size_t i = 0; i < CC_ARRAY_LEN(g_rules); i++)
        if (strcmp(g_rules[i].code, primary) == 0)
            return &g_rules[i];
    return &g_generic;
}

/* ---- word sets ------------------------------------------------------------ */

static uint32_t hash_units(const cc_uchar *u, int32_t n)
{
    return (uint32_t)cc_hash(CC_HASH_INIT, u, (size_t)n * sizeof(*u));
}

static int wordset_grow(cc_wordset *ws)
{
    uint32_t cap = ws->slots ? (ws->mask + 1) * 2 : 64;
    struct cc_wordset_slot *slots = cc_calloc(cap, sizeof(*slots));
    if (!slots)
        return cc_error_oom();
    if (ws->slots) {
        for (uint32_t i = 0; i <= ws->mask; i++) {
            struct cc_wordset_slot *s = &ws->slots[i];
            if (!s->len)
                continue;
            uint32_t j = s->hash & (cap - 1);
            while (slots[j].len)
                j = (j + 1) & (cap - 1);
            slots[j] = *s;
        }
        cc_free(ws->slots);
    }
    ws->slots = slots;
    ws->mask = cap - 1;
    return 0;
}

int cc_wordset_add_utf8(cc_wordset *ws, const char *key, uint8_t value)
{
    cc_uchar *u = NULL;
    int32_t n = 0;
    int rc;
    if ((!ws->slots || (ws->count + 1) * 2 > ws->mask + 1) && (rc = wordset_grow(ws)) < 0)
        return rc;
    if ((rc = cc_utf16_from_utf8(key, strlen(key), &u, &n)) < 0)
        return rc;
    if (n == 0 || n > 0xFFFF) {
        cc_free(u);
        return 0;
    }
    uint32_t h = hash_units(u, n);
    uint32_t j = h & ws->mask;
    while (ws->slots[j].len) {
        struct cc_wordset_slot *s = &ws->slots[j];
        if (s->hash == h && s->len == n && memcmp(s->key, u, (size_t)n * sizeof(cc_uchar)) == 0) {
            s->value = value; /* a later list wins */
            cc_free(u);
            return 0;
        }
        j = (j + 1) & ws->mask;
    }
    ws->slots[j].hash = h;
    ws->slots[j].len = (uint16_t)n;
    ws->slots[j].value = value;
    ws->slots[j].key = u;
    ws->count++;
    return 0;
}

uint8_t cc_wordset_get(const cc_wordset *ws, const cc_uchar *u, int32_t n)
{
    if (!ws->slots || n <= 0 || n > 0xFFFF)
        return 0;
    uint32_t h = hash_units(u, n);
    uint32_t j = h & ws->mask;
    while (ws->slots[j].len) {
        const struct cc_wordset_slot *s = &ws->slots[j];
        if (s->hash == h && s->len == n && memcmp(s->key, u, (size_t)n * sizeof(cc_uchar)) == 0)
            return s->value;
        j = (j + 1) & ws->mask;
    }
    return 0;
}

void cc_wordset_free(cc_wordset *ws)
{
    if (ws->slots)
        for (uint32_t i = 0; i <= ws->mask; i++)
            cc_free(ws->slots[i].key);
    cc_free(ws->slots);
    ws->slots = NULL;
    ws->mask = ws->count = 0;
}
