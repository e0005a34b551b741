"""Person records and the one-off preparation of their comparison keys."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from .names import TokenKeys, split_tokens, token_keys
from .variants import (
    DEFAULT_VARIANTS,
    PATRONYMIC_PARTICLES,
    VariantTable,
    is_patronymic,
    surname_roots,
)

__all__ = [
    "PersonRecord",
    "PreparedName",
    "PreparedRecord",
    "prepare",
    "normalise_sex",
    "EMPTY_NAME",
    "normalise_document",
]


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One child (or one tracing request describing a child). Every field but ``id`` may be
    empty. ``age`` is in years at ``recorded_on`` (the reference date given to :func:`prepare`
    when ``recorded_on`` is None). ``age_estimated`` marks an age or date of birth that was
    guessed (e.g. by a caseworker) rather than documented. ``document_numbers`` are the
    numbers of identity or civil documents (birth certificate, passport, national or
    registration id; a child may be written into a parent's passport, so siblings can share
    one) — or keyed hashes of them, which then only compare as same/different."""

    id: str
    given_name: str = ""
    family_name: str = ""
    middle_name: str = ""
    sex: str = ""
    date_of_birth: dt.date | None = None
    age: float | None = None
    age_estimated: bool = False
    place_of_origin: str = ""
    mother_name: str = ""
    father_name: str = ""
    other_names: tuple[str, ...] = field(default=())
    recorded_on: dt.date | None = None
    document_numbers: tuple[str, ...] = field(default=())


# Cyrillic letters that look like Latin ones in document series (АВ 123456 / AB 123456)
_DOC_LOOKALIKE = str.maketrans("АВЕКМНОРСТУХІЈЅ", "ABEKMHOPCTYXIJS")
_DOC_MIN_LEN = 4


def normalise_document(value: str) -> str:
    """Upper case, Cyrillic look-alikes as Latin, only letters and digits; '' when fewer than
    4 characters remain (too short to tell children apart). The numero sign is dropped
    before NFKC, which would spell it "No"."""
    s = unicodedata.normalize("NFKC", (value or "").replace("№", " "))
    s = s.upper().translate(_DOC_LOOKALIKE)
    s = "".join(ch for ch in s if ch.isalnum())
    return s if len(s) >= _DOC_MIN_LEN else ""


_SEX = {
    "m": "m", "male": "m", "boy": "m", "man": "m", "м": "m", "муж": "m", "мужской": "m",
    "мальчик": "m", "чоловіча": "m", "хлопчик": "m", "ч": "m", "ذكر": "m", "مذكر": "m",
    "پسر": "m", "مرد": "m", "erkek": "m", "kişi": "m", "oğlan": "m", "erkak": "m", "ul": "m",
    "1": "m", "f": "f", "female": "f", "girl": "f", "woman": "f", "ж": "f", "жен": "f",
    "женский": "f", "девочка": "f", "жіноча": "f", "дівчинка": "f", "أنثى": "f", "انثى": "f",
    "مؤنث": "f", "دختر": "f", "زن": "f", "kadın": "f", "kız": "f", "qadın": "f", "qiz": "f",
    "ayol": "f", "2": "f", "w": "f",
}


def normalise_sex(value: str | None) -> str | None:
    """'m', 'f' or None for unknown/other."""
    if not value:
        return None
    return _SEX.get(value.strip().lower().rstrip("."))


class PreparedName(NamedTuple):
    tokens: tuple[TokenKeys, ...]
    joined: TokenKeys | None
    variants: tuple[int, ...]
    roots: tuple[str, ...]  # surname roots (family names only)

    def __bool__(self) -> bool:
        return bool(self.tokens)

    @property
    def text(self) -> str:
        return " ".join(t.raw for t in self.tokens)


EMPTY_NAME = PreparedName((), None, (), ())


@lru_cache(maxsize=262144)
def _prepared_name(toks: tuple[str, ...], family: bool, table: VariantTable,
                   version: int = 0) -> PreparedName:
    if not toks:
        return EMPTY_NAME
    tk = tuple(token_keys(t) for t in toks)
    joined = token_keys("".join(toks)) if len(toks) > 1 else None
    var: list[int] = []
    for t in tk:
        var.extend(table.lookup(t))
    if joined is not None:
        var.extend(table.lookup(joined))
    roots: tuple[str, ...] = ()
    if family:
        rl: list[str] = []
        for t in tk:
            rl.extend(surname_roots(t))
        roots = tuple(dict.fromkeys(rl))
    return PreparedName(tk, joined, tuple(dict.fromkeys(var)), roots)


def _split_patronymics(toks: list[str]) -> tuple[list[str], list[str]]:
    """Separate patronymic tokens (Abenovich; 'Aben uly') from the others."""
    keep: list[str] = []
    patr: list[str] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if i + 1 < len(toks) and token_keys(toks[i + 1]).latin[0] in PATRONYMIC_PARTICLES:
            patr.extend((t, toks[i + 1]))
            i += 2
            continue
        tk = token_keys(t)
        if (tk.latin and tk.latin[0] in PATRONYMIC_PARTICLES) or is_patronymic(tk):
            patr.append(t)
        else:
            keep.append(t)
        i += 1
    return keep, patr


class PreparedRecord(NamedTuple):
    """Everything a comparison needs, computed once per record."""

    record: PersonRecord
    given: PreparedName
    family: PreparedName
    middle: PreparedName
    others: tuple[PreparedName, ...]
    sex: str | None
    dob_lo: int  # ordinal day, 0 = unknown
    dob_hi: int
    dob_precise: bool  # a documented full date (not 1 January, not estimated)
    dob_estimated: bool  # came from an estimated age/date or a 1 January placeholder
    place: PreparedName
    mother: PreparedName
    father: PreparedName
    docs: tuple[str, ...] = ()  # normalised document numbers

    @property
    def id(self) -> str:
        return self.record.id


_YEAR = 365.2425


def _dob_interval(rec: PersonRecord, ref: dt.date) -> tuple[int, int, bool, bool]:
    d = rec.date_of_birth
    if d is not None:
        o = d.toordinal()
        if rec.age_estimated:
            return int(o - _YEAR), int(o + _YEAR), False, True
        if d.month == 1 and d.day == 1:
            return o, dt.date(d.year, 12, 31).toordinal(), False, True
        return o, o, True, False
    if rec.age is not None and rec.age >= 0:
        at = (rec.recorded_on or ref).toordinal()
        a = float(rec.age)
        if a == int(a):
            lo, hi = at - (a + 1) * _YEAR, at - a * _YEAR
        else:
            lo, hi = at - (a + 0.5) * _YEAR, at - (a - 0.5) * _YEAR
        if rec.age_estimated:
            lo -= _YEAR
            hi += _YEAR
        return int(lo), int(hi), False, bool(rec.age_estimated)
    return 0, 0, False, False


def prepare(rec: PersonRecord, *, reference_date: dt.date | None = None,
            variants: VariantTable | None = None) -> PreparedRecord:
    """Compute all keys of a record once (names are cached across records)."""
    table = variants or DEFAULT_VARIANTS
    ref = reference_date or dt.date.today()
    g_toks = split_tokens(rec.given_name)
    f_toks = split_tokens(rec.family_name)
    m_toks = split_tokens(rec.middle_name)
    g_toks, g_patr = _split_patronymics(g_toks)
    if len(f_toks) > 1:
        f_toks, f_patr = _split_patronymics(f_toks)
    else:
        f_patr = []
    if not m_toks:
        m_toks = g_patr + f_patr
    if not f_toks and len(g_toks) > 1:
        # "Nurlan Abenov" written in one field: first token given, rest family (order swaps
        # are handled by the comparator).
        f_toks = g_toks[1:]
        g_toks = g_toks[:1]
    if not g_toks and len(f_toks) > 1:
        g_toks = f_toks[1:]
        f_toks = f_toks[:1]
    lo, hi, precise, est = _dob_interval(rec, ref)
    return PreparedRecord(
        record=rec,
        given=_prepared_name(tuple(g_toks), False, table, table.version),
        family=_prepared_name(tuple(f_toks), True, table, table.version),
        middle=_prepared_name(tuple(m_toks), False, table, table.version),
        others=tuple(
            p for p in (_prepared_name(tuple(split_tokens(o)), False, table, table.version)
                        for o in rec.other_names) if p
        ),
        sex=normalise_sex(rec.sex),
        dob_lo=lo,
        dob_hi=hi,
        dob_precise=precise,
        dob_estimated=est,
        place=_prepared_name(tuple(split_tokens(rec.place_of_origin)), False, table, table.version),
        mother=_prepared_name(tuple(split_tokens(rec.mother_name)), True, table, table.version),
        father=_prepared_name(tuple(split_tokens(rec.father_name)), True, table, table.version),
        docs=tuple(dict.fromkeys(d for d in map(normalise_document, rec.document_numbers) if d)),
    )
