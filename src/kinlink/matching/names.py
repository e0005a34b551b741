"""Name normalisation across the scripts of the region.

For one raw name string we compute, per token, a small bundle of *keys*:

``latin``
    ASCII spellings. A Latin-script token has one (diacritics folded with care:
    ``š`` → ``sh``, ``ç`` → ``ch``, ``ə`` → ``a``, ``oʻ`` → ``o``). A Cyrillic, Georgian or
    Armenian token has several, one per romanisation convention a caseworker may have used
    (passport/ICAO, BGN, Ukrainian passport, German-style, French-style, Uzbek Latin, ICU).
``phon``
    A phonetic key robust to vowel changes and common consonant equivalences. Vowels become a
    single slot ``a``; consonants fall into classes (``kh``/``h``/``g``/``x`` → ``h``;
    ``sh``/``zh``/``ch``/``j``/``dzh``/``sch``/``tsch`` → ``j``; ``w``/``v`` → ``v``; ``ph``/``f``
    → ``f``; ``q``/``k``/``ck`` → ``k``; ``ts``/``c``/``s`` → ``s``); doubled letters collapse;
    a final ``d`` is devoiced to ``t``. Latin spellings are ambiguous (``ch`` is ``ч`` in English
    but ``х`` in German, ``j`` is ``дж`` or ``й``, ``x`` is ``kh`` or ``ks``), so a Latin token
    may have a few phonetic keys, one per reading; a native-script token has exactly one.
``skel``
    The consonant skeleton: the phonetic key without vowel slots. Arabic script does not write
    short vowels, so an Arabic-script token only has a skeleton (``محمد`` → ``mhmt``), and it
    meets ``Muhammad``, ``Mohammed``, ``Mukhammad`` and ``Magomed`` there.

Everything is cached per raw string: names repeat a lot across records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

try:  # PyICU is a hard dependency of the project, but keep the library importable without it.
    import icu

    _ICU_ANY = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
except Exception:  # pragma: no cover - exercised only without PyICU
    icu = None
    _ICU_ANY = None

__all__ = [
    "TokenKeys",
    "NameKeys",
    "normalise_name",
    "name_keys",
    "token_keys",
    "split_tokens",
    "phonetic_keys",
    "script_of",
    "fold_latin",
]

MAX_PHON_KEYS = 8

# --------------------------------------------------------------------------- scripts


def script_of(ch: str) -> str:
    """Return 'cyrl', 'arab', 'geor', 'armn', 'latn' or 'other' for one character."""
    o = ord(ch)
    if 0x0400 <= o <= 0x052F or 0x1C80 <= o <= 0x1C8F or 0xA640 <= o <= 0xA69F:
        return "cyrl"
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFDFF or (
        0xFE70 <= o <= 0xFEFF
    ):
        return "arab"
    if 0x10A0 <= o <= 0x10FF or 0x1C90 <= o <= 0x1CBF:
        return "geor"
    if 0x0530 <= o <= 0x058F or 0xFB13 <= o <= 0xFB17:
        return "armn"
    if ch.isascii() or 0x00C0 <= o <= 0x024F or 0x1E00 <= o <= 0x1EFF or o in (0x0259, 0x018F):
        return "latn"
    return "other"


def _token_script(tok: str) -> str:
    if tok.isascii():
        return "latn"
    counts: dict[str, int] = {}
    for ch in tok:
        if ch.isalpha():
            s = script_of(ch)
            counts[s] = counts.get(s, 0) + 1
    if not counts:
        return "latn"
    return max(counts, key=counts.__getitem__)


# --------------------------------------------------------------------------- splitting

_APOSTROPHES = "'’ʼʻ`´‘ʹʺ′\u02bc\u02bb\u02bd"
_SPLIT_RE = re.compile(r"[\s\-‐‑‒–—_,;/\\.()\[\]{}|+&:\"«»“”„0-9]+")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, tatweel


def split_tokens(raw: str) -> list[str]:
    """Lower-case, NFC-normalise and split a raw name into tokens (apostrophes are dropped
    inside a token, ZWNJ joins Persian compounds)."""
    if not raw:
        return []
    s = unicodedata.normalize("NFC", raw).lower()
    s = s.replace("\u200c", "").replace("\u200d", "").replace("\u200f", "").replace("\u200e", "")
    s = _ARABIC_MARKS.sub("", s)
    for a in _APOSTROPHES:
        s = s.replace(a, "")
    return [t for t in _SPLIT_RE.split(s) if t]


# --------------------------------------------------------------------------- Latin folding

_LATIN_FOLD = {
    "š": "sh", "ş": "sh", "ș": "sh", "ś": "s", "č": "ch", "ç": "ch", "ć": "ch", "ž": "zh",
    "ź": "z", "ż": "z", "ŝ": "shch", "ĉ": "ch", "ǧ": "g", "ğ": "g", "ġ": "g", "ı": "i",
    "ə": "a", "ä": "a", "ö": "o", "ü": "u", "ë": "e", "ï": "i", "ÿ": "y", "ß": "ss",
    "ḩ": "h", "ḥ": "h", "ḫ": "kh", "ẖ": "h", "ṣ": "s", "ṭ": "t", "ẓ": "z", "ḍ": "d", "ż̧": "z",
    "ā": "a", "ē": "e", "ī": "i", "ō": "o", "ū": "u", "ñ": "n", "ň": "n", "ř": "r", "ł": "l",
    "đ": "d", "ő": "o", "ű": "u", "å": "a", "æ": "ae", "ø": "o", "œ": "oe", "þ": "th",
    "ǯ": "j", "ǰ": "j", "ʒ": "zh",
}


def fold_latin(tok: str) -> str:
    """Fold a Latin-script token to lower-case ASCII, keeping the sound of
    Turkic/Slavic diacritics (ş → sh, č → ch, ə → a, ı → i)."""
    out = []
    for ch in tok:
        if ch.isascii():
            if ch.isalpha():
                out.append(ch)
            continue
        rep = _LATIN_FOLD.get(ch)
        if rep is None:
            base = unicodedata.normalize("NFD", ch)[0]
            if base.isascii() and base.isalpha():
                rep = base
            elif _ICU_ANY is not None:
                rep = "".join(c for c in _ICU_ANY.transliterate(ch).lower() if c.isascii()
                              and c.isalpha())
            else:
                rep = ""
        out.append(rep)
    return "".join(out)


# --------------------------------------------------------------------------- Cyrillic tables

_VOWELS_CYR = set("аеёиіїоуыэюяєәөұүӯӣўй")

# Base letters common to all conventions (English-style).
_CYR_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g", "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o",
    "ұ": "u", "ү": "u", "һ": "h", "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u", "ў": "o",
    "ҙ": "z", "ҫ": "s", "ӑ": "a", "ӗ": "e", "ҫ ": "s",
}

# Convention-specific overrides: (mapping, initial-position overrides)
_CYR_CONVENTIONS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    # Russian passport (ICAO 9303 as used since 2013): й→i, ю→iu, я→ia, ъ→ie
    "ru_passport": ({"й": "i", "ю": "iu", "я": "ia", "ъ": "ie", "ё": "e"}, {}),
    # BGN/PCGN-like: е→ye at word start, ё→yo
    "ru_bgn": ({"ё": "yo"}, {"е": "ye", "ё": "yo"}),
    # Ukrainian passport (2010): г→h, и→y, і→i, ї→i/yi, є→ie/ye, й→i/y, ю→iu/yu, я→ia/ya
    "uk_passport": (
        {"г": "h", "и": "y", "ї": "i", "є": "ie", "й": "i", "ю": "iu", "я": "ia", "щ": "shch"},
        {"ї": "yi", "є": "ye", "й": "y", "ю": "yu", "я": "ya"},
    ),
    # German-style: ш→sch, ж→sh, ч→tsch, х→ch, в→w, ц→z, з→s, й→j, ю→ju, я→ja, ы→y
    "german": (
        {"ш": "sch", "ж": "sh", "ч": "tsch", "щ": "schtsch", "х": "ch", "в": "w", "ц": "z",
         "з": "s", "й": "j", "ю": "ju", "я": "ja", "е": "e", "ё": "jo", "дж": "dsch", "и": "i",
         "є": "je", "ї": "ji", "г": "g"},
        {"е": "je"},
    ),
    # French-style: у→ou, ш→ch, ж→j, ч→tch, х→kh, дж→dj, й→ï, ю→iou, я→ia
    "french": (
        {"у": "ou", "ш": "ch", "ж": "j", "ч": "tch", "щ": "chtch", "х": "kh", "й": "i",
         "ю": "iou", "я": "ia", "ё": "io", "дж": "dj", "ц": "ts", "ы": "y", "и": "i"},
        {},
    ),
    # Uzbek/Tajik official Latin: х→x, ж→j, ғ→gʻ, ў→oʻ, қ→q, ҳ→h
    "uz_latin": (
        {"х": "x", "ж": "j", "ғ": "g", "ў": "o", "қ": "q", "ҳ": "h", "ц": "s", "ё": "yo",
         "ю": "yu", "я": "ya", "ч": "ch", "ш": "sh", "й": "y", "ҷ": "j"},
        {"е": "ye"},
    ),
    # Plain English spelling often used by caseworkers (х→h, ы→i, ий→iy)
    "english": ({"х": "h", "ы": "i", "й": "y", "ц": "ts"}, {}),
}


def _cyr_fast_tables() -> dict[str, tuple[dict[int, str], str | None, re.Pattern | None]]:
    """Per convention: a translate table of the letters (the convention's own over the
    base), its spelling of дж, and a pattern of the letters spelt otherwise at the start
    of the word or after a vowel — the same rules as :func:`_cyr_romanise_slow`."""
    vowels = "".join(sorted(_VOWELS_CYR)) + "ьъ"
    out = {}
    for conv, (table, initial) in _CYR_CONVENTIONS.items():
        merged = {k: v for k, v in _CYR_BASE.items() if len(k) == 1}
        merged.update({k: v for k, v in table.items() if len(k) == 1})
        ctx = None
        if initial:
            keys = "".join(sorted(initial))
            ctx = re.compile(f"^[{keys}]" if conv == "uk_passport"
                             else f"(?:^|(?<=[{vowels}]))[{keys}]")
        out[conv] = (str.maketrans(merged), table.get("дж"), ctx)
    return out


def _cyr_romanise(tok: str, conv: str) -> str:
    trans, dzh, ctx = _CYR_FAST[conv]
    s = tok
    if dzh is not None and "дж" in s:
        s = s.replace("дж", dzh)
    if ctx is not None:
        initial = _CYR_CONVENTIONS[conv][1]
        s = ctx.sub(lambda m: initial[m.group()], s)
    s = s.translate(trans)
    if s.isascii() and (s.isalpha() or not s):
        return s
    # a letter no table covers (or a digit, a mark): the letter-by-letter rules
    return _cyr_romanise_slow(tok, conv)


def _cyr_romanise_slow(tok: str, conv: str) -> str:
    table, initial = _CYR_CONVENTIONS[conv]
    out = []
    i = 0
    n = len(tok)
    prev_vowel = True  # word start behaves like after a vowel for ye/yu/ya
    while i < n:
        ch = tok[i]
        if ch == "д" and i + 1 < n and tok[i + 1] == "ж" and "дж" in table:
            out.append(table["дж"])
            i += 2
            prev_vowel = False
            continue
        if (i == 0 or (prev_vowel and conv != "uk_passport")) and ch in initial:
            rep = initial[ch]
        elif ch in table:
            rep = table[ch]
        elif ch in _CYR_BASE:
            rep = _CYR_BASE[ch]
        elif ch.isascii() and ch.isalpha():
            rep = ch
        else:
            rep = fold_latin(ch)
        out.append(rep)
        prev_vowel = ch in _VOWELS_CYR or ch in "ьъ"
        i += 1
    return "".join(out)


_CYR_FAST = _cyr_fast_tables()

# Direct phonetic classes for native scripts (one key per token, no ambiguity).
_V = "a"  # vowel slot
_CYR_PHON = {
    "б": "b", "п": "p", "т": "t", "д": "d", "к": "k", "қ": "k", "г": "h", "ғ": "h", "ґ": "h",
    "һ": "h", "ҳ": "h", "х": "h", "ж": "j", "ш": "j", "щ": "j", "ч": "j", "ҷ": "j",
    "с": "s", "ц": "s", "ҫ": "s", "з": "z", "ҙ": "z", "ф": "f", "в": "v", "л": "l", "м": "m",
    "н": "n", "ң": "n", "р": "r", "ь": "", "ъ": "",
}
for _c in _VOWELS_CYR | set("ыэ"):
    _CYR_PHON[_c] = _V

# --------------------------------------------------------------------------- Georgian

_GEO = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t", "ი": "i",
    "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh", "რ": "r", "ს": "s",
    "ტ": "t", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q", "შ": "sh", "ჩ": "ch",
    "ც": "ts", "ძ": "dz", "წ": "ts", "ჭ": "ch", "ხ": "kh", "ჯ": "j", "ჰ": "h", "ჱ": "e",
    "ჲ": "i", "ჳ": "v", "ჴ": "kh", "ჵ": "o",
}
_GEO_PHON = {
    "ბ": "b", "გ": "h", "დ": "d", "ვ": "v", "ზ": "z", "თ": "t", "კ": "k", "ლ": "l", "მ": "m",
    "ნ": "n", "პ": "p", "ჟ": "j", "რ": "r", "ს": "s", "ტ": "t", "ფ": "p", "ქ": "k", "ღ": "h",
    "ყ": "k", "შ": "j", "ჩ": "j", "ც": "s", "ძ": "z", "წ": "s", "ჭ": "j", "ხ": "h", "ჯ": "j",
    "ჰ": "h", "ჴ": "h", "ჳ": "v",
}
for _c in "აეიოუჱჲჵ":
    _GEO_PHON[_c] = _V

# --------------------------------------------------------------------------- Armenian (Eastern)

_ARM = {
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y", "թ": "t",
    "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h", "ձ": "dz",
    "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o", "չ": "ch",
    "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r", "ց": "ts", "ւ": "v",
    "փ": "p", "ք": "k", "օ": "o", "ֆ": "f", "և": "ev",
}
_ARM_PHON = {
    "բ": "b", "գ": "h", "դ": "d", "զ": "z", "թ": "t", "ժ": "j", "լ": "l", "խ": "h", "ծ": "s",
    "կ": "k", "հ": "h", "ձ": "z", "ղ": "h", "ճ": "j", "մ": "m", "ն": "n", "շ": "j", "չ": "j",
    "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r", "ց": "s", "ւ": "v",
    "փ": "p", "ք": "k", "ֆ": "f",
}
for _c in "աեէըիոօյ":
    _ARM_PHON[_c] = _V


def _arm_romanise(tok: str) -> str:
    tok = tok.replace("ու", "u")
    out = []
    for i, ch in enumerate(tok):
        if i == 0 and ch == "ե":
            out.append("ye")
        elif i == 0 and ch == "ո":
            out.append("vo")
        else:
            out.append(_ARM.get(ch, ch if ch.isascii() and ch.isalpha() else ""))
    return "".join(out)


def _arm_phon(tok: str) -> str:
    tok = tok.replace("ու", "ա").replace("և", "աւ")
    return "".join(_ARM_PHON.get(ch, "") for ch in tok)


# --------------------------------------------------------------------------- Arabic script

_ARAB = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "i", "ٱ": "a", "ب": "b", "پ": "p", "ت": "t", "ث": "s",
    "ج": "j", "چ": "ch", "ح": "h", "خ": "kh", "د": "d", "ذ": "z", "ر": "r", "ز": "z",
    "ژ": "zh", "س": "s", "ش": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "ع": "", "غ": "gh",
    "ف": "f", "ق": "q", "ک": "k", "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "و": "u",
    "ه": "h", "ة": "a", "ي": "i", "ی": "i", "ى": "a", "ئ": "", "ء": "", "ؤ": "u", "ۀ": "e",
    "ٹ": "t", "ډ": "d", "ړ": "r", "ږ": "zh", "ښ": "sh", "ځ": "dz", "څ": "ts", "ګ": "g",
    "ڼ": "n", "ې": "e", "ۍ": "ay", "ے": "e", "ں": "n", "ھ": "h", "ڵ": "l", "ێ": "e", "ە": "e",
    "ڕ": "r", "ڤ": "v", "ۆ": "o", "ڭ": "ng",
}
# consonant classes; '' = not a consonant (vowel carrier, ain, hamza)
_ARAB_PHON = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "j", "ح": "h", "خ": "h", "د": "d",
    "ذ": "z", "ر": "r", "ز": "z", "ژ": "j", "س": "s", "ش": "j", "ص": "s", "ض": "z", "ط": "t",
    "ظ": "z", "غ": "h", "ف": "f", "ق": "k", "ک": "k", "ك": "k", "گ": "h", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "ٹ": "t", "ډ": "d", "ړ": "r", "ږ": "j", "ښ": "j", "ځ": "z", "څ": "s",
    "ګ": "h", "ڼ": "n", "ھ": "h", "ڕ": "r", "ڤ": "v", "ڵ": "l", "ڭ": "n",
}


def _arab_skeletons(tok: str) -> tuple[str, ...]:
    """Consonant skeleton(s) of an Arabic-script token. ``و`` is a consonant (v) at the start
    of a word or before alif, otherwise a vowel; ``ي``/``ی`` is always a vowel slot; a final
    ``ه`` after a consonant may be a written vowel (Persian ``فاطمه``), so both readings."""
    res: list[str] = []
    if tok.startswith("ال") and len(tok) > 3:
        # the article (al-/el-/ad-...) is written attached; caseworkers write it apart, join
        # it, assimilate it or drop it: keep both the skeleton with and without it
        full = _arab_skeletons1(tok)
        bare = _arab_skeletons1(tok[2:])
        for i in range(max(len(full), len(bare))):  # primaries first
            res.extend(x[i] for x in (full, bare) if i < len(x))
    else:
        res.extend(_arab_skeletons1(tok))
    return tuple(dict.fromkeys(r for r in res if r))


# Letters read two ways: ض is d in Arabic and z in Persian (Ramadan/Ramazan), ذ/ظ are
# written dh, z or d, ث is th/t or s (Othman/Usman).
_ARAB_ALT = {"ض": "d", "ذ": "d", "ظ": "d", "ث": "t"}


def _arab_skeletons1(tok: str) -> list[str]:
    outs: list[list[str]] = [[]]
    if tok.endswith("وف") and len(tok) > 3:  # Russian -ov written in Persian/Arabic: وف
        tok = tok[:-2] + "و"
        suffix_v = True
    else:
        suffix_v = False
    n = len(tok)
    for i, ch in enumerate(tok):
        if suffix_v and i == n - 1:
            cs: tuple[str, ...] = ("v",)
        elif ch == "و":
            if not (i == 0 or (i + 1 < n and tok[i + 1] in "اآ")):
                continue
            cs = ("v",)
        else:
            c = _ARAB_PHON.get(ch, "")
            if not c:
                continue
            alt = _ARAB_ALT.get(ch)
            cs = (c, alt) if alt and len(outs) < 4 else (c,)
        new_outs = []
        for c in cs:
            for out in outs:
                new_outs.append(out if out and out[-1] == c else [*out, c])
        outs = new_outs
    # final devoicing only when the word ends on the consonant (احمد, not احمدی = Ahmadi)
    devoice = bool(_ARAB_PHON.get(tok[-1:]) or suffix_v)
    res = []
    for out in outs:
        skel = "".join(out)
        if devoice:
            skel = _final_devoice(skel)
        res.append(skel)
    if tok.endswith(("ه", "ة")):
        for out in outs:
            skel = "".join(out)
            if len(skel) > 1 and skel.endswith("h"):
                res.append(_final_devoice(skel[:-1]))
    return res


def _final_devoice(key: str) -> str:
    if key.endswith("d"):
        return key[:-1] + "t"
    return key


# --------------------------------------------------------------------------- Latin phonetics

# Each rule: (pattern, alternatives); the first alternative is the primary reading.
_LAT_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("schtsch", ("j",)), ("shch", ("j",)), ("tsch", ("j",)), ("dsch", ("j",)),
    ("dzh", ("j",)), ("sch", ("j",)), ("tch", ("j",)), ("chtch", ("j",)),
    ("zh", ("j",)), ("sh", ("j",)), ("ch", ("j", "h")), ("dj", ("j",)), ("dz", ("z",)),
    ("kh", ("h",)), ("gh", ("h",)), ("ph", ("f",)), ("th", ("t",)), ("ts", ("s",)),
    ("dh", ("d", "z")),
    ("tz", ("s",)), ("ck", ("k",)), ("qu", ("k",)), ("ng", ("n",)),
    ("x", ("h", "ks")), ("j", ("j", _V)), ("c", ("k", "s", "j")),
    ("a", (_V,)), ("e", (_V,)), ("i", (_V,)), ("o", (_V,)), ("u", (_V,)), ("y", (_V,)),
    ("b", ("b",)), ("d", ("d",)), ("f", ("f",)), ("g", ("h",)), ("h", ("h",)), ("k", ("k",)),
    ("l", ("l",)), ("m", ("m",)), ("n", ("n",)), ("p", ("p",)), ("q", ("k",)), ("r", ("r",)),
    ("s", ("s",)), ("t", ("t",)), ("v", ("v",)), ("w", ("v",)), ("z", ("z",)),
]
_LAT_RULE_MAP: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _pat, _alts in _LAT_RULES:
    _LAT_RULE_MAP.setdefault(_pat[0], []).append((_pat, _alts))
for _lst in _LAT_RULE_MAP.values():
    _lst.sort(key=lambda r: -len(r[0]))
_LAT_ALTS = dict(_LAT_RULES)
# longest pattern first: the regex alternation then takes the same (longest) rule at each
# position as a scan would; characters that no rule covers are skipped
_LAT_RE = re.compile(
    "|".join(re.escape(p) for p, _ in sorted(_LAT_RULES, key=lambda r: -len(r[0])))
)


_RUNS = re.compile(r"(.)\1+")


def _collapse(symbols: list[str]) -> str:
    """The symbols joined, each run of one letter written once, a final d devoiced."""
    return _final_devoice(_RUNS.sub(r"\1", "".join(symbols)))


@lru_cache(maxsize=65536)
def phonetic_keys(latin: str) -> tuple[str, ...]:
    """Phonetic keys of one ASCII token, one per plausible reading (primary first)."""
    segs: list[tuple[str, ...]]
    pats = _LAT_RE.findall(latin)
    if "c" in pats:
        segs = []
        for m in _LAT_RE.finditer(latin):
            pat = m.group()
            if pat == "c":
                # 'c' before e/i/y is never k; 'ch'/'x'/'j' keep their alternatives.
                nxt = latin[m.end():m.end() + 1]
                segs.append(("s", "j") if nxt in "eiy" else ("k", "j"))  # final c: ц
            else:
                segs.append(_LAT_ALTS[pat])
    else:
        segs = [_LAT_ALTS[p] for p in pats]
    # final 'h' after a vowel is often a written vowel (Fatemeh, Zahrah): optional
    if (len(segs) >= 2 and latin.endswith("h")
            and not latin.endswith(("kh", "gh", "sh", "ch")) and segs[-2] == (_V,)):
        segs[-1] = ("h", "")
    if all(len(alts) == 1 for alts in segs):  # one reading (most tokens)
        k = _collapse([alts[0] for alts in segs])
        return (k,) if k else ()
    parts: list[list[str]] = [[]]
    for alts in segs:
        if len(alts) == 1 or len(parts) * len(alts) > MAX_PHON_KEYS:
            for p in parts:
                p.append(alts[0])
        else:
            parts = [p + [a] for p in parts for a in alts]
    keys = [_collapse(p) for p in parts]
    return tuple(dict.fromkeys(k for k in keys if k))


def skeleton(phon: str) -> str:
    return phon.replace(_V, "")


# --------------------------------------------------------------------------- per token


class TokenKeys(NamedTuple):
    """Keys of one name token. ``latin[0]`` is the primary spelling used for Jaro-Winkler.

    The key lists are stored as ``|``-joined strings (``latin_s``, ``phon_s``, ``skel_s``) —
    one string instead of a tuple of up to eight, which matters with millions of distinct
    tokens in an index — and read through the ``latin``, ``phon`` and ``skel`` tuples."""

    raw: str
    script: str
    latin_s: str
    phon_s: str  # empty for Arabic script (no vowels written)
    skel_s: str

    @property
    def latin(self) -> tuple[str, ...]:
        return tuple(self.latin_s.split("|")) if self.latin_s else ()

    @property
    def phon(self) -> tuple[str, ...]:
        return tuple(self.phon_s.split("|")) if self.phon_s else ()

    @property
    def skel(self) -> tuple[str, ...]:
        return tuple(self.skel_s.split("|")) if self.skel_s else ()


def _token(raw: str, script: str, latin, phon, skel) -> TokenKeys:
    return TokenKeys(raw, script, "|".join(latin), "|".join(phon), "|".join(skel))


def _icu_latin(tok: str) -> str:
    if _ICU_ANY is None:
        return ""
    return "".join(c for c in _ICU_ANY.transliterate(tok).lower() if c.isascii() and c.isalpha())


# Keys computed by another process (``kinlink match`` prepares the tokens of part of the
# children in a forked helper while it indexes the rest), taken on a cache miss.
_PRESET: dict[str, TokenKeys] = {}
_SCRIPTS = {s: s for s in ("latn", "cyrl", "arab", "geor", "armn", "other")}
_LINES_PER_CHUNK = 50_000


def token_key_lines(tokens: Iterable[str]) -> list[str]:
    """Keys of ``tokens`` as text for :func:`preset_token_keys` in another process (a few
    strings pickle much faster than millions of tuples): one line per token, its fields
    separated by tabs (a token never contains a tab or a newline), in chunks of lines."""
    out: list[str] = []
    buf: list[str] = []
    for t in tokens:
        buf.append("\t".join(token_keys(t)))
        if len(buf) >= _LINES_PER_CHUNK:
            out.append("\n".join(buf))
            buf = []
    if buf:
        out.append("\n".join(buf))
    return out


def preset_token_keys(chunks: list[str]) -> None:
    """Take the keys of :func:`token_key_lines` (computed elsewhere by the same code).
    Empties ``chunks`` as it goes, so that the text and the keys are not both held."""
    preset = _PRESET
    scripts = _SCRIPTS
    make = TokenKeys._make
    while chunks:
        for line in chunks.pop().split("\n"):
            f = line.split("\t")
            f[1] = scripts.get(f[1], f[1])
            preset[f[0]] = make(f)


def clear_preset() -> None:
    _PRESET.clear()


@lru_cache(maxsize=262144)
def token_keys(tok: str) -> TokenKeys:
    """Keys for one already-split, lower-cased token."""
    if _PRESET:
        pre = _PRESET.pop(tok, None)
        if pre is not None:
            return pre
    script = _token_script(tok)
    latin: list[str]
    phon: tuple[str, ...]
    if script == "cyrl":
        ukr = any(c in "іїєґ" for c in tok)
        first = "uk_passport" if ukr else "ru_bgn"
        convs = [first] + [c for c in _CYR_CONVENTIONS if c != first]
        latin = [_cyr_romanise(tok, c) for c in convs]
        latin.append(_icu_latin(tok))
        t2 = tok
        if "дж" in t2:
            t2 = t2.replace("дж", "ж")
        phon = (_collapse([_CYR_PHON.get(c, "") for c in t2]),)
    elif script == "geor":
        latin = ["".join(_GEO.get(c, "") for c in tok), _icu_latin(tok)]
        phon = (_collapse([_GEO_PHON.get(c, "") for c in tok]),)
    elif script == "armn":
        latin = [_arm_romanise(tok), _icu_latin(tok)]
        phon = (_collapse(list(_arm_phon(tok))),)
    elif script == "arab":
        latin = ["".join(_ARAB.get(c, "") for c in tok), _icu_latin(tok)]
        latin = [x for x in latin if x]
        skel = _arab_skeletons(tok)
        return _token(tok, script, tuple(dict.fromkeys(latin)), (), skel)
    else:
        base = fold_latin(tok) if script == "latn" else _icu_latin(tok)
        latin = [base]
        phon = phonetic_keys(base)
    latin_t = tuple(dict.fromkeys(x for x in latin if x))
    if script in ("cyrl",):
        # Romanised forms read back through the Latin rules add the readings a caseworker
        # would produce (e.g. German 'ch' for х); keep the native key first.
        extra = []
        for x in latin_t[:1]:
            extra.extend(phonetic_keys(x)[:1])
        phon = tuple(dict.fromkeys(list(phon) + extra))
    phon = tuple(p for p in phon if p)
    skel = tuple(dict.fromkeys(s for s in (skeleton(p) for p in phon) if s))
    return _token(tok, script, latin_t, phon, skel)


# --------------------------------------------------------------------------- whole names


class NameKeys(NamedTuple):
    """All keys of a raw name: per token, and for the tokens joined (compound names such as
    ``Mohammad Reza`` ~ ``محمدرضا`` ~ ``Mohammadreza``)."""

    raw: str
    tokens: tuple[TokenKeys, ...]
    joined: TokenKeys | None

    @property
    def latin(self) -> frozenset[str]:
        return frozenset(x for t in self._all() for x in t.latin)

    @property
    def phonetic(self) -> frozenset[str]:
        return frozenset(x for t in self._all() for x in t.phon)

    @property
    def skeleton(self) -> frozenset[str]:
        return frozenset(x for t in self._all() for x in t.skel)

    def _all(self) -> tuple[TokenKeys, ...]:
        return self.tokens + ((self.joined,) if self.joined is not None else ())

    def __bool__(self) -> bool:
        return bool(self.tokens)


_EMPTY = NameKeys("", (), None)


@lru_cache(maxsize=262144)
def name_keys(raw: str | None) -> NameKeys:
    """Keys for a raw name string in any script (see module docstring)."""
    if not raw:
        return _EMPTY
    toks = split_tokens(raw)
    if not toks:
        return _EMPTY
    tk = tuple(token_keys(t) for t in toks)
    joined = token_keys("".join(toks)) if len(toks) > 1 else None
    return NameKeys(raw, tk, joined)


def normalise_name(raw: str | None) -> str:
    """Primary ASCII spelling of a name, tokens separated by one space
    (``"  Олександр  ШЕВЧЕНКО "`` → ``"oleksandr shevchenko"``)."""
    nk = name_keys(raw)
    return " ".join(t.latin[0] if t.latin else t.raw for t in nk.tokens)
