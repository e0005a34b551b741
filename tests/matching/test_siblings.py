"""Siblings share the family name, parents' names and place; the model lowers a candidate
whose given name is plainly another child's while a parent's name is the same."""

from __future__ import annotations

import datetime as dt

import pytest

from kinlink.matching import FellegiSunterModel, MatchIndex, PersonRecord
from kinlink.matching.compare import FIELDS, LEVELS
from kinlink.matching.model import SIBLING_PENALTY

REF = dt.date(2026, 1, 1)


def levels(**named):
    lv = [0] * len(FIELDS)
    for f, name in named.items():
        lv[FIELDS.index(f)] = LEVELS[f].index(name)
    return tuple(lv)


def test_penalty_applies_only_to_the_sibling_signature():
    m = FellegiSunterModel()
    plain = FellegiSunterModel(sibling_penalty=0.0)
    sib = levels(given_name="different", family_name="translit", mother_name="same")
    assert m.score(sib) == pytest.approx(plain.score(sib) - SIBLING_PENALTY)
    for lv in (
        levels(given_name="fuzzy_low", family_name="translit", mother_name="same"),
        levels(given_name="different", family_name="translit", mother_name="partial"),
        levels(given_name="different", family_name="translit"),
    ):
        assert m.score(lv) == plain.score(lv)
    father = levels(given_name="different", father_name="same")
    assert m.score(father) == pytest.approx(plain.score(father) - SIBLING_PENALTY)


def test_contributions_name_the_penalty_and_sum_to_the_score():
    m = FellegiSunterModel()
    sib = levels(given_name="different", family_name="exact", father_name="same")
    parts = m.contributions(sib)
    assert parts[-1].field == "sibling_signature" and parts[-1].weight == -SIBLING_PENALTY
    assert sum(p.weight for p in parts) == pytest.approx(m.score(sib))


def test_penalty_is_saved_and_older_files_get_the_default():
    m = FellegiSunterModel(sibling_penalty=4.5)
    assert FellegiSunterModel.from_dict(m.to_dict()).sibling_penalty == 4.5
    d = m.to_dict()
    del d["sibling_penalty"]
    assert FellegiSunterModel.from_dict(d).sibling_penalty == SIBLING_PENALTY


def test_the_child_outranks_a_sibling_sharing_mother_and_place():
    """The request spells the child's name like the registration but knows only the mother;
    the registered brother matches the mother and the place exactly."""
    idx = MatchIndex(reference_date=REF)
    idx.add(PersonRecord(id="child", given_name="Otar", family_name="Rewasishvili", sex="m",
                         date_of_birth=dt.date(2010, 1, 1), mother_name="Almira Revazishvili"))
    idx.add(PersonRecord(id="brother", given_name="Loke", family_name="Revazishvili", sex="m",
                         age=14, age_estimated=True, mother_name="Elmira Revasishvili",
                         place_of_origin="Betume"))
    query = PersonRecord(id="q", given_name="ოთარ", family_name="რევაზიშვილი", sex="m",
                         date_of_birth=dt.date(2009, 7, 7), mother_name="ელმირა რევაზიშვილი",
                         place_of_origin="ბათუმი")
    res = idx.search(query, top_k=2)
    assert [r.record_id for r in res] == ["child", "brother"]
    plain = MatchIndex(FellegiSunterModel(sibling_penalty=0.0), reference_date=REF)
    for r in idx.records():
        plain.add(r)
    assert plain.search(query, top_k=1)[0].record_id == "brother"  # what the penalty fixes
