"""Fit the shipped default parameters (bench only).

    .venv/bin/python bench/matching/fit.py --children 20000 --requests 4000 --seed 101

Generates a *training* set (a different seed from the evaluation runs in RESULTS.md) and
blocks every request. It then

1. runs unsupervised EM over the unlabelled candidate pairs (``fit_em`` with u fixed to the
   level frequencies of all candidate pairs and the prior capped at one match per request),
   starting from the hand-set values, and prints how well that model ranks the training
   truth. On this data EM settles on "same family" (siblings share the family name, parents
   and place, and the fields are far from conditionally independent), so its result is
   printed but not shipped;
2. estimates m and u from the training generation's known truth (level frequencies among
   true and false candidate pairs, shrunk toward the hand-set values), which is what ships;
3. fits the two-parameter logistic calibration of the candidate-normalised probability.

Writes ``src/kinlink/matching/data/default_model.json``, which ``FellegiSunterModel()`` loads.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))

import numpy as np  # noqa: E402
from generate import REF, generate  # noqa: E402

from kinlink.matching import (  # noqa: E402
    FIELDS,
    LEVELS,
    FellegiSunterModel,
    MatchIndex,
    compare_prepared,
)
from kinlink.matching.model import DEFAULT_MODEL_PATH, _norm  # noqa: E402


def recall5(model: FellegiSunterModel, X: np.ndarray, y: np.ndarray, qof: np.ndarray) -> float:
    """Share of the training requests whose child (when blocked) ranks in the top 5."""
    sc = np.array([model.score(r) for r in X])
    hit = tot = 0
    for q in np.unique(qof[y]):
        ix = np.flatnonzero(qof == q)
        true_sc = sc[ix][y[ix]].max()
        tot += 1
        hit += int((sc[ix] > true_sc).sum() < 5)
    return hit / max(tot, 1)


def collect(n_children: int, n_requests: int, seed: int):
    ds = generate(n_children, n_requests, seed)
    idx = MatchIndex(FellegiSunterModel.hand_set(), reference_date=REF)
    for c in ds.children:
        idx.add(c)
    rows: list[tuple[int, ...]] = []
    labels: list[bool] = []
    query_of: list[int] = []
    for qi, req in enumerate(ds.requests):
        q = idx.prepare(req)
        truth = ds.truth[req.id]
        for s in idx.candidate_slots(q):
            r = idx._recs[s]
            if r is None:
                continue
            rows.append(compare_prepared(q, r).levels)
            labels.append(r.record.id == truth)
            query_of.append(qi)
    return np.asarray(rows, dtype=np.int64), np.asarray(labels), np.asarray(query_of)


def calibrate(model: FellegiSunterModel, X: np.ndarray, y: np.ndarray, qof: np.ndarray):
    """Fit a, b of the calibration ``log o_i = a + b·x_i`` inside the within-query
    normalisation ``P_i = o_i / (1 + Σ_j o_j)`` (what ``probabilities`` computes), by
    minimising the log loss of the training labels over a grid."""
    model.calib_a, model.calib_b = 0.0, 1.0
    scores = np.array([model.score(r) for r in X])
    xs = (scores + model._prior_bits) * math.log(2.0)
    order = np.argsort(qof, kind="stable")
    xs, yy, q = xs[order], y[order].astype(float), qof[order]
    starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]])
    best = (np.inf, 0.0, 1.0)
    for b in np.arange(0.4, 1.61, 0.05):
        for a in np.arange(-6.0, 6.01, 0.25):
            z = np.clip(a + b * xs, -700, 700)
            o = np.exp(z)
            tot = np.add.reduceat(o, starts)
            denom = 1.0 + np.repeat(tot, np.diff(np.r_[starts, len(o)]))
            p = np.clip(o / denom, 1e-12, 1 - 1e-12)
            loss = -(yy * np.log(p) + (1 - yy) * np.log1p(-p)).sum()
            if loss < best[0]:
                best = (loss, float(a), float(b))
    model.calib_a, model.calib_b = best[1], best[2]
    return best[1], best[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--children", type=int, default=20000)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--out", default=str(DEFAULT_MODEL_PATH))
    args = ap.parse_args(argv)
    X, y, qof = collect(args.children, args.requests, args.seed)
    print(f"{len(X):,} candidate pairs, {int(y.sum()):,} true matches", file=sys.stderr)
    em = FellegiSunterModel.hand_set()
    summary = em.fit_em(
        X,
        max_iter=300,
        strength=5.0,
        u_from_marginals=True,
        max_prior=len(set(qof.tolist())) / len(X),
    )
    print(
        f"EM: {summary['iterations']} iterations, converged={summary['converged']}, "
        f"prior={summary['prior']:.5f}; training recall@5 {recall5(em, X, y, qof):.4f} "
        f"(not shipped)",
        file=sys.stderr,
    )
    model = FellegiSunterModel.hand_set()
    for fi, f in enumerate(FIELDS):
        k = len(LEVELS[f])
        cm = np.bincount(X[y, fi], minlength=k)[:k].astype(float)
        cu = np.bincount(X[~y, fi], minlength=k)[:k].astype(float)
        cm[0] = cu[0] = 0.0
        model.m[f] = list(_norm(cm + np.array(model.m[f]) * 20.0))
        model.u[f] = list(_norm(cu + np.array(model.u[f]) * 200.0))
    model.prior = float(y.mean())
    model._refresh()
    print(f"labelled fit: training recall@5 {recall5(model, X, y, qof):.4f}", file=sys.stderr)
    a, b = calibrate(model, X, y, qof)
    print(f"calibration a={a:.3f} b={b:.3f}", file=sys.stderr)
    for f, ws in model.weights().items():
        print(
            f"  {f}: " + ", ".join(f"{k}={v:+.1f}" for k, v in ws.items() if k != "missing"),
            file=sys.stderr,
        )
    model.save(args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
