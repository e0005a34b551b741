"""Privacy-preserving tracing (kinlink.exchange.pprl) against plain kinlink.matching.

    .venv/bin/python bench/exchange/run_pprl.py --children 20000 --requests 2000 --seed 1

Uses the generated set of bench/matching/run.py (same generator, same arguments). Prints a
markdown report and writes/updates its section in bench/exchange/RESULTS.md.

    .venv/bin/python bench/exchange/run_pprl.py --fit

fits the logistic weights of the PPRL score on a *different* generated set (seed 7 by
default) and prints them (to paste into ``pprl.WEIGHTS``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "bench" / "matching"))
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
from generate import REF, generate  # noqa: E402

from kinlink.exchange import pprl  # noqa: E402
from kinlink.matching import MatchIndex  # noqa: E402

BENCH_KEY = b"kinlink-bench-network-key-not-a-secret"  # a fixed key: reproducible figures
TARGET_GAP = 0.05


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs), p)) if xs else float("nan")


def encode_all(records, params):
    return [pprl.encode(r, BENCH_KEY, params, reference_date=REF) for r in records]


def build_index(children, encs, params) -> pprl.EncodedIndex:
    idx = pprl.EncodedIndex(params)
    for c, e in zip(children, encs, strict=True):
        idx.add(c.id, e)
    return idx


def recall(rk: dict[str, int | None], k: int, ids: list[str] | None = None) -> float:
    keys = [i for i in (ids if ids is not None else rk) if i in rk]
    if not keys:
        return float("nan")
    return sum(1 for i in keys if rk[i] is not None and rk[i] <= k) / len(keys)


# --------------------------------------------------------------------------- fitting


def _hand_weights() -> np.ndarray:
    w = []
    for n in pprl.FEATURES:
        w.append(-3.0 if n.endswith("?") else 6.0)
    return np.array(w)


def _pairs_for_fit(ds, idx, params, w0: np.ndarray, negatives: int):
    pos = {c.id: i for i, c in enumerate(ds.children)}
    xs, ys = [], []
    for req in ds.requests:
        truth = ds.truth[req.id]
        if truth is None:
            continue
        q = pprl.encode(req, BENCH_KEY, params, reference_date=REF)
        f = idx.feature_matrix(q)
        s = f @ w0
        if pprl._has_both(q):
            both = (idx._cnt["given_lat"] > 0) & (idx._cnt["family_lat"] > 0)
            f2 = idx.feature_matrix(q, swapped=True)
            s2 = f2 @ w0
            better = both & (s2 > s)
            f = np.where(better[:, None], f2, f)
            s = np.where(better, s2, s)
        t = pos[truth]
        s[t] = np.inf
        top = np.argpartition(-s, negatives)[: negatives + 1]
        xs.append(f[top].copy())  # a copy: a row view would keep the whole matrix alive
        ys.extend(1.0 if i == t else 0.0 for i in top)
    return np.vstack(xs), np.asarray(ys)


def _fit_logistic(x: np.ndarray, y: np.ndarray, lam: float = 1e-2):
    """Logistic regression with monotone, non-negative agreement: per filter, the weight of
    full agreement v and the segment slopes are ≥ 0 (L-BFGS-B). Returns (intercept, w)."""
    from scipy.optimize import minimize

    per = pprl.PER_FILTER
    lens = np.diff(pprl.KNOTS)
    xt = x.copy()
    for b in range(0, x.shape[1], per):
        for i, ln in enumerate(lens):
            xt[:, b + 1 + i] = x[:, b + 1 + i] - ln * x[:, b]
    xb = np.column_stack([np.ones(len(xt)), xt])

    def loss(beta):
        z = xb @ beta
        ll = np.logaddexp(0, z) - y * z
        p = 1 / (1 + np.exp(-np.clip(z, -50, 50)))
        reg = lam * (beta[1:] @ beta[1:])
        return ll.sum() + reg, xb.T @ (p - y) + np.r_[0.0, 2 * lam * beta[1:]]

    beta0 = np.r_[-5.0, np.ones(xt.shape[1])]
    bounds = [(None, None)] + [(0.0, None)] * xt.shape[1]
    res = minimize(
        loss, beta0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000}
    )
    beta = res.x
    w = beta[1:].copy()
    for b in range(0, len(w), per):  # back to (presence, slopes)
        w[b] = beta[1 + b] - float(np.dot(lens, beta[2 + b : 1 + b + per]))
    return beta[0], w


def fit(args: argparse.Namespace) -> None:
    params = pprl.Params(fold=args.fold)
    ds = generate(args.fit_children, args.fit_requests, args.fit_seed)
    idx = build_index(ds.children, encode_all(ds.children, params), params)
    w = _hand_weights()
    for _round in range(2):  # hard negatives under the hand weights, then under the fit
        x, y = _pairs_for_fit(ds, idx, params, w, args.negatives)
        intercept, w = _fit_logistic(x, y)
    print(
        f"# fitted on seed {args.fit_seed}: {args.fit_children} children, "
        f"{args.fit_requests} requests, {len(y)} pairs ({int(y.sum())} true)"
    )
    print(f"INTERCEPT = {intercept:.3f}")
    print("WEIGHTS = {")
    for n, b in zip(pprl.FEATURES, w, strict=True):
        print(f'    "{n}": {b:.3f},')
    print("}")


# --------------------------------------------------------------------------- evaluation


def evaluate(args: argparse.Namespace) -> str:
    t0 = time.perf_counter()
    ds = generate(args.children, args.requests, args.seed)
    t_gen = time.perf_counter() - t0
    present = [rid for rid, c in ds.truth.items() if c is not None]
    by_group: dict[str, list[str]] = defaultdict(list)
    for rid in present:
        by_group[ds.group_of[rid]].append(rid)

    # plain kinlink.matching, as bench/matching/run.py runs it
    plain = MatchIndex(reference_date=REF, max_candidates=args.max_candidates)
    t0 = time.perf_counter()
    for c in ds.children:
        plain.add(c)
    t_plain_build = time.perf_counter() - t0
    p_ranks: dict[str, int | None] = {}
    p_times: list[float] = []
    for req in ds.requests:
        truth = ds.truth[req.id]
        t = time.perf_counter()
        res = plain.search(req, top_k=20)
        p_times.append((time.perf_counter() - t) * 1000)
        if truth is not None:
            p_ranks[req.id] = next((r.rank for r in res if r.record_id == truth), None)

    variants = [("PPRL", pprl.Params())]
    if args.fold:
        variants.append(("PPRL, XOR-folded (same weights)", pprl.Params(fold=True)))
    results = {}
    for label, params in variants:
        t0 = time.perf_counter()
        encs = encode_all(ds.children, params)
        t_enc = time.perf_counter() - t0
        idx = build_index(ds.children, encs, params)
        ranks: dict[str, int | None] = {}
        q_times: list[float] = []
        payload: list[int] = []
        calls = {"called": 0, "right": 0, "absent_called": 0, "queries_with_call": 0}
        for req in ds.requests:
            truth = ds.truth[req.id]
            t = time.perf_counter()
            q = pprl.encode(req, BENCH_KEY, params, reference_date=REF)
            wire = pprl.to_wire(q)
            res = idx.search(pprl.from_wire(wire, params), top_k=20)
            q_times.append((time.perf_counter() - t) * 1000)
            payload.append(len(wire))
            likely = [cid for cid, sc in res[:5] if pprl.probability(sc) >= pprl.LIKELY]
            calls["called"] += len(likely)
            calls["right"] += sum(cid == truth for cid in likely)
            calls["queries_with_call"] += bool(likely)
            calls["absent_called"] += truth is None and bool(likely)
            if truth is not None:
                ranks[req.id] = next(
                    (i + 1 for i, (cid, _s) in enumerate(res) if cid == truth), None
                )
        results[label] = (ranks, q_times, t_enc, payload, calls)

    out = [f"### {len(ds.children):,} children, {len(ds.requests):,} requests, seed {args.seed}\n"]
    cmd = (
        f".venv/bin/python bench/exchange/run_pprl.py --children {args.children} "
        f"--requests {args.requests} --seed {args.seed}" + (" --fold" if args.fold else "")
    )
    out.append(f"Command: `{cmd}`  ")
    out.append(
        f"Generated in {t_gen:.1f} s (bench/matching/generate.py, as run.py); "
        f"{len(present):,} requests have their child registered. Reference date {REF}. "
        f"PPRL parameters: l = {pprl.PARAMS.bits}, k = {pprl.PARAMS.hashes}, "
        f"q = {pprl.PARAMS.q}, version `{pprl.PPRL_VERSION}`.\n"
    )
    head = "| metric | plain kinlink.matching | " + " | ".join(results) + " |"
    out.append(head)
    out.append("|---" * (2 + len(results)) + "|")

    def row(name, plain_v, fn):
        cells = [fn(label) for label in results]
        out.append(f"| {name} | {plain_v} | " + " | ".join(cells) + " |")

    for k in (1, 5, 20):
        row(
            f"recall@{k}",
            f"{recall(p_ranks, k):.4f}",
            lambda lb, k=k: f"{recall(results[lb][0], k):.4f}",
        )
    row(
        "recall@5 difference (PPRL − plain)",
        "",
        lambda lb: f"{recall(results[lb][0], 5) - recall(p_ranks, 5):+.4f}",
    )
    row(
        f"target: PPRL recall@5 ≥ plain − {TARGET_GAP}",
        "",
        lambda lb: (
            "meets"
            if recall(results[lb][0], 5) >= recall(p_ranks, 5) - TARGET_GAP
            else "**misses**"
        ),
    )
    row(
        "worst group recall@5",
        f"{min(recall(p_ranks, 5, v) for v in by_group.values()):.4f}",
        lambda lb: f"{min(recall(results[lb][0], 5, v) for v in by_group.values()):.4f}",
    )
    n_absent = len(ds.requests) - len(present)
    row(
        f"likely matches returned (p ≥ {pprl.LIKELY}, top 5): precision",
        "",
        lambda lb: f"{results[lb][4]['right'] / max(results[lb][4]['called'], 1):.4f}",
    )
    row(
        "likely matches returned: recall (child among them)",
        "",
        lambda lb: f"{results[lb][4]['right'] / len(present):.4f}",
    )
    row(
        "requests whose child is absent that still get a likely match",
        "",
        lambda lb: f"{results[lb][4]['absent_called']} of {n_absent}",
    )
    row(
        "candidates scored per query",
        f"≤ {args.max_candidates} (blocking)",
        lambda lb: f"{len(ds.children):,} (full scan, no blocking key sent)",
    )
    row(
        "time per query p50 / p95 (ms)",
        f"{pct(p_times, 50):.1f} / {pct(p_times, 95):.1f}",
        lambda lb: f"{pct(results[lb][1], 50):.1f} / {pct(results[lb][1], 95):.1f}",
    )
    row(
        "index build / encoding of the children (s)",
        f"{t_plain_build:.1f}",
        lambda lb: f"{results[lb][2]:.1f}",
    )
    row(
        "encodings per query (characters, p50 / max)",
        "",
        lambda lb: f"{pct(results[lb][3], 50):.0f} / {max(results[lb][3])}",
    )
    out.append("")
    out.append(
        "| origin group | requests | plain recall@5 | "
        + " | ".join(f"{lb} recall@5" for lb in results)
        + " |"
    )
    out.append("|---" * (3 + len(results)) + "|")
    for g in sorted(by_group):
        ids = by_group[g]
        out.append(
            f"| {g} | {len(ids)} | {recall(p_ranks, 5, ids):.3f} | "
            + " | ".join(f"{recall(results[lb][0], 5, ids):.3f}" for lb in results)
            + " |"
        )
    out.append("")
    out.append(
        "PPRL time per query = encoding the request + serialising and parsing the wire "
        "form + scoring every child (numpy popcounts over 1024-bit filters); plain time "
        "per query = `MatchIndex.search` (blocking + full comparison of ≤ 500 "
        "candidates). One core of this machine."
    )
    return "\n".join(out) + "\n"


def update_results(section: str, key: str) -> None:
    path = HERE / "RESULTS.md"
    head = (
        "# Privacy-preserving tracing benchmark\n\nGenerated by "
        "`bench/exchange/run_pprl.py`; see docs/exchange/pprl.md.\n\n"
    )
    text = path.read_text(encoding="utf-8") if path.exists() else head
    start, end = f"<!-- run:{key} -->", f"<!-- /run:{key} -->"
    block = f"{start}\n{section}{end}\n"
    if start in text:
        text = re.sub(
            re.escape(start) + r".*?" + re.escape(end) + r"\n?", lambda _m: block, text, flags=re.S
        )
    else:
        text = text.rstrip("\n") + "\n\n" + block
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--children", type=int, default=20000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-candidates", type=int, default=500)
    ap.add_argument("--fold", action="store_true", help="also run XOR-folded filters")
    ap.add_argument("--fit", action="store_true", help="fit the score weights and print them")
    ap.add_argument("--fit-seed", type=int, default=7)
    ap.add_argument("--fit-children", type=int, default=20000)
    ap.add_argument("--fit-requests", type=int, default=2000)
    ap.add_argument("--negatives", type=int, default=40)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    if args.fit:
        fit(args)
        return 0
    section = evaluate(args)
    print(section)
    if not args.no_write:
        key = f"{args.children}-{args.requests}-{args.seed}" + ("-fold" if args.fold else "")
        update_results(section, key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
