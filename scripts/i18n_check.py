#!/usr/bin/env python3
"""Check Kinlink's translations; exit non-zero on any problem (for CI).

What is checked, for every language in LANGUAGES (src/kinlink/locale/<lang>/LC_MESSAGES/django.po):

* the header: ``Language``, ``Content-Type: text/plain; charset=UTF-8`` and the expected
  ``Plural-Forms``;
* every entry is translated (no empty ``msgstr`` or plural form) and none is ``fuzzy``;
* plural entries have exactly ``nplurals`` forms;
* placeholders match between msgid and msgstr: ``%(name)s``, ``%s``, ``{name}`` and HTML tags;
* ``msgfmt --check-format`` accepts the file (when GNU gettext is installed);
* (unless ``--no-sources``) every message in the sources is in every .po file: Django's
  ``makemessages`` is run on a temporary copy of the package, with the same ignore patterns as
  the project's extraction, and the result is compared with the .po files.

Run ``python scripts/i18n_check.py`` from anywhere; ``--no-sources`` skips the extraction.
Only the standard library (and Django, for the extraction) is needed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "kinlink"
LOCALE = PACKAGE / "locale"
LANGUAGES = ["ru", "uk", "ar", "fr"]
# The same extraction as documented for translators:
#   cd src/kinlink && django-admin makemessages -l ru -l uk -l ar -l fr \
#       --ignore=matching/* --ignore=demo/* -e html,txt,py
IGNORE = ["matching/*", "demo/*"]
EXTENSIONS = "html,txt,py"


def catalogues() -> list[tuple[Path, Path, list[str]]]:
    """(source root, locale dir, ignore patterns): the package's main catalogue, plus one per
    app that keeps its own ``locale/`` (its messages are then left out of the main one)."""
    apps = sorted(p.parent for p in PACKAGE.glob("*/locale") if p.is_dir())
    main = (PACKAGE, LOCALE, IGNORE + [f"{a.name}/*" for a in apps])
    return [main] + [(a, a / "locale", []) for a in apps]

SLAVIC = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
PLURAL_FORMS = {
    "ru": SLAVIC,
    "uk": SLAVIC,
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 ? 4 : 5);"
    ),
    "fr": "nplurals=2; plural=(n > 1);",
}


# --------------------------------------------------------------------------- PO parsing


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def where(self) -> str:
        ref = self.references[0] if self.references else "?"
        return f"line {self.line} ({ref})"

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[k] for k in sorted(self.msgstr_plural)]


_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    out, i, body = [], 0, text[1:-1]
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file (the header is the entry with an empty msgid)."""
    entries: list[Entry] = []
    cur = Entry()
    started = False
    target: tuple[str, int | None] | None = None

    def flush():
        nonlocal cur, started, target
        if started:
            entries.append(cur)
        cur, started, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip("\n")
        if not line.strip():
            flush()
            continue
        if line.startswith("#~"):
            cur.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith("#"):
                continue
        elif line.startswith("#,"):
            if started:
                flush()
            cur.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        elif line.startswith("#:"):
            if started:
                flush()
            cur.references.extend(line[2:].split())
            continue
        elif line.startswith("#"):
            if started:
                flush()
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if (
                keyword in ("msgctxt", "msgid")
                and started
                and target
                and target[0].startswith("msgstr")
            ):
                flush()
            if not started:
                cur.line = number
            started = True
            if index is not None:
                cur.msgstr_plural[int(index)] = value
                target = ("msgstr_plural", int(index))
            else:
                setattr(cur, keyword, value)
                target = (keyword, None)
            continue
        if line.startswith('"') and target:
            value = _unquote(line)
            name, index = target
            if name == "msgstr_plural":
                cur.msgstr_plural[index] += value
            else:
                setattr(cur, name, getattr(cur, name) + value)
            continue
        raise ValueError(f"{path}:{number}: cannot parse {raw!r}")
    flush()
    return entries


def header_fields(entries: list[Entry]) -> dict[str, str]:
    for e in entries:
        if e.msgid == "" and e.msgctxt is None and not e.obsolete:
            out = {}
            for line in e.msgstr.split("\n"):
                if ":" in line:
                    k, v = line.split(":", 1)
                    out[k.strip()] = v.strip()
            return out
    return {}


def nplurals(plural_forms: str) -> int | None:
    m = re.search(r"nplurals\s*=\s*(\d+)", plural_forms or "")
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------- placeholders

_PY_NAMED = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_PY_POSITIONAL = re.compile(r"%(?!\()[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_BRACE = re.compile(r"(?<!\{)\{(\w*(?:\.\w+)*(?:![rsa])?(?::[^{}]*)?)\}(?!\})")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def placeholders(text: str, flags: set[str]) -> Counter:
    """A multiset of the placeholders a translation must keep."""
    found: Counter = Counter()
    stripped = text.replace("%%", "")
    for name in _PY_NAMED.findall(stripped):
        found[f"%({name})"] += 1
    positional = _PY_POSITIONAL.findall(stripped)
    if positional:
        found["%<positional>"] += len(positional)
    if "python-brace-format" in flags or _BRACE.search(text):
        for name in _BRACE.findall(text.replace("{{", "").replace("}}", "")):
            found[f"{{{name}}}"] += 1
    for tag in _TAG.findall(text):
        found[re.sub(r"\s+", " ", tag)] += 1
    return found


# --------------------------------------------------------------------------- checks


def check_po(lang: str, path: Path) -> list[str]:
    """Problems in one .po file, as readable lines."""
    problems: list[str] = []
    rel = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    if not path.exists():
        return [f"{rel}: missing (run makemessages -l {lang})"]
    try:
        entries = parse_po(path)
    except ValueError as exc:
        return [f"{rel}: {exc}"]
    head = header_fields(entries)
    if head.get("Language") != lang:
        problems.append(f"{rel}: header Language is {head.get('Language')!r}, expected {lang!r}")
    if head.get("Content-Type", "").replace(" ", "").lower() != "text/plain;charset=utf-8":
        problems.append(f"{rel}: header Content-Type is {head.get('Content-Type')!r}")
    expected_pf = PLURAL_FORMS.get(lang)
    actual_pf = head.get("Plural-Forms", "")
    if expected_pf and actual_pf.replace(" ", "") != expected_pf.replace(" ", ""):
        problems.append(f"{rel}: header Plural-Forms is {actual_pf!r}, expected {expected_pf!r}")
    n = nplurals(actual_pf)
    for e in entries:
        if e.obsolete or (e.msgid == "" and e.msgctxt is None):
            continue
        label = f"{rel}:{e.where}: {e.msgid[:70]!r}"
        if "fuzzy" in e.flags:
            problems.append(f"{label}: fuzzy")
        plural_keys = sorted(e.msgstr_plural)
        if e.msgid_plural is not None and n is not None and plural_keys != list(range(n)):
            problems.append(f"{label}: {len(plural_keys)} plural forms, the language has {n}")
        if any(not t for t in e.translations) or not e.translations:
            problems.append(f"{label}: untranslated")
            continue
        want = placeholders(e.msgid, e.flags)
        if e.msgid_plural is not None:
            want_plural = placeholders(e.msgid_plural, e.flags)
            want = want | want_plural  # union: the plural may name the count differently
        for index, text in enumerate(e.translations):
            got = placeholders(text, e.flags)
            if got != want:
                form = f" msgstr[{index}]" if e.msgid_plural is not None else ""
                missing = sorted((want - got).elements())
                extra = sorted((got - want).elements())
                problems.append(
                    f"{label}:{form} placeholders differ (missing {missing}, unexpected {extra})"
                )
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        result = subprocess.run(  # noqa: S603  (fixed argument list, no shell)
            [msgfmt, "--check-format", "--check-header", "-o", os.devnull, str(path)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            problems.append(f"{rel}: msgfmt --check-format failed:\n{result.stderr.strip()}")
    return problems


def extract_source_messages(root: Path = PACKAGE, ignore=None) -> dict[tuple, list[str]]:
    """Run makemessages on a temporary copy of ``root``; return {key: references}."""
    ignore = IGNORE if ignore is None else ignore
    with tempfile.TemporaryDirectory(prefix="kinlink-i18n-") as tmp:
        copy = Path(tmp) / "kinlink"
        shutil.copytree(
            root,
            copy,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.po", "*.mo", "locale"),
        )
        (copy / "locale").mkdir()
        env = dict(os.environ)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        # The copy's own modules (an app's selectors.py) must not hide the standard library's.
        env["PYTHONSAFEPATH"] = "1"
        # -P: the copy is the working directory, and an app module named like a standard one
        # (selectors.py) must not shadow it.
        cmd = [sys.executable, "-P", "-m", "django", "makemessages", "-l", "en", "-e", EXTENSIONS]
        for pattern in ignore:
            cmd.append(f"--ignore={pattern}")
        result = subprocess.run(  # noqa: S603  (fixed argument list, no shell)
            cmd, cwd=copy, capture_output=True, text=True, env=env
        )
        if result.returncode != 0:
            raise RuntimeError(f"makemessages failed:\n{result.stdout}\n{result.stderr}")
        po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
        entries = parse_po(po)
    return {
        e.key: e.references
        for e in entries
        if not e.obsolete and not (e.msgid == "" and e.msgctxt is None)
    }


def check_sources(languages: list[str]) -> tuple[list[str], list[str]]:
    """(problems, warnings): messages in the sources missing from a .po; stale entries."""
    problems, warnings = [], []
    for root, locale, ignore in catalogues():
        p, w = _check_catalogue_sources(languages, root, locale, ignore)
        problems += p
        warnings += w
    return problems, warnings


def _check_catalogue_sources(languages, root, locale, ignore):
    problems, warnings = [], []
    source = extract_source_messages(root, ignore)
    for lang in languages:
        path = locale / lang / "LC_MESSAGES" / "django.po"
        if not path.exists():
            continue
        rel = path.relative_to(REPO)
        have = {
            e.key
            for e in parse_po(path)
            if not e.obsolete and not (e.msgid == "" and e.msgctxt is None)
        }
        for key in sorted(set(source) - have, key=lambda k: (source[k][:1], k[1])):
            where = source[key][0] if source[key] else "?"
            problems.append(f"{rel}: not in the catalogue, from {where}: {key[1][:70]!r}")
        for key in sorted(have - set(source), key=lambda k: k[1]):
            warnings.append(f"{rel}: no longer in the sources (stale): {key[1][:70]!r}")
    return problems, warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-sources", action="store_true", help="skip the extraction")
    parser.add_argument("languages", nargs="*", default=LANGUAGES)
    args = parser.parse_args(argv)
    problems: list[str] = []
    warnings: list[str] = []
    for _root, locale, _ignore in catalogues():
        for lang in args.languages:
            problems += check_po(lang, locale / lang / "LC_MESSAGES" / "django.po")
    if not args.no_sources:
        p, w = check_sources(args.languages)
        problems += p
        warnings += w
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in problems:
        print(line)
    if problems:
        print(f"\n{len(problems)} translation problem(s).", file=sys.stderr)
        return 1
    print(f"Translations complete for {', '.join(args.languages)}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
