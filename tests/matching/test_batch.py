"""`kinlink match --workers N`: this process and N-1 forked ones answer the requests; the
output must be byte-identical to one process answering all of them, in the same order."""

from __future__ import annotations

import csv
import random

import pytest

from kinlink.matching.cli import main
from kinlink.matching.csvio import read_records

from .test_bulk_tokens import _person

COLS = (
    "id",
    "given_name",
    "family_name",
    "middle_name",
    "sex",
    "date_of_birth",
    "age",
    "age_estimated",
    "place_of_origin",
    "mother_name",
    "father_name",
    "other_names",
)


def _write(path, recs) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLS)
        for r in recs:
            w.writerow(
                [
                    r.id,
                    r.given_name,
                    r.family_name,
                    r.middle_name,
                    r.sex,
                    r.date_of_birth.isoformat() if r.date_of_birth else "",
                    "" if r.age is None else f"{r.age:g}",
                    "yes" if r.age_estimated else "no",
                    r.place_of_origin,
                    r.mother_name,
                    r.father_name,
                    ";".join(r.other_names),
                ]
            )


@pytest.mark.parametrize("workers", ["2", "3"])
def test_workers_give_the_same_output_as_one_process(tmp_path, workers):
    rng = random.Random(7)
    _write(tmp_path / "children.csv", [_person(f"c{i}", rng) for i in range(500)])
    _write(tmp_path / "requests.csv", [_person(f"r{i}", rng) for i in range(230)])
    outs = []
    for w in ("1", workers):
        out = tmp_path / f"out{w}.csv"
        code = main(
            [
                str(tmp_path / "children.csv"),
                str(tmp_path / "requests.csv"),
                "--out",
                str(out),
                "--reference-date",
                "2025-06-01",
                "--top",
                "3",
                "--workers",
                w,
            ]
        )
        assert code == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    rows = list(csv.DictReader(outs[0].decode("utf-8").splitlines()))
    assert [r["request_id"] for r in rows if r["rank"] == "1"][:3] == ["r0", "r1", "r2"]


def test_reading_shares_repeated_values(tmp_path):
    rng = random.Random(8)
    _write(tmp_path / "c.csv", [_person(f"c{i}", rng) for i in range(200)])
    recs = read_records(tmp_path / "c.csv")
    places = {}
    for r in recs:
        if r.place_of_origin:
            assert places.setdefault(r.place_of_origin, r.place_of_origin) is r.place_of_origin
        if r.date_of_birth is not None:
            assert places.setdefault(r.date_of_birth, r.date_of_birth) is r.date_of_birth


def test_helper_prepared_tokens_give_the_same_output(tmp_path, monkeypatch):
    from kinlink.matching import cli
    from kinlink.matching import names as N

    rng = random.Random(9)
    _write(tmp_path / "children.csv", [_person(f"c{i}", rng) for i in range(400)])
    _write(tmp_path / "requests.csv", [_person(f"r{i}", rng) for i in range(120)])
    args = [
        str(tmp_path / "children.csv"),
        str(tmp_path / "requests.csv"),
        "--reference-date",
        "2025-06-01",
        "--top",
        "4",
    ]
    assert main([*args, "--out", str(tmp_path / "one.csv")]) == 0
    N.token_keys.cache_clear()
    monkeypatch.setattr(cli, "_HELPER_MIN", 100)
    assert main([*args, "--out", str(tmp_path / "two.csv"), "--workers", "2"]) == 0
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert not N._PRESET


def test_preset_token_keys_equal_computed(monkeypatch):
    from kinlink.matching import names as N

    monkeypatch.setattr(N, "_LINES_PER_CHUNK", 2)
    toks = ["muhammad", "мухаммед", "محمد", "ნინო", "գևորգ", "ayşe", "x"]
    chunks = N.token_key_lines(toks)
    want = [N.token_keys(t) for t in toks]
    N.token_keys.cache_clear()
    N.preset_token_keys(chunks)
    try:
        assert [N.token_keys(t) for t in toks] == want
        assert not N._PRESET  # each preset line is used once, then cached
    finally:
        N.clear_preset()
