"""Write a generated set as the CSV files ``kinlink match`` reads (bench only).

    .venv/bin/python bench/matching/make_csv.py --children 1000000 --requests 10000 \
        --seed 1 --dir /tmp/kinlink-e2e

Writes children.csv, requests.csv and truth.csv (request_id, child_id) into --dir.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))

from generate import generate  # noqa: E402

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
    "recorded_on",
)


def _row(r) -> list[str]:
    return [
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
        r.recorded_on.isoformat() if r.recorded_on else "",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", required=True)
    args = ap.parse_args(argv)
    os.makedirs(args.dir, exist_ok=True)
    ds = generate(args.children, args.requests, args.seed)
    for name, recs in (("children.csv", ds.children), ("requests.csv", ds.requests)):
        with open(os.path.join(args.dir, name), "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLS)
            w.writerows(_row(r) for r in recs)
    with open(os.path.join(args.dir, "truth.csv"), "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("request_id", "child_id", "group"))
        w.writerows((k, v or "", ds.group_of[k]) for k, v in ds.truth.items())
    return 0


if __name__ == "__main__":
    sys.exit(main())
