"""``kinlink match CHILDREN.csv REQUESTS.csv --out MATCHES.csv`` — batch matching of tracing
requests against registered children."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from .csvio import OUTPUT_COLUMNS, InputError, read_records, write_csv_atomic
from .index import MatchIndex
from .model import FellegiSunterModel

__all__ = ["main", "build_parser"]


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def _prob(value: str) -> float:
    try:
        p = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0.0 <= p <= 1.0:
        raise argparse.ArgumentTypeError("threshold must be between 0 and 1")
    return p


def _positive(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if k < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return k


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kinlink match",
        description="Find registered children matching tracing requests, across scripts and "
        "spellings. Writes one row per candidate, best first per request.",
    )
    p.add_argument("children", help="CSV of registered children (UTF-8, header row, 'id' "
                   "column required)")
    p.add_argument("requests", help="CSV of tracing requests (same columns)")
    p.add_argument("--out", required=True, help="output CSV of matches")
    p.add_argument("--top", type=_positive, default=5, help="candidates per request (5)")
    p.add_argument("--threshold", type=_prob, default=None,
                   help="probability from which is_match is true (model default 0.5)")
    p.add_argument("--model", default=None, help="model parameters JSON (from a previous "
                   "training); default: the shipped parameters")
    p.add_argument("--reference-date", type=_date, default=None,
                   help="date at which ages were recorded (default: today)")
    p.add_argument("--workers", type=_positive, default=1,
                   help="processes answering the requests (the index is built once and "
                   "shared by fork; default 1)")
    return p


_SHARED: dict[str, object] = {}


def _rows_for(req, index: MatchIndex, top: int, threshold: float) -> list[tuple]:
    return [(req.id, r.record_id, r.rank, f"{r.score:.2f}", f"{r.probability:.4f}",
             "true" if r.is_match else "false", r.explanation)
            for r in index.search(req, top_k=top, threshold=threshold)]


def _work(bounds: tuple[int, int]) -> list[tuple]:
    index, requests, top, threshold = (_SHARED["index"], _SHARED["requests"], _SHARED["top"],
                                       _SHARED["threshold"])
    out: list[tuple] = []
    for req in requests[bounds[0]:bounds[1]]:  # type: ignore[index]
        out.extend(_rows_for(req, index, top, threshold))  # type: ignore[arg-type]
    return out


def _parallel_rows(index: MatchIndex, requests: list, top: int, threshold: float,
                   workers: int):
    import gc
    import multiprocessing

    _SHARED.update(index=index, requests=requests, top=top, threshold=threshold)
    gc.collect()
    gc.freeze()  # the index stays shared copy-on-write: no collector writes to its pages
    step = max(50, min(500, len(requests) // (workers * 8) or 1))
    bounds = [(i, min(i + step, len(requests))) for i in range(0, len(requests), step)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for rows in pool.imap(_work, bounds):
            yield from rows


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "match":
        args_list = args_list[1:]
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as e:  # argparse: usage errors exit 2, --help exits 0
        return int(e.code or 0)
    try:
        model = FellegiSunterModel.load(args.model) if args.model else FellegiSunterModel()
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"kinlink match: error: {args.model}: cannot load model parameters ({e})",
              file=sys.stderr)
        return 2
    try:
        children = read_records(args.children)
        requests = read_records(args.requests)
    except InputError as e:
        print(f"kinlink match: error: {e}", file=sys.stderr)
        return 2
    out_dir = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(out_dir):
        print(f"kinlink match: error: {args.out}: directory {out_dir} does not exist",
              file=sys.stderr)
        return 2
    threshold = model.threshold if args.threshold is None else args.threshold
    index = MatchIndex(model, reference_date=args.reference_date)
    index.add_many(children)

    def rows():
        if args.workers > 1 and len(requests) > 100:
            yield from _parallel_rows(index, requests, args.top, threshold, args.workers)
            return
        for req in requests:
            yield from _rows_for(req, index, args.top, threshold)

    try:
        write_csv_atomic(args.out, OUTPUT_COLUMNS, rows())
    except OSError as e:
        print(f"kinlink match: error: {args.out}: cannot write ({e.strerror or e})",
              file=sys.stderr)
        return 2
    print(f"kinlink match: {len(requests)} requests against {len(children)} children; "
          f"results in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
