"""Score a ``kinlink match`` output CSV against make_csv.py's truth.csv (bench only).

.venv/bin/python bench/matching/score_csv.py /tmp/kinlink-e2e/truth.csv out.csv
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict


def main(argv: list[str]) -> int:
    truth_path, out_path = argv
    with open(truth_path, encoding="utf-8") as fh:
        truth = {r["request_id"]: r["child_id"] for r in csv.DictReader(fh)}
    ranks: dict[str, int] = {}
    called = tp = 0
    top = defaultdict(int)
    with open(out_path, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            top[r["request_id"]] += 1
            if r["child_id"] == truth.get(r["request_id"]):
                ranks[r["request_id"]] = int(r["rank"])
            if r["is_match"] == "true":
                called += 1
                tp += r["child_id"] == truth.get(r["request_id"])
    present = [k for k, v in truth.items() if v]
    k = max(top.values()) if top else 0
    r1 = sum(1 for q in present if ranks.get(q, 99) <= 1) / len(present)
    rk = sum(1 for q in present if q in ranks) / len(present)
    prec = tp / called if called else float("nan")
    print(
        f"{len(truth)} requests ({len(present)} with the child registered): recall@1 {r1:.4f},"
        f" recall@{k} {rk:.4f}, called {called}: precision {prec:.4f}, recall "
        f"{tp / len(present):.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
