"""``kinlink match CHILDREN.csv REQUESTS.csv --out MATCHES.csv`` — batch matching of tracing
requests against registered children."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys

from .csvio import OUTPUT_COLUMNS, InputError, read_records, write_csv_atomic
from .index import MatchIndex
from .model import FellegiSunterModel
from .names import clear_preset, preset_token_keys, split_tokens, token_key_lines

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
                   help="processes answering the requests: this one and N-1 forked ones "
                   "sharing the index (default 1)")
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
    """Rows of all requests, in request order, answered by this process and ``workers - 1``
    forked ones: this process takes chunks too whenever the workers have enough queued,
    instead of waiting for them."""
    import multiprocessing

    _SHARED.update(index=index, requests=requests, top=top, threshold=threshold)
    gc.freeze()  # the index stays shared copy-on-write: no collector writes to its pages
    step = max(20, min(200, len(requests) // (workers * 16) or 1))
    bounds = [(i, min(i + step, len(requests))) for i in range(0, len(requests), step)]
    done: dict[int, list[tuple]] = {}
    pending: dict[int, multiprocessing.pool.AsyncResult] = {}
    ahead = 2 * (workers - 1)  # chunks queued per pool, so that a worker never waits
    nxt = out = 0
    with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
        while out < len(bounds):
            for k in [k for k, r in pending.items() if r.ready()]:
                done[k] = pending.pop(k).get()
            while out in done:
                yield from done.pop(out)
                out += 1
            if nxt < len(bounds):
                if len(pending) < ahead:
                    pending[nxt] = pool.apply_async(_work, (bounds[nxt],))
                else:
                    done[nxt] = _work(bounds[nxt])
                nxt += 1
            elif out in pending:
                done[out] = pending.pop(out).get()


def _name_tokens(recs: list) -> dict[str, None]:
    seen: dict[str, None] = {}
    for r in recs:
        for text in (r.given_name, r.family_name, r.middle_name, r.place_of_origin,
                     r.mother_name, r.father_name, *r.other_names):
            toks = split_tokens(text)
            for t in toks:
                seen[t] = None
            if len(toks) > 1:
                seen["".join(toks)] = None
    return seen


def _token_lines(cut: int) -> list[str]:
    """(In a forked helper) the keys, as text, of the name tokens of children[cut:] that
    children[:cut] (which the main process indexes meanwhile) do not have."""
    children: list = _SHARED["children"]  # type: ignore[assignment]
    first = _name_tokens(children[:cut])
    return token_key_lines(t for t in _name_tokens(children[cut:]) if t not in first)


# Share of the children this process indexes while the helper prepares the name tokens of
# the others (the helper's work per child is about a third of a whole index insertion).
_HELPER_CUT = 0.35
_HELPER_MIN = 20_000


def _build(index: MatchIndex, children: list, workers: int) -> None:
    """Index the children. With 2+ workers and many children, a forked helper computes the
    token keys of the last 65% of the children while this process indexes the first 35%;
    the rest is then indexed with those keys. Keys are the same whichever process computes
    them (the same function), so the index is the same as with one process."""
    n = len(children)
    if workers < 2 or n < _HELPER_MIN:
        index.add_many(children)
        return
    import multiprocessing

    cut = int(n * _HELPER_CUT)
    _SHARED["children"] = children
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            pending = pool.apply_async(_token_lines, (cut,))
            index.add_many(children[:cut])
            try:
                chunks = pending.get()
            except Exception:  # the helper failed: compute the keys here
                chunks = []
        preset_token_keys(chunks)
        index.add_many(children[cut:])
    finally:
        _SHARED.pop("children", None)
        clear_preset()


_FAST_EXIT = False


def run_and_exit(argv: list[str] | None = None) -> None:
    """``python -m kinlink.matching``: run :func:`main` and leave the process without
    freeing the index object by object (about 30 s at 1,000,000 children); the output file
    is complete and in place before main returns."""
    global _FAST_EXIT
    _FAST_EXIT = True
    code = main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


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
    # Reading and indexing allocate tens of millions of long-lived objects and free almost
    # none: the cyclic collector would traverse the growing heap again and again (a quarter
    # of the build time at 200,000 children) for nothing. It is off until the index is built,
    # then the index is frozen out of its reach (gc.freeze), which also keeps it shared
    # copy-on-write with --workers.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(args, model)
    finally:
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()


def _run(args: argparse.Namespace, model: FellegiSunterModel) -> int:
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
    _build(index, children, args.workers)
    if _FAST_EXIT:
        _SHARED["keep"] = index  # freed by os._exit, not object by object (see run_and_exit)
    gc.freeze()
    gc.enable()

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
