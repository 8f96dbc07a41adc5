#!/usr/bin/python3
"""Make the glossaries and texts of tests/bench/check from ../shared/data.

    check_data.py DATA_DIR OUT_DIR
    check_data.py --show CONCORD.json TEXT N      N findings spread over the file, with
                                                  the text each one matched
    check_data.py --compare CONCORD.json TEXTLINT.json TEXT
                                                  term findings of both tools at the
                                                  same place, and of one only

Texts (real prose and UI text, nothing generated), per language en, ru, ja:
  text-L-4m.txt  4 MB (at most; 4,000,000 bytes) of segments from the shared TMX corpora,
                 deduplicated, shuffled with a fixed seed, 4 to 7 segments a
                 paragraph, a blank line between paragraphs:
                   en: ud-pud-parallel, the GUM news articles, the Kuril Islands
                       article, the QGIS docs, tatoeba en-de/en-fr/en-ja
                   ru: ud-pud-parallel, gettext en-ru and en-ru-ja-de
                   ja: ud-pud-parallel, the QGIS docs, tatoeba en-ja, gettext
                       en-ja and en-ru-ja-de
                 (gettext strings lose their placeholders, markup and mnemonics;
                 what still holds markup characters is left out)
  text-L-1m.txt  its first 1 MB (at most; whole paragraphs)
  tiny-L.txt     one sentence, to time process start and glossary load alone

Glossaries in concord's text format, with 1,000, 10,000 and 100,000 terms of
one language each (gloss-L-1k/10k/100k.glossary; each is a prefix of the next):
  en  JMdict/EDICT (glossary/edict): one concept per entry (the rows with the
      same English glosses), its first English gloss of 2 to 6 plain words
      (parenthesized qualifiers dropped; not "to ..." verbs) as the preferred
      term; among the entries with a second such gloss, one in
      eight adds it as admitted, one in eight as deprecated, one in eight as
      forbidden. Entries marked P (common words) first, each group shuffled
      with a fixed seed.
  ja  the same entries: a headword of 2 or more characters that is not all
      hiragana as the preferred term; the entry's other spellings
      (締め切り / 〆切) as admitted, deprecated or forbidden as for en.
  ru  1-3 word phrases of the Russian segments (no function word at either
      end, no verb-like word), ranked by frequency, counted by their Snowball
      stems (the form written is the most frequent one); the corpus has about
      67,000, so the 100k glossary goes on with 4-word phrases; one concept per
      phrase; one concept in 40 takes the next phrase as a deprecated term,
      one in 40 as a forbidden one (a style guide's "write X, not Y", without
      the semantics: the bench needs findings, not advice).
Terms with the same Snowball stems (en, ru) or the same text (ja) are kept
once. Each glossary also has 5 [pair]s of concepts whose terms occur in the
1 MB text (sides east/west) and two [shapes].
  gloss-enja-10k.glossary  10,000 entries with their en and ja terms (20,000
      terms), to see what a second language in the glossary costs
  prh.yml        the deprecated and forbidden en terms of gloss-en-10k as
                 textlint-rule-prh rules (expected: the preferred term)

Every choice is seeded or ordered: every run makes the same files. Prints a
summary line per file.
"""
import collections
import ctypes
import ctypes.util
import glob
import os
import random
import re
import sys
import xml.etree.ElementTree as ET

MB = 1000 * 1000  # decimal, as in "MB/s"
SIZES = (("1k", 1000), ("10k", 10000), ("100k", 100000))
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SEED = 20240601


class Stemmer:
    """Snowball through libstemmer (what concord uses); identity if absent."""

    def __init__(self, lang):
        self.lib = self.sb = None
        path = ctypes.util.find_library("stemmer") or "libstemmer.so.0d"
        try:
            self.lib = ctypes.CDLL(path)
        except OSError:
            return
        self.lib.sb_stemmer_new.restype = ctypes.c_void_p
        self.lib.sb_stemmer_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self.lib.sb_stemmer_stem.restype = ctypes.c_void_p
        self.lib.sb_stemmer_stem.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self.lib.sb_stemmer_length.restype = ctypes.c_int
        self.lib.sb_stemmer_length.argtypes = [ctypes.c_void_p]
        self.sb = self.lib.sb_stemmer_new(lang.encode(), b"UTF_8")
        self.cache = {}

    def __call__(self, word):
        if not self.sb:
            return word
        s = self.cache.get(word)
        if s is None:
            b = word.encode()
            p = self.lib.sb_stemmer_stem(self.sb, b, len(b))
            n = self.lib.sb_stemmer_length(self.sb)
            s = ctypes.string_at(p, n).decode()
            self.cache[word] = s
        return s


# ---- text ------------------------------------------------------------------------------------

def tmx_segments(path, lang):
    """The text of every `lang` variant of a TMX file."""
    for _, el in ET.iterparse(path, events=("end",)):
        if el.tag != "tu":
            continue
        for tuv in el.findall("tuv"):
            code = (tuv.get(XML_LANG) or tuv.get("lang") or "").lower().split("-")[0]
            seg = tuv.find("seg")
            if code == lang and seg is not None:
                yield "".join(seg.itertext())
        el.clear()


CYR_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
JA_CHAR = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
UI_MARKUP = re.compile(r"[%<>{}\\&_$@#|=\[\]]")


UI_STRIP = re.compile(
    r"<[^>]*>"                                    # markup
    r"|%(?:\d+\$)?[-+ #0']*\d*(?:\.\d+)?[hlLqjzt]*[a-zA-Z%]"  # printf placeholders
    r"|%\w+%?|\$\{?\w+\}?|\{[^{}]*\}"              # %NAME%, $VAR, ${VAR}, {name}
    r"|\\[nt]")                                    # escaped newlines
UI_MNEMONIC = re.compile(r"[_&~](?=\w)")          # _Open, &File


def clean(seg, lang, ui):
    """The segment on one line, or None if it is too short or not in the language;
    UI strings lose their placeholders, markup and mnemonics."""
    if ui:
        seg = UI_STRIP.sub(" ", UI_MNEMONIC.sub("", seg))
        if UI_MARKUP.search(seg):
            return None
    seg = " ".join(seg.split())
    if len(seg) < 12:
        return None
    if lang == "ru" and len(CYR_WORD.findall(seg)) < 3:
        return None
    if lang == "ja" and len(JA_CHAR.findall(seg)) < 5:
        return None
    if lang == "en" and (len(seg.split()) < 3 or JA_CHAR.search(seg)):
        return None
    return seg


def sources(data, lang):
    """(path or list of text lines, is UI text) in a fixed order."""
    pud = os.path.join(data, "tmx/ud-pud-parallel/pud-news-wiki-en-ru-ja-de.tmx")
    qgis = sorted(glob.glob(os.path.join(data, "tmx/omegat-qgis-docs-en-ja/*.tmx")))
    tl = os.path.join(data, "tm-large")
    if lang == "en":
        prose = []
        for f in sorted(glob.glob(os.path.join(data, "segmentation/gum-news-en/derived/text/*.txt"))
                        + [os.path.join(data, "articles/kurils-2019-01-14-en.txt")]):
            with open(f, encoding="utf-8") as fh:
                prose.extend(line for line in fh.read().split("\n") if line.strip())
        return [(pud, False), (prose, False)] + [(q, False) for q in qgis] + [
            (os.path.join(tl, "tatoeba-en-%s/tatoeba-en-%s.tmx" % (t, t)), False)
            for t in ("de", "fr", "ja")]
    if lang == "ru":
        return [(pud, False), (os.path.join(tl, "gettext/gettext-en-ru.tmx"), True),
                (os.path.join(tl, "gettext/gettext-multilingual-en-ru-ja-de.tmx"), True)]
    return [(pud, False)] + [(q, False) for q in qgis] + [
        (os.path.join(tl, "tatoeba-en-ja/tatoeba-en-ja.tmx"), False),
        (os.path.join(tl, "gettext/gettext-en-ja.tmx"), True),
        (os.path.join(tl, "gettext/gettext-multilingual-en-ru-ja-de.tmx"), True)]


def corpus(data, lang):
    seen, out = set(), []
    for src, ui in sources(data, lang):
        segs = src if isinstance(src, list) else tmx_segments(src, lang)
        for s in segs:
            s = clean(s, lang, ui)
            if s and s not in seen:
                seen.add(s)
                out.append(s)
    return out


def write_texts(out_dir, lang, segs):
    """text-L-4m.txt and its 1 MB prefix; returns the 1 MB text."""
    rnd = random.Random(SEED)
    order = list(segs)
    rnd.shuffle(order)
    joiner = "" if lang == "ja" else " "
    paras, size, i, cut1 = [], 0, 0, None
    while i < len(order):
        k = rnd.randint(4, 7)
        p = joiner.join(order[i:i + k]) + "\n\n"
        i += k
        n = len(p.encode())
        if cut1 is None and size + n > MB:
            cut1 = len(paras)
        if size + n > 4 * MB:
            break
        paras.append(p)
        size += n
    if cut1 is None:
        cut1 = len(paras)
    texts = {"1m": "".join(paras[:cut1]), "4m": "".join(paras)}
    for name, text in texts.items():
        path = os.path.join(out_dir, "text-%s-%s.txt" % (lang, name))
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print("%-22s %9d bytes  %6d paragraphs" % (os.path.basename(path), len(text.encode()),
                                                   text.count("\n\n")))
    with open(os.path.join(out_dir, "tiny-%s.txt" % lang), "w", encoding="utf-8") as f:
        f.write(order[0] + "\n")
    return texts["1m"]


# ---- terms -----------------------------------------------------------------------------------

EN_GLOSS = re.compile(r"[A-Za-z][A-Za-z' -]*[A-Za-z]")
EN_SKIP_FIRST = {"to", "a", "an", "the", "of", "and", "or", "etc", "e", "i"}
HIRAGANA = re.compile(r"^[\u3040-\u309f\u30fc]+$")
JA_TERM = re.compile(r"^[\u3040-\u30ff\u4e00-\u9fff\u3005]+$")


def edict_groups(data):
    """JMdict entries as (is_common, [English glosses], [(headword, is_common)]),
    grouped by their English glosses; common (P) entries first, each part shuffled."""
    groups = collections.OrderedDict()
    with open(os.path.join(data, "glossary/edict/edict-ja-en.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4:
                continue
            head, _, glosses, tags = cols[:4]
            tags = tags.split(",")
            g = groups.setdefault(glosses, [False, [x.strip() for x in glosses.split("|")], []])
            common = "P" in tags
            g[0] = g[0] or common
            g[2].append((head, common))
    common = [tuple(g) for g in groups.values() if g[0]]
    rest = [tuple(g) for g in groups.values() if not g[0]]
    rnd = random.Random(SEED)
    rnd.shuffle(common)
    rnd.shuffle(rest)
    return common + rest


def en_terms_of(glosses):
    """Glosses of 2 to 6 plain words (parenthesized qualifiers dropped)."""
    out = []
    for g in glosses:
        g = " ".join(re.sub(r"\([^()]*\)", " ", g).split())
        words = g.split()
        if (EN_GLOSS.fullmatch(g) and 2 <= len(words) <= 6 and len(g) <= 60 and
                words[0].lower() not in EN_SKIP_FIRST and "etc" not in words and g not in out):
            out.append(g)
    return out


def ja_terms_of(heads):
    """Headwords, the common ones first."""
    out = []
    for h, common in sorted(heads, key=lambda x: not x[1]):
        if len(h) >= 2 and JA_TERM.match(h) and not HIRAGANA.match(h) and h not in out:
            out.append(h)
    return out


EXTRA_STATUS = {1: "admitted", 3: "deprecated", 5: "forbidden"}  # by k % 8


def concepts_from_groups(groups, lang, n_terms, key):
    """[(concept id, [(term, status)])] with n_terms terms in all."""
    used, out, nterms, k = set(), [], 0, 0
    for i, (_, glosses, heads) in enumerate(groups):
        cands = en_terms_of(glosses) if lang == "en" else ja_terms_of(heads)
        cands = [c for c in cands if key(c) not in used]
        if not cands:
            continue
        terms = [(cands[0], "preferred")]
        if len(cands) >= 2:
            st = EXTRA_STATUS.get(k % 8)
            k += 1
            if st and nterms + 2 <= n_terms:
                terms.append((cands[1], st))
        for t, _ in terms:
            used.add(key(t))
        out.append(("c%d" % (i + 1), terms))
        nterms += len(terms)
        if nterms >= n_terms:
            break
    return out


RU_STOP = set("""
и в во не на с со по к ко о об обо от до из за для при без под над у через а но или либо что
чтобы как это этот эта эти этого этой этом этих этим тот та те то того той тем так же ли бы уже
ещё еще все всё весь вся всех всем всего всеми его её ее их он она оно они я мы вы ты вам вас нас
нам им ему ей мне меня себя себе свой своя свои своих своего своей который которая которое
которые которых которого которой котором если когда где там тут здесь только также тоже очень
может можно нельзя нет да есть был была было были быть будет будут является являются более
менее после перед около вместо кроме среди ни даже уж вот ну лишь чем чего чему кто кого какой
какая какое какие каких сейчас теперь затем потом других другие другой другого один одна одно
два три много мало сам сама само сами сразу снова ещё почему зачем куда откуда или либо либо
поэтому однако хотя пока пусть между из-за из-под вне вокруг мой моя моё мои ваш ваша ваше ваши
наш наша наше наши твой твоя твоё твои тебя тебе вами нами ими него неё нее них нему ней ним
ними данный данная данное данные данных этому этими тех той чей чья чьё чьи сколько столько
должен должна должно должны нужно нужен нужна нужны надо
""".split())
RU_VERBISH = re.compile(
    r"(ть|ться|тся|ется|ится|ает|яет|ует|еет|ит|ют|ят|ишь|ешь|ала|ила|ыла|яла|ало|ило|ыло|"
    r"али|или|ыли|яли|ал|ил|ыл|ял|лся|лась|лось|лись|ете|ите|ем|айте|ите|йте)$")
RU_ADVERBISH = re.compile(r"(ски|но|ко|ло|ро|то)$")


def ru_ranked(segs, stem):
    """Phrases by frequency, [(surface, key, count)]: every 1-3 word phrase, then (the
    corpus has fewer than 100,000 of them) the 4-word ones."""
    counts = collections.Counter()
    forms = collections.defaultdict(collections.Counter)
    token = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*|[^\sА-Яа-яЁё]+")
    for s in segs:
        run = []
        for m in token.finditer(s):
            w = m.group(0)
            if CYR_WORD.fullmatch(w):
                run.append(w.lower())
                continue
            phrases_of(run, counts, forms, stem)
            run = []
        phrases_of(run, counts, forms, stem)
    ranked = [(forms[k].most_common(1)[0][0], k, c) for k, c in counts.items()]
    ranked.sort(key=lambda x: (x[1].count(" ") == 3, -x[2], x[0]))
    return ranked


def ru_content(w, last):
    if w in RU_STOP or len(w) < 3 or RU_VERBISH.search(w):
        return False
    if last and len(w) > 4 and RU_ADVERBISH.search(w):
        return False
    return True


RU_MIDDLE = ("для", "в", "на", "с", "из", "по", "и", "или", "от", "без")


def phrases_of(run, counts, forms, stem):
    """Count the phrases of a run of words: content words at both ends, and
    inside, content words or one preposition or conjunction ("имя для входа")."""
    n = len(run)
    ok = [ru_content(w, False) for w in run]
    ok_last = [ru_content(w, True) for w in run]
    for i in range(n):
        if not ok[i]:
            continue
        for ln in (1, 2, 3, 4):
            j = i + ln
            if j > n:
                break
            if not ok_last[j - 1]:
                continue
            inner = range(i + 1, j - 1)
            if any(not ok[x] and run[x] not in RU_MIDDLE for x in inner) or \
                    sum(not ok[x] for x in inner) > 1:
                continue
            words = run[i:j]
            key = " ".join(stem(w) for w in words)
            counts[key] += 1
            forms[key][" ".join(words)] += 1


def ru_concepts(ranked, n_terms):
    out, nterms, p, i = [], 0, 0, 0
    while nterms < n_terms and p < len(ranked):
        i += 1
        terms = [(ranked[p][0], "preferred")]
        p += 1
        st = {7: "deprecated", 27: "forbidden"}.get(i % 40)
        if st and p < len(ranked) and nterms + 2 <= n_terms:
            terms.append((ranked[p][0], st))
            p += 1
        out.append(("c%d" % i, terms))
        nterms += len(terms)
    return out


# ---- glossaries ------------------------------------------------------------------------------

SHAPES = {"en": ["{A} ({B})", "{A}/{B}"], "ru": ["{A} ({B})", "{A}/{B}"],
          "ja": ["{A}（{B}）", "{A}/{B}"]}


def occurs(term, lang, text_lower):
    if lang == "en":
        return re.search(r"\b%s\b" % re.escape(term.lower()), text_lower) is not None
    return term.lower() in text_lower


def choose_pairs(concepts, lang, text_lower, limit=600):
    """5 pairs of one-term concepts among the first `limit` whose term occurs in the text."""
    found = []
    for cid, terms in concepts[:limit]:
        if len(terms) == 1 and occurs(terms[0][0], lang, text_lower):
            found.append(cid)
            if len(found) == 10:
                break
    return [(found[i], found[i + 1]) for i in range(0, len(found) - 1, 2)]


def write_glossary(path, title, langs, concepts, pairs):
    sides = {}
    for a, b in pairs:
        sides[a], sides[b] = "east", "west"
    counts = collections.Counter()
    with open(path, "w", encoding="utf-8") as f:
        f.write("# %s\n# generated by tests/bench/check_data.py (see there)\n\n" % title)
        f.write("[glossary]\nname: %s\n" % title)
        for cid, terms in concepts:
            f.write("\n[concept %s]\n" % cid)
            if cid in sides:
                f.write("side: %s\n" % sides[cid])
            for lang, text, status in terms:
                f.write("%s: %s%s\n" % (lang, text, "" if status == "preferred" else " ; " + status))
                counts[status] += 1
                counts["terms"] += 1
        for a, b in pairs:
            f.write("\n[pair %s %s]\n" % (a, b))
        f.write("\n[shapes]\n")
        for lang in langs:
            for s in SHAPES[lang]:
                f.write("%s: %s\n" % (lang, s))
    print("%-22s %6d concepts %7d terms (%d admitted, %d deprecated, %d forbidden), %d pairs" % (
        os.path.basename(path), len(concepts), counts["terms"], counts["admitted"],
        counts["deprecated"], counts["forbidden"], len(pairs)))


def yaml_str(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def write_prh(path, concepts):
    """prh rules: /\\bTERM\\b/i, as concord matches whole words and folds case (prh's own
    wordBoundary option escapes '-' in a way its 'u' flag rejects)."""
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("# the deprecated and forbidden terms of gloss-en-10k.glossary\nversion: 1\nrules:\n")
        for _, terms in concepts:
            pref = terms[0][0]
            for text, status in terms[1:]:
                if status in ("deprecated", "forbidden"):
                    pat = "/\\b%s\\b/i" % re.sub(r"([.*+?^${}()|\[\]\\/])", r"\\\1", text)
                    f.write("  - expected: %s\n    pattern: %s\n" % (yaml_str(pref), yaml_str(pat)))
                    n += 1
    print("%-22s %6d rules" % (os.path.basename(path), n))


def byte_to_char(text):
    """A function from byte offsets of text (UTF-8) to code point offsets."""
    import bisect
    offs, pos = [], 0
    for ch in text:
        offs.append(pos)
        pos += len(ch.encode())
    return lambda b: bisect.bisect_left(offs, b)


def show(json_path, text_path, n):
    import json
    with open(json_path, encoding="utf-8") as f:
        found = json.load(f)["findings"]
    with open(text_path, encoding="utf-8") as f:
        text = f.read()
    ch = byte_to_char(text)
    step = max(1, len(found) // n)
    for fd in found[step // 2::step][:n]:
        s, e = ch(fd["start"]), ch(fd["end"])
        ctx = (text[max(0, s - 25):s] + "[" + text[s:e] + "]" + text[e:e + 25]).replace("\n", " ")
        print("  %s:%d:%d %s: ...%s...\n      %s" % (os.path.basename(fd["file"]), fd["line"],
                                                  fd["column"], fd["rule"], ctx, fd["message"]))


def compare(concord_json, textlint_json, text_path):
    import bisect
    import json
    with open(text_path, encoding="utf-8") as f:
        text = f.read()
    with open(concord_json, encoding="utf-8") as f:
        cf = json.load(f)["findings"]
    with open(textlint_json, encoding="utf-8") as f:
        tf = [m for r in json.load(f) for m in r["messages"]]
    ch = byte_to_char(text)
    c = {ch(x["start"]): text[ch(x["start"]):ch(x["end"])] for x in cf
         if x["rule"] in ("forbidden-term", "deprecated-term")}
    # textlint's offsets count UTF-16 units
    u16, p = [], 0
    for x in text:
        u16.append(p)
        p += 2 if ord(x) > 0xFFFF else 1
    t = {}
    for m in tf:
        i = bisect.bisect_left(u16, m["index"])
        r = m.get("fix", {}).get("range") or m["range"]
        t[i] = text[i:i + r[1] - r[0]]
    both = set(c) & set(t)
    only_c = collections.Counter(c[k].lower() for k in set(c) - both)
    only_t = collections.Counter(t[k].lower() for k in set(t) - both)
    fmt = lambda cnt: ", ".join("%s %d" % kv for kv in cnt.most_common(6))  # noqa: E731
    print("term findings: concord %d, textlint %d; at the same place %d" % (len(c), len(t), len(both)))
    print("concord only %d (concord matches inflected forms, prh the form as written): %s" % (
        sum(only_c.values()), fmt(only_c)))
    print("textlint only %d (prh matches inside a longer term of the glossary; concord takes "
          "the longest term): %s" % (sum(only_t.values()), fmt(only_t)))


def main():
    if sys.argv[1] == "--show":
        return show(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    if sys.argv[1] == "--compare":
        return compare(sys.argv[2], sys.argv[3], sys.argv[4])
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    stems = {"en": Stemmer("english"), "ru": Stemmer("russian")}
    groups = edict_groups(data)
    for lang in ("en", "ru", "ja"):
        segs = corpus(data, lang)
        text1 = write_texts(out, lang, segs).lower()
        if lang == "ru":
            ranked = ru_ranked(segs, stems["ru"])
        for name, n in SIZES:
            if lang == "ru":
                concepts = ru_concepts(ranked, n)
            elif lang == "en":
                concepts = concepts_from_groups(
                    groups, "en", n, lambda t: " ".join(stems["en"](w) for w in t.lower().split()))
            else:
                concepts = concepts_from_groups(groups, "ja", n, lambda t: t)
            pairs = choose_pairs(concepts, lang, text1)
            write_glossary(os.path.join(out, "gloss-%s-%s.glossary" % (lang, name)),
                           "bench glossary: %s terms in %s" % (name, lang), [lang],
                           [(c, [(lang, t, s) for t, s in terms]) for c, terms in concepts], pairs)
            if lang == "en" and name == "10k":
                write_prh(os.path.join(out, "prh.yml"), concepts)
    # en + ja: 10,000 entries that have a term in both
    en_key = lambda t: " ".join(stems["en"](w) for w in t.lower().split())  # noqa: E731
    used_en, used_ja, both = set(), set(), []
    for i, (_, glosses, heads) in enumerate(groups):
        en = [t for t in en_terms_of(glosses) if en_key(t) not in used_en]
        ja = [t for t in ja_terms_of(heads) if t not in used_ja]
        if en and ja:
            used_en.add(en_key(en[0]))
            used_ja.add(ja[0])
            both.append(("c%d" % (i + 1), [("en", en[0], "preferred"), ("ja", ja[0], "preferred")]))
            if len(both) == 10000:
                break
    write_glossary(os.path.join(out, "gloss-enja-10k.glossary"),
                   "bench glossary: 10k entries in en and ja", ["en", "ja"], both, [])


if __name__ == "__main__":
    main()
