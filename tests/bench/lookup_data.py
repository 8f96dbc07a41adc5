#!/usr/bin/python3
"""Make the TMs and queries of tests/bench/lookup from ../shared/data/tm-large.

    lookup_data.py TM_LARGE_DIR OUT_DIR

Writes into OUT_DIR:
  tm100k.tmx   the first 100,000 units of tatoeba-en-de that are not held back
  tm1m.tmx     every tm-large unit not held back, plus copies with one English
               word changed, 1,000,000 units in all
  queries.txt  500 held-back English sentences of tatoeba-en-de (every tenth unit
               is held back and in no TM), half of them edited by 1 to 3 words
  doc10k.txt   10,000 held-back English sentences, one per line, a fifth of them
               edited (a document for concord analyze)
The choices are seeded: every run makes the same files.
"""
import os
import random
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def units(path):
    """Yield the units of a TMX file as lists of (lang, text)."""
    for _, el in ET.iterparse(path, events=("end",)):
        if el.tag != "tu":
            continue
        tu = []
        for tuv in el.findall("tuv"):
            seg = tuv.find("seg")
            if seg is not None:
                tu.append((tuv.get(XML_LANG) or tuv.get("lang"), "".join(seg.itertext())))
        el.clear()
        if len(tu) >= 2:
            yield tu


def write_tmx(path, tus):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
                '<header creationtool="bench" creationtoolversion="1" datatype="plaintext" '
                'segtype="sentence" adminlang="en" srclang="en" o-tmf="none"/>\n<body>\n')
        for tu in tus:
            f.write("<tu>")
            for lang, text in tu:
                f.write('<tuv xml:lang="%s"><seg>%s</seg></tuv>' % (lang, escape(text)))
            f.write("</tu>\n")
        f.write("</body>\n</tmx>\n")


def edit(rnd, words, vocab, n):
    """words with n edits: a word replaced, deleted or inserted."""
    w = list(words)
    for _ in range(n):
        op = rnd.randrange(3) if len(w) > 1 else 0
        i = rnd.randrange(len(w))
        if op == 0:
            w[i] = rnd.choice(vocab)
        elif op == 1:
            del w[i]
        else:
            w.insert(i, rnd.choice(vocab))
    return w


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(20261127)

    tatoeba = list(units(os.path.join(src, "tatoeba-en-de", "tatoeba-en-de.tmx")))
    held = [tu for i, tu in enumerate(tatoeba) if i % 10 == 9]
    kept = [tu for i, tu in enumerate(tatoeba) if i % 10 != 9]
    write_tmx(os.path.join(out, "tm100k.tmx"), kept[:100000])

    english = lambda tu: next((t for l, t in tu if l.lower().startswith("en")), None)
    vocab = sorted({w for tu in kept[:50000] for w in (english(tu) or "").split()})

    held_en = [english(tu) for tu in held if english(tu)]
    rnd.shuffle(held_en)
    with open(os.path.join(out, "queries.txt"), "w", encoding="utf-8") as f:
        for i, s in enumerate(held_en[:500]):
            if i % 2:
                s = " ".join(edit(rnd, s.split(), vocab, 1 + rnd.randrange(3)))
            f.write(s + "\n")
    with open(os.path.join(out, "doc10k.txt"), "w", encoding="utf-8") as f:
        for i, s in enumerate(held_en[500:10500]):
            if i % 5 == 0:
                s = " ".join(edit(rnd, s.split(), vocab, 1 + rnd.randrange(3)))
            f.write(s + "\n")

    # about a million units: all of tm-large (tatoeba-en-de without the held-back
    # tenth), then copies with one English word changed
    tus = list(kept)
    for sub in sorted(os.listdir(src)):
        d = os.path.join(src, sub)
        if not os.path.isdir(d) or sub == "tatoeba-en-de":
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith(".tmx"):
                tus.extend(units(os.path.join(d, name)))
    base = len(tus)
    i = 0
    while len(tus) < 1000000:
        tu = tus[i % base]
        i += 1
        copy = []
        for lang, text in tu:
            if lang.lower().startswith("en") and text.split():
                text = " ".join(edit(rnd, text.split(), vocab, 1))
            copy.append((lang, text))
        tus.append(copy)
    write_tmx(os.path.join(out, "tm1m.tmx"), tus)
    print("tm100k.tmx 100000 units, tm1m.tmx %d units (%d real), queries.txt 500, "
          "doc10k.txt 10000 segments" % (len(tus), base))


if __name__ == "__main__":
    main()
