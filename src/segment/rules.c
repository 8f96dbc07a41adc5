/*
 * rules.c — built-in sentence rules per language: which words before a full
 * stop are abbreviations (and of which kind), and which capitalized words
 * usually begin a sentence. The engine in segmenter.c uses them to correct
 * ICU's candidate breaks.
 *
 * Keys are written without the final full stop; abbreviations of several
 * parts are joined with '.' and no spaces, so "т. е." and "т.е." are both
 * "т.е". Lookups are case-sensitive: "Sat." (Saturday) is not "sat.".
 *
 * Each language has: titles, months and days, address and street words,
 * units and Latin or scholarly abbreviations, sorted into the classes of
 * cc_abbr_class (seg_internal.h) by how they behave before the next word.
 * A word not listed is judged by the general rules in segmenter.c (a word
 * without a vowel, a listed ending such as German "-str.", an initial).
 */
#include <string.h>

#include "segment/seg_internal.h"

/* Vowels of the Latin and Cyrillic alphabets: a word with none of them is an abbreviation. */
const char cc_vowels[] = "aeiouyAEIOUY"
                         "àáâãäåæèéêëìíîïòóôõöøœùúûüýÿāăąēėęěīįıōőūůűųÀÁÂÃÄÅÆÈÉÊËÌÍÎÏÒÓÔÕÖØŒÙÚÛÜÝŸ"
                         "аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ";

/* ---- English ------------------------------------------------------------ */

static const char *const en_nonfinal[] = {
    /* titles before a name */
    "Mr", "Mrs", "Ms", "Mx", "Messrs", "Mmes", "Dr", "Drs", "Prof", "Profs", "Gen", "Gens", "Lt",
    "Col", "Maj", "Capt", "Cmdr", "Cdr", "Adm", "Sgt", "Cpl", "Pvt", "Pfc", "Spc", "Ens", "Brig",
    "Sen", "Sens", "Rep", "Reps", "Gov", "Govs", "Lt.Gov", "Pres", "Supt", "Rev", "Revd", "Hon",
    "Rt", "Fr", "Msgr", "Atty", "Insp", "Det", "Amb", "Treas", "Asst", "Assoc", "Dir", "Mme",
    "Mlle", "Sra", "Srta", "Mt", "Ft",
    /* before a name or a reference */
    "cf", "Cf", "vs", "v", "viz", "approx", "Approx", "ca", "c", "ed", "eds", "Ed", "Eds", "trans",
    "ibid", "Ibid", "op.cit",
    /* months and days */
    "Jan", "Feb", "Febr", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri",
    /* Latin */
    "e.g", "i.e", "E.g", "I.e", "et", "a.k.a", "A.k.a", "n.b", "N.B", NULL};

static const char *const en_final[] = {"etc", "Etc", NULL};

static const char *const en_ambiguous[] = {
    "al", "Inc", "Ltd", "Co", "co", "Corp", "Plc", "plc", "LLC", "Bros", "Jr", "Esq", "Assn",
    "Dept", "Univ", "Intl", "Govt", "St", "Ave", "Av", "Blvd", "Rd", "Ln", "Hwy", "Pl", "Sq", "Ct",
    "Pk", "Pkwy", "Expy", "Ter", "Cir", "Ctr", "Bldg", "est", "Est", "mfg", "Mfg", "Sat", "Sun",
    "Sr", "Ph.D", "M.D", "B.A", "M.A", "B.Sc", "M.Sc",
    /* units */
    "ft", "lb", "lbs", "oz", "mi", "yd", "yds", "hr", "hrs", "min", "mins", "secs", "yr", "yrs",
    "mo", "mos", "wk", "wks", "sq", "cu", "gal", "qt", "tbsp", "tsp", "doz", NULL};

static const char *const en_time[] = {"a.m", "p.m", "A.M", "P.M", NULL};

/* After "9 a.m." these go on with the sentence: days, months, time zones. */
static const char *const en_time_continuers[] = {
    "Monday",   "Tuesday",   "Wednesday", "Thursday", "Friday",  "Saturday", "Sunday",  "January",
    "February", "March",     "April",     "May",      "June",    "July",     "August",  "September",
    "October",  "November",  "December",  "Eastern",  "Central", "Mountain", "Pacific", "Moscow",
    "Tokyo",    "Greenwich", "Jan",       "Feb",      "Mar",     "Apr",      "Jun",     "Jul",
    "Aug",      "Sep",       "Sept",      "Oct",      "Nov",     "Dec",      "Mon",     "Tue",
    "Tues",     "Wed",       "Thu",       "Thurs",    "Fri",     "Sat",      "Sun",     NULL};

/* Places written after "City, ": AP style puts a comma after them inside a sentence
   ("Portland, Ore., police said"), so "Portland, Ore. Police" is two sentences. */
static const char *const en_place[] = {
    "D.C", "Ala",  "Ariz", "Ark",  "Calif", "Cal", "Colo", "Conn", "Del",  "Fla",   "Ga",  "Ill",
    "Ind", "Kan",  "Kans", "Ky",   "La",    "Md",  "Mass", "Mich", "Minn", "Miss",  "Mo",  "Mont",
    "Neb", "Nebr", "Nev",  "Okla", "Ore",   "Pa",  "Penn", "Tenn", "Tex",  "Va",    "Vt",  "Wash",
    "Wis", "Wisc", "Wyo",  "Ida",  "Alta",  "Ont", "Que",  "Sask", "Man",  "N.Y",   "N.J", "N.C",
    "S.C", "N.D",  "S.D",  "N.H",  "N.M",   "R.I", "W.Va", "B.C",  "N.S",  "P.E.I", NULL};

static const char *const en_before_number[] = {
    "No",   "Nos", "no",   "nos",  "N°",  "n°",  "Nº",   "№",    "Vol",   "vol", "Vols",
    "vols", "pp",  "Pp",   "p",    "Fig", "fig", "Figs", "figs", "Eq",    "eq",  "Ch",
    "ch",   "Art", "art",  "Arts", "Sec", "sec", "Secs", "Para", "para",  "Ref", "ref",
    "Op",   "op",  "Nr",   "Pt",   "pt",  "Sch", "Ex",   "ex",   "Tab",   "tab", "Col",
    "col",  "Apt", "Apts", "Ste",  "Rm",  "Fl",  "Rte",  "Bk",   "bk",    "Pg",  "pg",
    "Tel",  "tel", "Ext",  "ext",  "Exh", "Cl",  "cl",   "Reg",  "Sched", "App", NULL};

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
    "Perhaps", "Maybe", "Once", "Again", "Several", "Few", "More", "Much", "Did", "Hello", "Hi",
    /* Nationality adjectives cannot follow "U.S." or "Inc." inside a sentence
       ("the U.S. Japanese officials" is two sentences). */
    "American", "Americans", "British", "Russian", "Russians", "Japanese", "Chinese", "Korean",
    "Koreans", "German", "Germans", "French", "Ukrainian", "Ukrainians", "European", "Europeans",
    "Soviet", "Israeli", "Israelis", "Iranian", "Iranians", "Indian", "Canadian", "Australian",
    "Italian", "Spanish", "Turkish", "Syrian", "Iraqi", "Afghan", "Pakistani", "Mexican",
    "Brazilian", "Polish", "Dutch", "Swedish", "Norwegian", "Finnish", "Palestinian",
    "Palestinians", "Taiwanese", "Vietnamese", "Egyptian", "Saudi", "Western", "Eastern", "Asian",
    "African", "Arab", NULL};

static const char *const en_credit_labels[] = {"Image", "Photo", "Picture", "Video", NULL};

static const char *const en_vowelless_words[] = {
    "Hmm", "hmm", "Hm",  "hm",  "Mmm", "mmm", "Shh", "shh",  "Sh",   "sh",  "Psst", "psst", "Pst",
    "pst", "Brr", "brr", "Grr", "grr", "Tsk", "tsk", "Pfft", "pfft", "Nth", "nth",  NULL};

/* ---- Russian ------------------------------------------------------------ */

static const char *const ru_nonfinal[] = {
    /* "that is", "so called" and the like */
    "т.е", "т.к", "т.н", "т.ч", "т.о", "т.наз", "Т.е", "Т.к", "Т.н", "и.о", "И.о", "напр", "Напр",
    "см", "См", "ср", "Ср", "им", "Им",
    /* titles and ranks */
    "г-н", "Г-н", "г-жа", "Г-жа", "гг-да", "д-р", "Д-р", "проф", "Проф", "акад", "Акад", "доц",
    "канд", "докт", "ген", "Ген", "полк", "подполк", "лейт", "ст.лейт", "мл", "св", "Св", "тов",
    "гр", "чл.-корр", "зам", "нач", "пред", "ред", "гл",
    /* months */
    "янв", "февр", "фев", "апр", "авг", "сент", "сен", "окт", "нояб", "ноя", "дек",
    /* address words: street, avenue, square, lane, house, flat, building, ... */
    "ул", "Ул", "просп", "пр-т", "пр-кт", "пл", "Пл", "пер", "наб", "бул", "б-р", "ш", "туп", "мкр",
    "мкрн", "д", "кв", "Кв", "корп", "оф", "эт", "обл", "р-н", "пос", "дер", "пгт", "ст-ца", "о",
    "оз", "р", "ок",
    /* languages, publications and the like */
    "газ", "журн", "изд", "англ", "франц", "фр", "нем", "лат", "япон", "яп", "кит", "рус", "укр",
    "греч", "исп", "итал", "араб", "сб", "мн", "ед", "род", "наст", "гос", "ок", NULL};

static const char *const ru_ambiguous[] = {"пр",  "Р.Х", "г",   "гг",  "в",   "вв", "чел",
                                           "экз", "шт",  "мес", "нед", "сут", NULL};

static const char *const ru_after_number[] = {"см",   "мин",   "сек", "л",  "м",  "мм",
                                              "кв.м", "куб.м", "га",  "кг", "км", "ц",
                                              "мг",   "мл",    "дм",  "гр", "ч",  NULL};

static const char *const ru_before_number[] = {
    "п", "пп", "ч",  "ст", "гл",  "рис", "табл", "стр",  "вып", "Рис", "Табл", "Гл", "Ст",
    "т", "с",  "No", "№",  "тел", "Тел", "разд", "прил", "абз", "ил",  "илл",  NULL};

static const char *const ru_final[] = {"н.э",  "т.д", "т.п", "Т.д",  "др",   "проч", "etc",
                                       "тыс",  "Тыс", "млн", "млрд", "трлн", "руб",  "коп",
                                       "долл", "дол", "евр", "у.е",  NULL};

static const char *const ru_surname_endings[] = {
    "ов",   "ев",   "ёв",   "ин",   "ын", "ова", "ева", "ёва", "ина", "ына", "ский",  "цкий",
    "ская", "цкая", "ской", "енко", "ко", "ук",  "юк",  "ич",  "ян",  "дзе", "швили", NULL};

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

static const char *const ru_credit_labels[] = {"Фото", "Видео", "Иллюстрация", NULL};

static const char *const ru_vowelless_words[] = {"Хм",  "хм",  "Тсс", "тсс", "Брр", "брр",
                                                 "Пст", "пст", "Шш",  "шш",  NULL};

/* ---- German ------------------------------------------------------------- */

static const char *const de_nonfinal[] = {
    /* titles and degrees */
    "Nr", "Dr", "Prof", "Hr", "Hrn", "Fr", "Frl", "Dipl", "Ing", "Mag", "med", "jur", "phil", "rer",
    "nat", "pol", "oec", "habil", "h.c", "Dr.-Ing", "Dipl.-Ing", "Präs", "Gen", "Reg", "Bez", "Hl",
    "hl", "Hll", "St", "Mr", "Mrs", "Ms", "Inst", "Verf", "Anm",
    /* months */
    "Jan", "Feb", "Febr", "Mär", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Okt", "Nov", "Dez",
    /* short forms inside a sentence */
    "bzw", "z.B", "Z.B", "d.h", "D.h", "z.T", "Z.T", "u.U", "U.U", "o.ä", "o.Ä", "u.Ä", "i.d.R",
    "m.E", "s.o", "s.u", "v.a", "u.a.m", "z.Zt", "z.Z", "Z.Z", "i.A", "i.V", "ca", "evtl", "ggf",
    "vgl", "Vgl", "sog", "geb", "gest", "verh", "inkl", "zzgl", "exkl", "allg", "bspw", "insb",
    "lt", "max", "min", "mind", "ehem", "eigtl", "gem", "ugs", "urspr", "zit", "Bde", "Tel", "kath",
    "ev", "evang", "röm", "dt", "engl", "franz", "frz", "ital", "lat", "griech", "russ", "span",
    "amerik", "Min", "Abt", "Zi", "Postf", "Aufl", "Jg", "Hrsg", "ff", "zw", "bes", "bzgl",
    "einschl", "entspr", "gegr", "jew", "Mio", "Mrd", "Tsd", NULL};

static const char *const de_ambiguous[] = {
    "u.a", "Jh",  "Jhd", "Jhs", "Chr", "v.Chr", "n.Chr", "Str",  "Pl", "d.Red", "Red",
    "d.J", "d.M", "u.ä", "Co",  "Inc", "Ltd",   "Corp",  "GmbH", "AG", "Mass",  "Std",
    "Sek", "Mo",  "Di",  "Mi",  "Do",  "Sa",    "So",    "Bd",   NULL};

static const char *const de_after_number[] = {"Pf", "kg", "km", "cm", "mm", "qm", "Stk", NULL};

static const char *const de_final[] = {"usw", "etc", "u.s.w", NULL};

static const char *const de_before_number[] = {"Nr",  "S",   "Abs", "Art", "Bd",  "Kap", "Ziff",
                                               "Tab", "Abb", "Anl", "Fn",  "Nrn", "Ss",  "Hausnr",
                                               "Bl",  "Sp",  "Lfg", "Az",  "Anh", NULL};

/* "Bahnhofstr.", "Hauptstr. 5": a compound that ends in "-str." is a street */
static const char *const de_abbr_endings[] = {"str", NULL};

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

static const char *const de_credit_labels[] = {"Foto", "Bild", "Video", NULL};

static const char *const de_vowelless_words[] = {
    "Hm", "hm", "Hmm", "hmm", "Pst", "pst", "Psst", "psst", "Brr", "brr", "Pfft", "pfft", NULL};

/* ---- French ------------------------------------------------------------- */

static const char *const fr_nonfinal[] = {
    /* titles */
    "M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Mgr", "Me", "Dr", "Pr", "Prof", "St", "Ste", "Sr",
    "Vve", "Gén", "Col", "Cdt", "Lt", "Cne", "Adj", "Lt-col",
    /* months */
    "janv", "févr", "fév", "avr", "juill", "juil", "sept", "oct", "nov", "déc",
    /* address words: avenue, boulevard, place, faubourg, impasse, route, building, ... */
    "av", "bd", "boul", "fg", "faub", "imp", "chem", "rte", "bât", "esc", "appt", "apt",
    /* references and Latin */
    "cf", "Cf", "env", "ex", "al", "éd", "apr", "c.à-d", "c.-à-d", "p.ex", "ibid", "op", "op.cit",
    "réf", "ss", "sq", "sqq", "resp", "vs", NULL};

static const char *const fr_before_number[] = {
    "p",   "pp", "chap", "vol", "t",  "art", "n",   "no",  "fig", "Vol",  "Art", "Chap",
    "Fig", "No", "N°",   "n°",  "Nº", "nº",  "tél", "Tél", "ch",  "sect", "ét",  NULL};

static const char *const fr_ambiguous[] = {
    "cit", "Cie", "J.C", "J.-C", "av.J.C", "av.J.-C", "apr.J.C", "apr.J.-C", "hab",
    "Inc", "Ltd", "Co",  "Corp", "S.A",    "SA",      "pl",      NULL};

static const char *const fr_final[] = {"etc", NULL};

static const char *const fr_after_number[] = {"km", "kg", "min", "sec", "hab", "mds", "Mds",
                                              "md", "Md", "mns", "cm",  "mm",  NULL};

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

static const char *const fr_credit_labels[] = {"Photo", "Vidéo", "Image", NULL};

static const char *const fr_vowelless_words[] = {"Hm",   "hm",   "Hmm",  "hmm", "Pff", "pff",
                                                 "Pfft", "Psst", "psst", "Brr", "brr", NULL};

/* ---- the table ------------------------------------------------------------ */

static const char *const none[] = {NULL};

static const cc_lang_rules g_rules[] = {
    {.code = "en",
     .flags = 0,
     .nonfinal = en_nonfinal,
     .ambiguous = en_ambiguous,
     .after_number = none,
     .before_number = en_before_number,
     .final = en_final,
     .place = en_place,
     .time = en_time,
     .starters = en_starters,
     .time_continuers = en_time_continuers,
     .abbr_endings = none,
     .surname_endings = none,
     .credit_labels = en_credit_labels,
     .vowelless_words = en_vowelless_words},
    {.code = "ru",
     .flags = CC_LANG_SURNAME_FIRST | CC_LANG_LATIN_AS_EN,
     .nonfinal = ru_nonfinal,
     .ambiguous = ru_ambiguous,
     .after_number = ru_after_number,
     .before_number = ru_before_number,
     .final = ru_final,
     .place = none,
     .time = none,
     .starters = ru_starters,
     .time_continuers = none,
     .abbr_endings = none,
     .surname_endings = ru_surname_endings,
     .credit_labels = ru_credit_labels,
     .vowelless_words = ru_vowelless_words},
    {.code = "de",
     .flags = CC_LANG_ORDINAL_DOT,
     .nonfinal = de_nonfinal,
     .ambiguous = de_ambiguous,
     .after_number = de_after_number,
     .before_number = de_before_number,
     .final = de_final,
     .place = none,
     .time = none,
     .starters = de_starters,
     .time_continuers = none,
     .abbr_endings = de_abbr_endings,
     .surname_endings = none,
     .credit_labels = de_credit_labels,
     .vowelless_words = de_vowelless_words},
    {.code = "fr",
     .flags = CC_LANG_SPACED_CLOSE,
     .nonfinal = fr_nonfinal,
     .ambiguous = fr_ambiguous,
     .after_number = fr_after_number,
     .before_number = fr_before_number,
     .final = fr_final,
     .place = none,
     .time = none,
     .starters = fr_starters,
     .time_continuers = none,
     .abbr_endings = none,
     .surname_endings = none,
     .credit_labels = fr_credit_labels,
     .vowelless_words = fr_vowelless_words},
    {.code = "ja",
     .flags = CC_LANG_CJK | CC_LANG_LATIN_AS_EN,
     .nonfinal = none,
     .ambiguous = none,
     .after_number = none,
     .before_number = none,
     .final = none,
     .place = none,
     .time = none,
     .starters = none,
     .time_continuers = none,
     .abbr_endings = none,
     .surname_endings = none,
     .credit_labels = none,
     .vowelless_words = none},
    {.code = "zh",
     .flags = CC_LANG_CJK | CC_LANG_LATIN_AS_EN,
     .nonfinal = none,
     .ambiguous = none,
     .after_number = none,
     .before_number = none,
     .final = none,
     .place = none,
     .time = none,
     .starters = none,
     .time_continuers = none,
     .abbr_endings = none,
     .surname_endings = none,
     .credit_labels = none,
     .vowelless_words = none},
};

static const cc_lang_rules g_generic = {.code = "",
                                        .flags = 0,
                                        .nonfinal = none,
                                        .ambiguous = none,
                                        .after_number = none,
                                        .before_number = none,
                                        .final = none,
                                        .place = none,
                                        .time = none,
                                        .starters = none,
                                        .time_continuers = none,
                                        .abbr_endings = none,
                                        .surname_endings = none,
                                        .credit_labels = none,
                                        .vowelless_words = none};

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
