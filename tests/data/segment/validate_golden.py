#!/usr/bin/env python3
"""Validate the golden-*.txt segmentation case files in this directory.

Checks: UTF-8 without BOM, LF line endings, final newline, no tabs or
trailing whitespace; block structure ('=' description, exactly one '<' line,
one or more '>' lines, blocks separated by a single blank line); escapes in
'<' lines are only \\n and \\\\; every expected segment is non-empty, has no
leading/trailing whitespace, contains no line break, and occurs in the input
in order without overlap; everything between/around segments is whitespace
(so every non-whitespace character belongs to exactly one segment).

Usage: validate_golden.py [FILE...]   (default: golden-*.txt next to this script)
"""
import glob
import os
import sys


def decode_input(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == '\\':
            if i + 1 >= len(s):
                raise ValueError('dangling backslash')
            n = s[i + 1]
            if n == 'n':
                out.append('\n')
            elif n == '\\':
                out.append('\\')
            else:
                raise ValueError('unknown escape \\' + n)
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def check_file(path):
    errors = []
    raw = open(path, 'rb').read()
    if raw.startswith(b'\xef\xbb\xbf'):
        errors.append('starts with a BOM')
    if b'\r' in raw:
        errors.append('contains CR characters (must be LF only)')
    if not raw.endswith(b'\n'):
        errors.append('no final newline')
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as e:
        return ['not valid UTF-8: %s' % e], 0

    cases = []          # (line number, desc, input, [outputs])
    cur = None
    prev_blank = True
    for ln, line in enumerate(text.split('\n')[:-1] if text.endswith('\n') else text.split('\n'), 1):
        if '\t' in line:
            errors.append('%d: tab character' % ln)
        if line != line.rstrip():
            errors.append('%d: trailing whitespace' % ln)
        if line.startswith('#'):
            continue
        if line == '':
            if cur is not None:
                cases.append(cur)
                cur = None
            prev_blank = True
            continue
        tag, rest = line[:2], line[2:]
        if tag == '= ':
            if cur is not None:
                errors.append('%d: new case without a blank line before it' % ln)
                cases.append(cur)
            if not prev_blank:
                errors.append('%d: case not preceded by a blank line' % ln)
            cur = [ln, rest, [], []]
        elif tag in ('< ', '> '):
            if cur is None:
                errors.append('%d: %r line outside a case' % (ln, tag[0]))
                continue
            if tag == '< ':
                if cur[3]:
                    errors.append('%d: "<" line after ">" lines' % ln)
                cur[2].append(rest)
            else:
                cur[3].append(rest)
        else:
            errors.append('%d: unrecognised line: %r' % (ln, line[:40]))
        prev_blank = False
    if cur is not None:
        cases.append(cur)

    descs = set()
    for ln, desc, inputs, outputs in cases:
        where = '%d (%s)' % (ln, desc)
        if not desc.strip():
            errors.append('%s: empty description' % where)
        if desc in descs:
            errors.append('%s: duplicate description' % where)
        descs.add(desc)
        if len(inputs) != 1:
            errors.append('%s: expected exactly one "<" line, got %d' % (where, len(inputs)))
            continue
        if not outputs:
            errors.append('%s: no ">" lines' % where)
            continue
        try:
            inp = decode_input(inputs[0])
        except ValueError as e:
            errors.append('%s: input: %s' % (where, e))
            continue
        pos = 0
        for seg in outputs:
            if '\\' in seg:
                errors.append('%s: backslash in expected segment %r' % (where, seg))
            if not seg or seg != seg.strip():
                errors.append('%s: empty segment or leading/trailing whitespace: %r' % (where, seg))
            if '\n' in seg:
                errors.append('%s: segment contains a line break' % where)
            idx = inp.find(seg, pos)
            if idx < 0:
                if seg in inp:
                    errors.append('%s: segment out of order or overlapping: %r' % (where, seg))
                else:
                    errors.append('%s: segment not a substring of the input: %r' % (where, seg))
                break
            gap = inp[pos:idx]
            if gap.strip():
                errors.append('%s: uncovered text before %r: %r' % (where, seg, gap.strip()))
            pos = idx + len(seg)
        else:
            tail = inp[pos:]
            if tail.strip():
                errors.append('%s: uncovered text at end: %r' % (where, tail.strip()))
    return errors, len(cases)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    files = argv[1:] or sorted(glob.glob(os.path.join(here, 'golden-*.txt')))
    if not files:
        print('no golden-*.txt files found', file=sys.stderr)
        return 1
    bad = 0
    for f in files:
        errs, n = check_file(f)
        status = 'OK' if not errs else '%d error(s)' % len(errs)
        print('%s: %d cases, %s' % (os.path.basename(f), n, status))
        for e in errs:
            print('  ' + e)
        bad += len(errs)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
