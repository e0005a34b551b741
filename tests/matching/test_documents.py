"""Document numbers (birth certificate, passport, national id) as a comparison field and a
blocking key: a child whose names were both written differently is still found by the number;
siblings written into one parent's passport share it and are told apart by the rest."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kinlink.matching import FellegiSunterModel, MatchIndex, PersonRecord
from kinlink.matching.compare import FIELDS, compare_records, doc_level, explain
from kinlink.matching.csvio import read_records
from kinlink.matching.records import normalise_document, prepare

REF = dt.date(2026, 1, 1)


def rec(rid, given, family, dob=None, docs=(), sex="m", **kw):
    return PersonRecord(id=rid, given_name=given, family_name=family, date_of_birth=dob,
                        sex=sex, document_numbers=tuple(docs), **kw)


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("АВ 123456", "AB123456"),  # Cyrillic series letters written like Latin ones
        ("ab-123 456", "AB123456"),
        ("I-ЕК № 0123", "IEK0123"),
        ("12", ""),  # too short to tell children apart
        ("", ""),
        ("  - / ", ""),
    ],
)
def test_normalise_document(raw, norm):
    assert normalise_document(raw) == norm


def test_document_levels():
    assert doc_level((), ("AB123456",)) == 0
    assert doc_level(("AB123456",), ("AB123456",)) == 1
    assert doc_level(("X1", "AB123456"), ("AB123456",)) == 1  # any number in common
    assert doc_level(("AB123456",), ("AB123465",)) == 2  # two neighbours swapped
    assert doc_level(("AB123456",), ("AB128456",)) == 2  # one character misread
    assert doc_level(("AB123456",), ("AB129956",)) == 3
    assert doc_level(("A123",), ("A124",)) == 3  # short numbers: no near level


def test_cyrillic_and_latin_series_compare_as_same():
    a = rec("a", "Nurlan", "Abenov", docs=["АВ 123456"])
    b = rec("b", "Nurlan", "Abenov", docs=["ab123456"])
    cmp = compare_records(a, b, reference_date=REF)
    assert cmp.levels[FIELDS.index("document_number")] == 1
    assert "document number: same" in explain(a, b, cmp)


def test_missing_document_is_not_evidence():
    model = FellegiSunterModel()
    a = rec("a", "Nurlan", "Abenov", dob=dt.date(2015, 3, 4))
    b = rec("b", "Nurlan", "Abenov", dob=dt.date(2015, 3, 4), docs=["AB123456"])
    levels = compare_records(a, b, reference_date=REF).levels
    assert levels[FIELDS.index("document_number")] == 0
    assert model.score(levels) == model.score(levels[:-1])  # exactly as without the field


def test_child_found_by_document_when_both_names_were_written_differently():
    idx = MatchIndex(reference_date=REF)
    dob = dt.date(2014, 6, 2)
    # the child, registered under names the family would not recognise
    idx.add(rec("child", "Bakhtiyor", "Rahmonov", dob, docs=["FA 7712093"]))
    # namesakes of the name the family gives, born the same year
    for i in range(30):
        idx.add(rec(f"n{i}", "Dilshod", "Karimov", dt.date(2014, 1 + i % 12, 1 + i % 27),
                    docs=[f"FA77{i:05d}"]))
    query = rec("q", "Dilshod", "Karimov", dob, docs=["FA7712093"])
    assert "child" in idx.candidates(query)
    best = idx.search(query, top_k=3)[0]
    assert best.record_id == "child"
    assert "document number: same" in best.explanation
    # without the number the child is nowhere near the top
    plain = idx.search(rec("q", "Dilshod", "Karimov", dob), top_k=3)
    assert "child" not in [r.record_id for r in plain]


def test_mistyped_document_number_still_meets_in_blocking():
    idx = MatchIndex(reference_date=REF)
    idx.add(rec("child", "Amina", "Yusupova", dt.date(2016, 2, 2), sex="f", docs=["KZ5550123"]))
    for i in range(20):
        idx.add(rec(f"o{i}", "Zarina", "Sadykova", dt.date(2016, 1, 1 + i), sex="f"))
    query = rec("q", "Zarina", "Sadykova", dt.date(2016, 2, 2), sex="f", docs=["KZ5550132"])
    assert "child" in idx.candidates(query)
    cmp = compare_records(query, idx.get("child"), reference_date=REF)
    assert cmp.levels[FIELDS.index("document_number")] == 2


def test_siblings_on_one_passport_are_told_apart_by_name_and_date():
    idx = MatchIndex(reference_date=REF)
    passport = ["N 0456789"]
    idx.add(rec("brother", "Timur", "Aliev", dt.date(2012, 4, 1), docs=passport))
    idx.add(rec("sister", "Madina", "Alieva", dt.date(2015, 9, 9), sex="f", docs=passport))
    res = idx.search(rec("q", "Madina", "Alieva", dt.date(2015, 9, 9), sex="f",
                         docs=passport), top_k=2)
    assert [r.record_id for r in res] == ["sister", "brother"]
    assert res[0].score > res[1].score + 10


def test_different_documents_weigh_a_little_against():
    model = FellegiSunterModel()
    w = model.weights()["document_number"]
    assert w["same"] > 12 and w["one_edit"] > 4
    assert -5 < w["different"] < 0  # children carry several documents: weak evidence


def test_model_saved_before_document_numbers_still_loads():
    d = FellegiSunterModel().to_dict()
    del d["fields"]["document_number"]
    old = FellegiSunterModel.from_dict(json.loads(json.dumps(d)))
    assert old.weights()["document_number"]["same"] > 8
    # comparison levels stored before the field existed (8 values) still score
    levels8 = (1, 1, 0, 1, 1, 0, 0, 0)
    assert old.score(levels8) == old.score((*levels8, 0))
    assert [c.field for c in old.contributions(levels8)][-1] == "document_number"
    with pytest.raises(ValueError):
        old.contributions((*levels8, 0, 0))


def test_recalibration_accepts_old_and_new_level_vectors():
    model = FellegiSunterModel()
    rows = [(1, 1, 0, 1, 1, 0, 0, 0), (9, 9, 0, 7, 2, 3, 0, 0, 3), (1, 1, 0, 1, 1, 0, 0, 0, 1)]
    model.fit_from_labels(rows, [True, False, True], learn_names=False)
    assert model.weights()["document_number"]["same"] > 0


def test_csv_document_numbers_column(tmp_path):
    p = tmp_path / "children.csv"
    p.write_text("id,given_name,family_name,document_numbers\n"
                 "c1,Ali,Karimov,AB 123456; KZ-99887766\n"
                 "c2,Vali,Karimov,\n", encoding="utf-8")
    recs = read_records(p)
    assert recs[0].document_numbers == ("AB 123456", "KZ-99887766")
    assert recs[1].document_numbers == ()
    assert prepare(recs[0], reference_date=REF).docs == ("AB123456", "KZ99887766")
