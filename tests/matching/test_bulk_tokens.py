"""The bulk token comparison that MatchIndex.search primes before comparing candidates must
give exactly the levels of the one-pair comparator, and a primed search exactly the results
of an unprimed one. A small in-test generator (no Faker) makes cross-script names with typos
and respellings."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from kinlink.matching import MatchIndex, PersonRecord
from kinlink.matching import compare as C
from kinlink.matching import index as I
from kinlink.matching.names import split_tokens, token_keys

REF = dt.date(2025, 6, 1)

GIVEN = [
    "Oleksandr",
    "Александр",
    "Olexandr",
    "Aleksandr",
    "Sasha",
    "Muhammad",
    "Mohammed",
    "Мухаммед",
    "محمد",
    "Magomed",
    "Mukhamad",
    "Nino",
    "ნინო",
    "Giorgi",
    "გიორგი",
    "Gevorg",
    "Գևորգ",
    "Fatima",
    "Fatemeh",
    "فاطمه",
    "Фатима",
    "Aisha",
    "Ayşe",
    "Hüseyin",
    "Guseyn",
    "Dilnoza",
    "Дилноза",
    "Zahra",
    "زهرا",
    "Nurlan",
    "Нурлан",
    "Yevhen",
    "Євген",
    "Olena",
    "Елена",
    "Ali",
    "علی",
    "Abdulloh",
    "Абдулло",
    "Mohammadreza",
    "محمدرضا",
    "Mohammad Reza",
]
FAMILY = [
    "Shevchenko",
    "Шевченко",
    "Schewtschenko",
    "Rahimov",
    "Рахимов",
    "رحیموف",
    "Rahimova",
    "Rahimzoda",
    "Beridze",
    "ბერიძე",
    "Petrosyan",
    "Պետրոսյան",
    "Petrosian",
    "Al-Halabi",
    "الحلبي",
    "Alhalabi",
    "Quliyev",
    "Guliyev",
    "Кулиев",
    "Yilmaz",
    "Yılmaz",
    "Karimi",
    "کریمی",
    "Ahmadi",
    "احمدی",
    "Ахмади",
    "Godirova",
    "Koderrove",
    "Abenov",
    "Абенов",
]
PLACES = [
    "Kharkiv",
    "Харків",
    "Kulob",
    "Кулоб",
    "Batumi",
    "ბათუმი",
    "Herat",
    "هرات",
    "Aleppo",
    "حلب",
    "Gyumri",
    "Գյումրի",
    "Almaty",
    "Алматы",
    "",
]
LETTERS = "abcdeghiklmnorstuvyz"


def _typo(s: str, rng: random.Random) -> str:
    if len(s) < 3 or rng.random() < 0.5:
        return s
    i = rng.randrange(1, len(s))
    op = rng.randrange(3)
    if op == 0:
        return s[:i] + s[i + 1 :]
    if op == 1:
        return s[:i] + rng.choice(LETTERS) + s[i + 1 :]
    return s[: i - 1] + s[i] + s[i - 1] + s[i + 1 :]


def _person(rid: str, rng: random.Random) -> PersonRecord:
    fam = rng.choice(FAMILY)
    return PersonRecord(
        rid,
        _typo(rng.choice(GIVEN), rng),
        _typo(fam, rng),
        rng.choice(["", "Petrovych", "Абенович", "Ivanovna", _typo(rng.choice(GIVEN), rng)]),
        rng.choice(["m", "f", "", "м"]),
        date_of_birth=(
            dt.date(2008 + rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28))
            if rng.random() < 0.7
            else None
        ),
        age=None if rng.random() < 0.5 else float(rng.randrange(2, 17)),
        age_estimated=rng.random() < 0.3,
        place_of_origin=rng.choice(PLACES),
        mother_name=(
            f"{_typo(rng.choice(GIVEN), rng)} {_typo(fam, rng)}" if rng.random() < 0.6 else ""
        ),
        father_name=_typo(rng.choice(GIVEN), rng) if rng.random() < 0.5 else "",
        other_names=(_typo(rng.choice(GIVEN), rng),) if rng.random() < 0.1 else (),
    )


def _tokens() -> list:
    rng = random.Random(3)
    raw = set()
    for words in (GIVEN, FAMILY, PLACES):
        for w in words:
            for _ in range(6):
                raw.update(split_tokens(_typo(w, rng)))
            raw.update(split_tokens(w))
            raw.add("".join(split_tokens(w)))
    return [token_keys(t) for t in sorted(raw)]


def test_bulk_levels_equal_pairwise_levels():
    toks = _tokens()
    assert len(toks) > 300
    seen = set()
    for a in toks:
        bulk = C.token_levels_bulk(a, toks)
        for b, lv in zip(toks, bulk, strict=True):
            assert lv == C._token_level_uncached(a, b), (a.raw, b.raw)
            seen.add(lv)
    # the set exercises every level from exact to different
    assert {C.N_EXACT, C.N_TRANSLIT, C.N_PHON, C.N_FUZZY_HIGH, C.N_FUZZY_LOW, C.N_DIFF} <= seen


def _results(idx: MatchIndex, reqs: list[PersonRecord]) -> list:
    out = []
    for r in reqs:
        out.append(
            [
                (h.record_id, h.rank, h.score, h.probability, h.is_match, h.explanation)
                for h in idx.search(r, top_k=10)
            ]
        )
    return out


@pytest.mark.parametrize("max_candidates", [500, 15])
def test_primed_search_equals_unprimed(monkeypatch, max_candidates):
    rng = random.Random(11)
    idx = MatchIndex(reference_date=REF, max_candidates=max_candidates)
    idx.add_many(_person(f"c{i}", rng) for i in range(600))
    reqs = [_person(f"r{i}", rng) for i in range(60)]
    C.clear_caches()
    primed = _results(idx, reqs)
    C.clear_caches()
    monkeypatch.setattr(I, "_prime", lambda q, cands: None)
    plain = _results(idx, reqs)
    assert primed == plain
    assert any(rows for rows in primed)


def test_priming_is_forgotten_after_search():
    idx = MatchIndex(reference_date=REF)
    idx.add(PersonRecord("c1", "Nino", "Beridze"))
    idx.search(PersonRecord("r1", "ნინო", "ბერიძე"))
    assert getattr(C._PRIMED, "levels", None) is None
