"""Search keys for names in any script: what a caseworker types meets what was registered.

Each name becomes a set of keys: its tokens transliterated to Latin ASCII (ICU), and a
coarse phonetic form of each token, so "Мухаммед", "Muhammad" and "Mukhammed" share a key.
The matching engine (kinlink.matching) does the careful comparison; these keys only find
candidates for lists and the duplicate warning.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

_TRANSLIT = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Apostrophes and modifier letters inside names (Gʻulom, Oʻgʻiljon, Д'Анна) join, not split.
_JOINERS = re.compile(r"['\u2019\u02bb\u02bc\u02b9`\u00b4]")
# Consonant groups that different transliteration conventions write differently.
_FOLDS = [
    ("shch", "s"),
    ("sch", "s"),
    ("kh", "h"),
    ("zh", "j"),
    ("dzh", "j"),
    ("dj", "j"),
    ("sh", "s"),
    ("ch", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("th", "t"),
    ("gh", "g"),
    ("ck", "k"),
    ("q", "k"),
    ("x", "h"),
    ("w", "v"),
    ("y", "i"),
    ("j", "j"),
    ("g", "h"),
]
_VOWELS = re.compile(r"[aeiou]+")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=100_000)
def to_latin(text: str) -> str:
    text = _JOINERS.sub("", unicodedata.normalize("NFC", text))
    return _JOINERS.sub("", _TRANSLIT.transliterate(text))


def tokens(text: str) -> list[str]:
    return [t for t in _NON_ALNUM.split(to_latin(text)) if t]


@lru_cache(maxsize=100_000)
def phonetic(token: str) -> str:
    t = token
    for a, b in _FOLDS:
        t = t.replace(a, b)
    t = _REPEATS.sub(r"\1", t)
    head, tail = t[:1], _VOWELS.sub("", t[1:])
    return "~" + (head if head not in "aeiou" else "a") + tail


def name_keys(*names: str) -> set[str]:
    keys: set[str] = set()
    for name in names:
        if not name:
            continue
        for tok in tokens(name):
            keys.add(tok)
            keys.add(phonetic(tok))
    return keys


def query_keys(query: str) -> list[str]:
    """Keys a search query must all match (one per token, the phonetic form)."""
    return [phonetic(tok) for tok in tokens(query)]
