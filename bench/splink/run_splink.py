"""Splink 5 (DuckDB) vs kinlink.matching vs a Primero-like baseline on the cross-script set.

    .venv-bench/bin/python bench/splink/run_splink.py --children 20000 --requests 2000 --seed 1

The data set is made by ``bench/matching/generate.py`` exactly as ``bench/matching/run.py``
makes it (``generate(children, requests, seed)``). This script then:

1. prepares Splink's input tables with Kinlink's transliteration (``kinlink.matching.name_keys``
   / ``normalise_name``): each name becomes its primary Latin spelling plus an array of
   Kinlink consonant-skeleton keys, the phonetic column that Splink's ``NameComparison``
   takes as ``dmeta_col_name``;
2. configures Splink 5 on DuckDB the way its documentation recommends (out-of-the-box
   comparisons from ``comparison_library``, several blocking rules, prior from deterministic
   rules, u by random sampling, m by EM over several blocking rules, ``predict``), links
   requests to children (``link_only``) and computes the same figures as ``run.py``;
3. evaluates the Primero-like baseline (``bench/matching/baseline.py``) on the same set;
4. runs ``bench/matching/run.py``'s own ``evaluate`` in a child process for Kinlink's figures
   (a separate process so that time and memory are not mixed), checks that it saw the same
   data set (fingerprint), and writes ``RESULTS.md``, ``settings.json`` and
   ``training_log.txt`` here.

Nothing under bench/matching or src/ is modified.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import os
import platform
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MATCHING = ROOT / "bench" / "matching"
sys.path.insert(0, str(MATCHING))
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

# ---------------------------------------------------------------- helpers shared with run.py


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(xs, p: float) -> float:
    return float(np.percentile(np.asarray(xs), p)) if len(xs) else float("nan")


def fingerprint(ds) -> str:
    """Hash of every record and the truth, to prove both processes evaluated the same set."""
    h = hashlib.sha256()
    for r in list(ds.children) + list(ds.requests):
        h.update(repr(r).encode())
    h.update(repr(sorted(ds.truth.items(), key=lambda t: t[0])).encode())
    return h.hexdigest()[:16]


def recall(rk: dict, k: int, ids=None) -> float:
    keys = [i for i in (ids if ids is not None else rk) if i in rk]
    if not keys:
        return float("nan")
    return sum(1 for i in keys if rk[i] is not None and rk[i] <= k) / len(keys)


# ---------------------------------------------------------------- Splink input tables


def _skeletons(raw: str) -> list[str]:
    from kinlink.matching import name_keys

    return sorted(name_keys(raw).skeleton)


def to_rows(recs, ref: dt.date) -> list[dict]:
    from kinlink.matching import normalise_name
    from kinlink.matching.records import normalise_sex

    rows = []
    for r in recs:
        if r.date_of_birth is not None:
            dob = r.date_of_birth
        elif r.age is not None:  # age only: the implied date of birth (recorded_on - age)
            at = r.recorded_on or ref
            dob = at - dt.timedelta(days=round(r.age * 365.2425))
        else:
            dob = None
        rows.append({
            "unique_id": r.id,
            "given_name": normalise_name(r.given_name) or None,
            "family_name": normalise_name(r.family_name) or None,
            "middle_name": normalise_name(r.middle_name) or None,
            "given_skel": _skeletons(r.given_name) or None,
            "family_skel": _skeletons(r.family_name) or None,
            # every skeleton key of the given and family name tokens (order-free, so swapped
            # names and "given family" written in one field still share keys)
            "name_skel": sorted(set(_skeletons(r.given_name)) | set(_skeletons(r.family_name)))
            or None,
            "sex": normalise_sex(r.sex),
            "dob": dob.isoformat() if dob else None,
            "birth_year": dob.year if dob else None,
            "place_of_origin": normalise_name(r.place_of_origin) or None,
            "mother_name": normalise_name(r.mother_name) or None,
            "father_name": normalise_name(r.father_name) or None,
        })
    return rows


# ---------------------------------------------------------------- Splink model


def splink_settings():
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            # NameComparison: exact (with term-frequency adjustment), Jaro-Winkler 0.92 / 0.88,
            # phonetic-array intersection (here Kinlink's skeleton keys), Jaro-Winkler 0.7.
            cl.NameComparison("given_name", dmeta_col_name="given_skel"),
            cl.NameComparison("family_name", dmeta_col_name="family_skel"),
            cl.NameComparison("middle_name"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.JaroWinklerAtThresholds("place_of_origin", [0.9, 0.7]).configure(
                term_frequency_adjustments=True),
            cl.NameComparison("mother_name"),
            cl.NameComparison("father_name"),
        ],
        blocking_rules_to_generate_predictions=[
            # any shared Kinlink skeleton key of a given or family name token
            block_on("name_skel", arrays_to_explode=["name_skel"]),
            # same date of birth
            block_on("dob"),
            # same first two letters of the transliterated given and family names
            block_on("substr(given_name, 1, 2)", "substr(family_name, 1, 2)"),
            # same (implied) birth year and sex
            block_on("birth_year", "sex"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


EM_BLOCKING_RULES = [
    # each session estimates m for the comparisons not used by its rule
    ("block_on('dob')", lambda b: b("dob")),
    ("block_on('given_name', 'family_name')", lambda b: b("given_name", "family_name")),
    ("block_on('mother_name', 'sex')", lambda b: b("mother_name", "sex")),
]
DETERMINISTIC_RULES = ["block_on('given_name', 'family_name', 'dob')"]
DETERMINISTIC_RECALL = 0.3  # guessed share of true pairs that agree exactly on all three


def run_splink(ds, args, log_lines: list[str]) -> dict:
    import duckdb
    import pandas as pd
    import splink
    from generate import REF
    from splink import DuckDBAPI, Linker, block_on

    out: dict = {"splink_version": splink.__version__, "duckdb_version": duckdb.__version__}
    t_all = time.perf_counter()
    rss0 = rss_mb()

    t0 = time.perf_counter()
    df_c = pd.DataFrame(to_rows(ds.children, REF))
    df_r = pd.DataFrame(to_rows(ds.requests, REF))
    out["prepare s"] = time.perf_counter() - t0

    con = duckdb.connect()
    con.execute(f"SET threads TO {args.threads}")
    db_api = DuckDBAPI(connection=con)
    sdf_c = db_api.register(df_c, dataset_display_name="children")
    sdf_r = db_api.register(df_r, dataset_display_name="requests")
    settings = splink_settings()
    linker = Linker([sdf_c, sdf_r], settings)

    # --- blocking analysis (documented: count comparisons before predicting)
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    counts = count_comparisons_from_blocking_rules(
        [sdf_c, sdf_r], blocking_rules=settings.blocking_rules_to_generate_predictions,
        link_type="link_only", record_sample_proportion=1.0)
    out["blocking counts"] = [dict(c) if not isinstance(c, dict) else c for c in counts]

    # --- training
    t0 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "dob")], recall=DETERMINISTIC_RECALL)
    out["lambda (deterministic rules)"] = (
        linker._settings_obj._probability_two_random_records_match)
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_max_pairs, seed=args.seed)
    sessions = []
    for label, mk in EM_BLOCKING_RULES:
        log_lines.append(f"\n===== EM session blocked on {label} =====")
        s = linker.training.estimate_parameters_using_expectation_maximisation(mk(block_on))
        sessions.append((label, s))
    out["train s"] = time.perf_counter() - t0

    # --- predict every blocked pair (no threshold), so blocking recall and ranks are exact
    t0 = time.perf_counter()
    pred = linker.inference.predict()
    out["predict s"] = time.perf_counter() - t0
    pdf = con.sql(
        f"select unique_id_l, unique_id_r, source_dataset_l, source_dataset_r, match_weight, "
        f"match_probability from {pred.physical_name}").df()
    out["blocked pairs"] = len(pdf)

    # --- one-to-one links, as the docs suggest for linking two duplicate-free tables
    t0 = time.perf_counter()
    try:
        clus = linker.clustering.cluster_using_single_best_links(
            pred, duplicate_free_datasets=["children", "requests"],
            threshold_match_probability=args.threshold)
        cdf = con.sql(f"select * from {clus.physical_name}").df()
        out["single best links s"] = time.perf_counter() - t0
    except Exception as exc:  # secondary figure only
        cdf = None
        out["single best links error"] = repr(exc)

    out["total s"] = time.perf_counter() - t_all
    out["rss growth MB"] = rss_mb() - rss0
    out["peak RSS MB"] = peak_mb()

    # --- save the trained model (settings + parameters) and the EM history
    linker.misc.save_model_to_json(str(args.out_dir / f"settings{args.suffix}.json"),
                                   overwrite=True)
    for label, s in sessions:
        log_lines.append(f"\n===== parameters per EM iteration, session on {label} =====")
        log_lines.append("iteration\tcomparison\tlevel\tm\tu\tmatch_weight")
        try:
            for rec in s._iteration_history_records():
                d = rec.as_dict()
                if d.get("comparison_name") == "probability_two_random_records_match":
                    continue
                log_lines.append(
                    f"{d.get('iteration')}\t{d.get('comparison_name')}\t"
                    f"{d.get('label_for_charts')}\t{_f(d.get('m_probability'))}\t"
                    f"{_f(d.get('u_probability'))}\t{_f(d.get('log2_bayes_factor'))}")
            for lr in s._lambda_history_records:
                log_lines.append(f"iteration {lr['iteration']}: probability_two_random_records"
                                 f"_match = {lr['probability_two_random_records_match']:.6g}")
        except Exception as exc:  # history API is internal; keep the run going
            log_lines.append(f"(iteration history unavailable: {exc!r})")

    # --- orient pairs: which side is the request
    is_req_l = pdf["source_dataset_l"].eq("requests").to_numpy()
    req = np.where(is_req_l, pdf["unique_id_l"], pdf["unique_id_r"])
    child = np.where(is_req_l, pdf["unique_id_r"], pdf["unique_id_l"])
    pairs = pd.DataFrame({"req": req, "child": child, "w": pdf["match_weight"].to_numpy(),
                          "p": pdf["match_probability"].to_numpy()})
    pairs = pairs.sort_values(["req", "w", "child"], ascending=[True, False, True])
    pairs["rank"] = pairs.groupby("req").cumcount() + 1
    truth = ds.truth
    pairs["true"] = [truth.get(q) == c for q, c in zip(pairs["req"], pairs["child"], strict=True)]

    ranks: dict[str, int | None] = {}
    block_hit: dict[str, bool] = {}
    true_rows = pairs[pairs["true"]]
    rank_of = dict(zip(true_rows["req"], true_rows["rank"], strict=True))
    for rid, cid in truth.items():
        if cid is not None:
            rk = rank_of.get(rid)
            block_hit[rid] = rk is not None
            ranks[rid] = int(rk) if rk is not None else None
    n_per = pairs.groupby("req").size()
    n_cand = [int(n_per.get(r.id, 0)) for r in ds.requests]
    called = pairs[pairs["p"] >= args.threshold]
    out["ranks"] = ranks
    out["called"] = int(len(called))
    out["tp"] = int(called["true"].sum())
    out["block_hit"] = block_hit
    out["n_cand"] = n_cand
    # top-1 only, if its probability passes the threshold (what a caseworker queue would show)
    top1 = pairs[(pairs["rank"] == 1) & (pairs["p"] >= args.threshold)]
    out["top1 called"] = int(len(top1))
    out["top1 tp"] = int(top1["true"].sum())
    if cdf is not None:
        cl_of = dict(zip(cdf["unique_id"].astype(str) + "@" + cdf["source_dataset"].astype(str),
                         cdf["cluster_id"], strict=True))
        members: dict = defaultdict(list)
        for key, cid in cl_of.items():
            members[cid].append(key)
        sb_called = sb_tp = 0
        for mem in members.values():
            reqs = [m.split("@")[0] for m in mem if m.endswith("@requests")]
            kids = [m.split("@")[0] for m in mem if m.endswith("@children")]
            for q in reqs:
                for c in kids:
                    sb_called += 1
                    sb_tp += truth.get(q) == c
        out["sbl called"] = sb_called
        out["sbl tp"] = sb_tp
    out["true lambda"] = lam_t = (sum(1 for c in truth.values() if c is not None)
                                  / (len(ds.children) * len(ds.requests)))
    # the same scores with the true prior instead of the estimated one (oracle; secondary)
    lam = linker._settings_obj._probability_two_random_records_match
    shift = np.log2(lam_t / (1 - lam_t)) - np.log2(lam / (1 - lam))
    p_or = 1 / (1 + 2 ** -(pairs["w"].to_numpy() + shift))
    sel = p_or >= args.threshold
    out["oracle called"] = int(sel.sum())
    out["oracle tp"] = int(pairs["true"].to_numpy()[sel].sum())
    out["lambda used"] = lam
    return out


def _f(x) -> str:
    return "" if x is None else f"{x:.6g}" if isinstance(x, float) else str(x)


# ---------------------------------------------------------------- Primero-like baseline


def run_baseline(ds) -> dict:
    from baseline import PrimeroLikeBaseline, _codes

    t0 = time.perf_counter()
    base = PrimeroLikeBaseline()
    base.add_many(ds.children)
    t_build = time.perf_counter() - t0
    slot_of = {c.id: i for i, c in enumerate(ds.children)}
    ranks: dict[str, int | None] = {}
    block_hit: dict[str, bool] = {}
    n_cand = []
    q_times = []
    for req in ds.requests:
        truth = ds.truth[req.id]
        cand: set[int] = set()
        for c in _codes(req):
            cand.update(base.post.get(c, ()))
        n_cand.append(len(cand))
        t = time.perf_counter()
        res = base.search(req, top_k=20)
        q_times.append((time.perf_counter() - t) * 1000)
        if truth is not None:
            block_hit[req.id] = slot_of[truth] in cand
            ranks[req.id] = next((i + 1 for i, cid in enumerate(res) if cid == truth), None)
    return {"ranks": ranks, "block_hit": block_hit, "n_cand": n_cand, "build s": t_build,
            "query p50 ms": pct(q_times, 50), "query p95 ms": pct(q_times, 95),
            "total s": t_build + sum(q_times) / 1000}


# ---------------------------------------------------------------- Kinlink via run.py


_KINLINK_CHILD = r"""
import contextlib, io, json, sys
sys.path.insert(0, {matching!r}); sys.path.insert(0, {src!r}); sys.path.insert(0, {here!r})
import run
from run_splink import fingerprint
seen = {{}}
_gen = run.generate
def gen(*a, **k):
    ds = _gen(*a, **k)
    seen.setdefault("fp", fingerprint(ds))
    return ds
run.generate = gen
_ev = run.evaluate
def ev(args):
    res = _ev(args)
    seen["res"] = res
    return res
run.evaluate = ev
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    run.main({argv!r})
section, m = seen["res"]
print(json.dumps({{"fingerprint": seen["fp"], "section": section,
                  "m": {{k: (float(v) if isinstance(v, (int, float)) else str(v))
                         for k, v in m.items()}}}}))
"""


def run_kinlink(args) -> dict:
    argv = ["--children", str(args.children), "--requests", str(args.requests), "--seed",
            str(args.seed), "--no-write"]
    code = _KINLINK_CHILD.format(matching=str(MATCHING), src=str(ROOT / "src"),
                                 here=str(HERE), argv=argv)
    t0 = time.perf_counter()
    cp = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                        cwd=str(ROOT), check=False)
    wall = time.perf_counter() - t0
    if cp.returncode != 0:
        raise RuntimeError(f"bench/matching/run.py failed:\n{cp.stderr[-4000:]}")
    res = json.loads(cp.stdout.strip().splitlines()[-1])
    res["wall s"] = wall
    # per-group rows from run.py's own table:
    # | group | requests | recall@1 | recall@5 | recall@20 | baseline recall@5 |
    groups = {}
    in_tab = False
    for line in res["section"].splitlines():
        if line.startswith("| origin group |"):
            in_tab = True
            continue
        if in_tab:
            if not line.startswith("|"):
                in_tab = False
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0].startswith("---"):
                continue
            with contextlib.suppress(ValueError, IndexError):
                groups[cells[0]] = {"n": int(cells[1]), "r1": float(cells[2]),
                                    "r5": float(cells[3]), "r20": float(cells[4])}
    res["groups"] = groups
    return res


# ---------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--children", type=int, default=20000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threshold", type=float, default=0.5,
                    help="match_probability at which a pair is called a match")
    ap.add_argument("--u-max-pairs", type=float, default=1e8,
                    help="max_pairs of estimate_u_using_random_sampling (docs: 1e8-1e9)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out-dir", type=Path, default=HERE)
    ap.add_argument("--no-kinlink", action="store_true")
    ap.add_argument("--no-write", action="store_true",
                    help="print only; do not touch RESULTS.md / settings.json / training log")
    args = ap.parse_args(argv)
    if args.no_write:
        args.out_dir = Path("/tmp")
    # settings.json / training_log.txt belong to the reference size (20,000 / 2,000 / seed 1);
    # other sizes get their own suffixed files
    ref_size = (args.children, args.requests, args.seed) == (20000, 2000, 1)
    args.suffix = "" if ref_size else f"_{args.children}-{args.requests}-{args.seed}"

    from generate import RATES, REF, generate

    t0 = time.perf_counter()
    ds = generate(args.children, args.requests, args.seed)
    t_gen = time.perf_counter() - t0
    fp = fingerprint(ds)
    print(f"generated {len(ds.children)} children / {len(ds.requests)} requests in "
          f"{t_gen:.1f} s, fingerprint {fp}", file=sys.stderr)

    # capture everything Splink logs (its training log)
    log_buf = io.StringIO()
    handler = logging.StreamHandler(log_buf)
    handler.setFormatter(logging.Formatter("%(message)s"))
    sp_logger = logging.getLogger("splink")
    sp_logger.addHandler(handler)
    sp_logger.setLevel(logging.INFO)
    log_lines: list[str] = []
    with contextlib.redirect_stdout(sys.stderr):
        sp = run_splink(ds, args, log_lines)
    sp_logger.removeHandler(handler)
    print(f"splink done in {sp['total s']:.1f} s", file=sys.stderr)

    ba = run_baseline(ds)
    print("baseline done", file=sys.stderr)
    kl = None
    if not args.no_kinlink:
        kl = run_kinlink(args)
        if kl["fingerprint"] != fp:
            raise SystemExit(f"run.py generated a different data set ({kl['fingerprint']} != "
                             f"{fp}): was bench/matching changed during the run? Re-run.")
        print(f"kinlink done in {kl['wall s']:.1f} s", file=sys.stderr)

    present = [rid for rid, c in ds.truth.items() if c is not None]
    by_group: dict[str, list[str]] = defaultdict(list)
    for rid in present:
        by_group[ds.group_of[rid]].append(rid)
    groups = sorted(by_group)

    def figs(ranks, block_hit, n_cand):
        return {"recall@1": recall(ranks, 1), "recall@5": recall(ranks, 5),
                "recall@20": recall(ranks, 20),
                "worst group recall@5": min(recall(ranks, 5, by_group[g]) for g in groups),
                "blocking recall": sum(block_hit.values()) / max(len(block_hit), 1),
                "candidates p50": pct(n_cand, 50), "candidates p99": pct(n_cand, 99)}

    S = figs(sp["ranks"], sp["block_hit"], sp["n_cand"])
    n_present = len(present)
    S["precision"] = sp["tp"] / sp["called"] if sp["called"] else float("nan")
    S["recall (called)"] = sp["tp"] / n_present
    B = figs(ba["ranks"], ba["block_hit"], ba["n_cand"])
    K = kl["m"] if kl else {}

    cmd = (f".venv-bench/bin/python bench/splink/run_splink.py --children {args.children} "
           f"--requests {args.requests} --seed {args.seed}")
    L: list[str] = []
    L.append(f"### {len(ds.children):,} children, {len(ds.requests):,} requests, seed "
             f"{args.seed}\n")
    L.append(f"Command: `{cmd}`  ")
    L.append(f"Run on {dt.date.today().isoformat()}; machine: {os.cpu_count()} cores, "
             f"{platform.machine()}, Python {platform.python_version()}; Splink "
             f"{sp['splink_version']}, DuckDB {sp['duckdb_version']} ({args.threads} threads). "
             f"Data set fingerprint `{fp}` (the same in this process and in "
             f"`bench/matching/run.py`'s evaluation); {n_present:,} requests have their child "
             f"registered, {len(ds.requests) - n_present:,} do not. Reference date {REF}.\n")

    def f4(x):
        return "n/a" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.4f}"

    def kget(key):
        v = K.get(key)
        return None if v is None else float(v)

    def better(k, s, higher=True):
        if k is None or s is None:
            return ""
        return "Kinlink" if (k > s if higher else k < s) else ("tie" if k == s else "**Splink**")

    L.append("| metric | Kinlink (`kinlink.matching`) | Splink 5 (DuckDB) | Primero-like "
             "baseline | target | better of Kinlink / Splink |")
    L.append("|---|---|---|---|---|---|")
    rows = [
        ("recall@1", "recall@1", None, True),
        ("recall@5", "recall@5", "≥ 0.98", True),
        ("recall@20", "recall@20", "≥ 0.99", True),
        ("worst origin group recall@5", "worst group recall@5", "≥ 0.95", True),
        ("precision of called matches (p ≥ 0.5)", "precision", "≥ 0.95", True),
        ("recall of called matches (p ≥ 0.5)", "recall (called)", "≥ 0.95", True),
        ("blocking recall", "blocking recall", "≥ 0.995", True),
    ]
    for label, key, tgt, hi in rows:
        k = kget(key)
        s = S.get(key)
        b = B.get(key)
        L.append(f"| {label} | {f4(k)} | {f4(s)} | {f4(b)} | {tgt or ''} | "
                 f"{better(k, s, hi)} |")
    kc50, kc99 = kget("candidates p50"), kget("candidates p99")
    L.append(f"| candidates per request p50 / p99 | "
             f"{'n/a' if kc50 is None else f'{kc50:.0f} / {kc99:.0f}'} | "
             f"{S['candidates p50']:.0f} / {S['candidates p99']:.0f} | "
             f"{B['candidates p50']:.0f} / {B['candidates p99']:.0f} | p99 ≤ 500 | "
             f"{better(kc99, S['candidates p99'], False)} |")
    k_time = (f"{kl['wall s']:.0f} s wall for all of run.py (generation, index build "
              f"{kget('build s'):.1f} s, 2,000 searches, add timing, its own baseline)"
              if kl else "n/a")
    L.append(f"| time | {k_time} | {sp['total s']:.0f} s (input prep {sp['prepare s']:.0f}, "
             f"training {sp['train s']:.0f}, predict {sp['predict s']:.0f}) | "
             f"{ba['total s']:.1f} s | | |")
    kp = kget("peak RSS MB")
    L.append(f"| peak RSS of the process (MB) | {'n/a' if kp is None else f'{kp:.0f}'} | "
             f"{sp['peak RSS MB']:.0f} (RSS growth during Splink {sp['rss growth MB']:.0f}) | "
             f"(in the Splink process) | | |")
    L.append("")
    L.append("Secondary Splink figures (not in the comparison above):\n")
    tp1, c1 = sp["top1 tp"], sp["top1 called"]
    L.append(f"* Calling only each request's best pair when p ≥ {args.threshold}: precision "
             f"{f4(tp1 / c1 if c1 else float('nan'))}, recall {f4(tp1 / n_present)}.")
    if "sbl called" in sp:
        c, t = sp["sbl called"], sp["sbl tp"]
        L.append(f"* `linker.clustering.cluster_using_single_best_links` (both tables "
                 f"duplicate-free, p ≥ {args.threshold}): precision "
                 f"{f4(t / c if c else float('nan'))}, recall {f4(t / n_present)}.")
    elif "single best links error" in sp:
        L.append(f"* `cluster_using_single_best_links` failed: {sp['single best links error']}")
    c, t = sp["oracle called"], sp["oracle tp"]
    L.append(f"* Same scores with the true prior ({sp['true lambda']:.3g}) instead of the "
             f"estimated one ({sp['lambda used']:.3g}), p ≥ {args.threshold}: precision "
             f"{f4(t / c if c else float('nan'))}, recall {f4(t / n_present)} (uses the truth; "
             "an upper bound for a better prior, not a fair figure).")
    L.append(f"* Prior from the deterministic rule {DETERMINISTIC_RULES[0]} with assumed recall "
             f"{DETERMINISTIC_RECALL}: {sp['lambda (deterministic rules)']:.3g} (true value in "
             f"this set: {sp['true lambda']:.3g}).")
    L.append(f"* Blocked pairs scored: {sp['blocked pairs']:,}. Comparisons per blocking rule "
             f"(exact count, `count_comparisons_from_blocking_rules`):")
    for c in sp["blocking counts"]:
        L.append(f"  * `{c.get('blocking_rule')}`: {c.get('marginal_comparison_count', 0):,.0f}"
                 f" new (cumulative {c.get('cumulative_comparison_count', 0):,.0f})")
    L.append("")
    L.append("| origin group | requests | Kinlink r@1 | r@5 | r@20 | Splink r@1 | r@5 | r@20 | "
             "Splink blocking recall | baseline r@1 | r@5 | r@20 |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    kg = kl["groups"] if kl else {}
    for g in groups:
        ids = by_group[g]
        k = kg.get(g, {})
        kk = " | ".join(f"{k[x]:.3f}" if x in k else "n/a" for x in ("r1", "r5", "r20"))
        bh = sum(sp["block_hit"][i] for i in ids) / len(ids)
        L.append(f"| {g} | {len(ids)} | {kk} | "
                 + " | ".join(f"{recall(sp['ranks'], k_, ids):.3f}" for k_ in (1, 5, 20))
                 + f" | {bh:.3f} | "
                 + " | ".join(f"{recall(ba['ranks'], k_, ids):.3f}" for k_ in (1, 5, 20))
                 + " |")
    L.append("")
    if kl:
        # cross-check: our baseline figures against run.py's own
        diffs = [(n, kget(f"base {n}"), B[n]) for n in ("recall@1", "recall@5", "recall@20")]
        ok = all(a is not None and abs(a - b) < 1e-9 for _, a, b in diffs)
        L.append("Baseline cross-check against `run.py`'s own baseline figures: "
                 + ("identical." if ok else "differ: " + ", ".join(
                     f"{n} run.py {f4(a)} vs here {f4(b)}" for n, a, b in diffs)))
        L.append("")
    section = "\n".join(L) + "\n"
    print(section)

    if not args.no_write:
        (args.out_dir / f"training_log{args.suffix}.txt").write_text(
            "Splink training log (what Splink logged at INFO level, then the parameters per EM "
            "iteration)\n"
            f"Command: {cmd}\nData set fingerprint: {fp}\n\n"
            + log_buf.getvalue() + "\n".join(log_lines) + "\n", encoding="utf-8")
        update_results(section, f"{args.children}-{args.requests}-{args.seed}", RATES)
    return 0


def update_results(section: str, key: str, rates: dict) -> None:
    path = HERE / "RESULTS.md"
    head = ("# Splink 5 vs kinlink.matching vs a Primero-like baseline\n\nGenerated by "
            "`bench/splink/run_splink.py`; see README.md.\n\n")
    text = path.read_text(encoding="utf-8") if path.exists() else head
    start, end = f"<!-- run:{key} -->", f"<!-- /run:{key} -->"
    rates_txt = ("Corruption rates at the time of this run (bench/matching/generate.py "
                 "`RATES`):\n\n```\n" + "\n".join(f"{k} = {v}" for k, v in rates.items())
                 + "\n```\n\n")
    block = f"{start}\n{section}\n{rates_txt}{end}\n"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end) + r"\n?", lambda _m: block,
                      text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
