#!/usr/bin/python3
"""Is Translate Toolkit set up the way its users run it?

    tt_check.py

Run with the interpreter the bench runs Translate Toolkit with (the one in
build_tmdb's #! line, /usr/bin/python3 on Debian). Translate Toolkit's TM
scores candidates with translate.search.lshtein, which picks its distance
function once, at import: `native_distance` (calling the C module
`Levenshtein`, Debian's python3-levenshtein) when `import Levenshtein`
works, else `python_distance`, pure Python and over 10x slower. We look at
the function it picked, and at what that function calls, and check that the
two give the same distances. Prints one line,

    peer: Translate Toolkit 3.8.4, Levenshtein C module: yes (...)

and, when the peer is not set up as its users run it, a WARNING line
saying why. Exits 0 either way: the bench goes on and says so.
"""
import importlib.metadata
import inspect
import logging
import sys


def main():
    logging.disable(logging.CRITICAL)  # lshtein logs its own fallback warning
    try:
        from translate import __version__ as ttv
        from translate.search import lshtein
        from translate.storage import tmdb
    except ImportError as e:
        print("peer: Translate Toolkit: not importable in %s (%s)" % (sys.executable, e))
        print("WARNING: Translate Toolkit cannot run here: its figures are missing")
        return 0
    why = []
    picked = lshtein.distance
    if tmdb.LevenshteinComparer is not lshtein.LevenshteinComparer:
        why.append("translate.storage.tmdb does not score with translate.search.lshtein")
    if picked is not lshtein.native_distance:
        why.append("translate.search.lshtein.distance is %s, not native_distance "
                   "(python3-levenshtein missing?)" % picked.__name__)
        detail = "lshtein.distance = %s" % picked.__name__
    else:
        lev = lshtein.Levenshtein
        fn = lev.distance
        compiled = inspect.isbuiltin(fn) or not (inspect.isfunction(fn) or inspect.ismethod(fn))
        where = getattr(inspect.getmodule(fn), "__file__", None) or getattr(lev, "__file__", "?")
        ext = [getattr(m, "__file__", "") for n, m in sys.modules.items()
               if n.startswith("Levenshtein") and getattr(m, "__file__", "").endswith(".so")]
        if not compiled:
            why.append("Levenshtein.distance is a Python function (%s)" % where)
        pairs = [("kitten", "sitting"), ("Tom is a good boy.", "Tom was a good boy!"),
                 ("北方領土", "南クリル諸島"), ("", "abc")]
        for a, b in pairs:
            if picked(a, b) != lshtein.python_distance(a, b):
                why.append("native and Python distances differ on %r/%r" % (a, b))
                break
        version = getattr(lev, "__version__", None)
        for dist in ("python-Levenshtein", "Levenshtein"):
            try:
                version = version or importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                pass
        detail = "lshtein.distance = native_distance -> Levenshtein.distance, %s, %s" % (
            "built-in" if compiled else "Python", ext[0] if ext else where)
        detail = "python-Levenshtein %s, %s" % (version or "?", detail)
    print("peer: Translate Toolkit %s (%s), Levenshtein C module: %s (%s)"
          % (ttv.sver, sys.executable, "no" if why else "yes", detail))
    for w in why:
        print("WARNING: the peer is not set up as its users run it: " + w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
