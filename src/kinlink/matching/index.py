"""In-memory, incrementally updated index of children with recall-oriented blocking.

Every record is filed under a handful of *blocking keys* (strings, interned in one dict whose
values are compact ``array('I')`` posting lists of internal record numbers):

* ``s:`` consonant skeleton of each given/family/other-name token (and of joined tokens) —
  swapped or dropped names still share these;
* ``d:`` the skeleton and its one-deletion neighbourhood (skeletons of 3+ consonants): two
  names whose skeletons are one edit apart share a key (Quliyev ~ Guliyev, Godirova ~
  Koderrove), so a typo or a letter heard another way does not lose the child;
* ``v:`` variant-class id of the given/family/other names (Sasha ~ Aleksandr);
* ``p:`` the unordered pair (given skeleton, family skeleton) — rare and precise;
* ``r:`` surname root (Rahimov ~ Rahimova ~ Rahimzoda);
* ``m:`` skeletons of the parents' name tokens;
* ``n:`` each document number and its one-deletion neighbourhood (numbers of 6+
  characters), so a mistyped digit still meets — the child is found by its birth
  certificate or passport even when both names were written differently.

The keys come in *evidence groups* (one per name skeleton with its deletion keys, one for the
variants, one for the pairs, ...). A query scores each record it meets by summing, over the
groups, the inverse document frequency ``log(1 + N/df)`` of the rarest key it shares in that
group — a namesake does not collect a dozen keys for one name — plus a bonus when the possible
birth years overlap and the sex agrees (kept per record in small arrays, not as keys). Keys
shared by more than ``max_posting`` records are only used when nothing rarer is found. The
best ``rerank_pool × max_candidates`` are then re-ranked with the similarity of their
whole-name consonant skeleton (token order ignored), and only the ``max_candidates`` best are
compared in full. Before that, the token levels those comparisons ask for are computed in bulk
(``compare.prime_token_cache``: one ``cdist`` call per query token for the fuzzy stage); the
comparator is the same and finds them ready.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import threading
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from .compare import Comparison, compare_prepared, explain, prime_token_cache, unprime
from .model import FellegiSunterModel, FieldWeight
from .names import TokenKeys
from .records import PersonRecord, PreparedName, PreparedRecord, prepare
from .variants import VARIANT_CLASSES, VariantTable

__all__ = ["MatchIndex", "SearchResult"]


@dataclass
class SearchResult:
    record_id: str
    rank: int
    score: float  # match weight, bits
    probability: float
    is_match: bool
    explanation: str
    comparison: Comparison
    contributions: list[FieldWeight]
    record: PersonRecord


def _name_skels(n: PreparedName) -> list[str]:
    out: list[str] = []
    for t in n.tokens:
        # Arabic script: readings of ambiguous letters and the article make more skeletons
        out.extend(t.skel[:4] if t.script == "arab" else t.skel[:2])
    if n.joined is not None:
        out.extend(n.joined.skel[:1])
    return out


_SEX_CODE = {"m": 1, "f": 2}
RERANK_WEIGHT = 16.0  # weight of the whole-name skeleton similarity in the blocking score
YEAR_BONUS = 3.0  # blocking score added when the possible birth years overlap
SEX_BONUS = 0.7  # added when the sex agrees, subtracted when it differs


class MatchIndex:
    """Add, update and remove records one at a time; each change is searchable at once."""

    def __init__(self, model: FellegiSunterModel | None = None, *,
                 reference_date: dt.date | None = None, max_candidates: int = 500,
                 max_posting: int = 50_000, variants: VariantTable | None = None) -> None:
        self.model = model or FellegiSunterModel()
        self.reference_date = reference_date or dt.date.today()
        self.max_candidates = max_candidates
        self.max_posting = max_posting
        self.rerank_pool = 8  # pool of rerank_pool × max_candidates re-ranked by name (0: off)
        self.variants = variants or VariantTable(VARIANT_CLASSES)
        for a, b in self.model.learned_names:
            self.variants.link(a, b)
        self._postings: dict[str, array] = {}
        self._recs: list[PreparedRecord | None] = []
        self._slot: dict[str, int] = {}
        # per slot: possible birth years (0 = unknown) and sex (0 unknown, 1 m, 2 f), used to
        # rank blocking candidates without year-combined keys
        self._ylo = array("h")
        self._yhi = array("h")
        self._sex = array("b")
        self._skel: list[str] = []  # whole-name skeleton string per slot (re-ranking)
        self._scratch = threading.local()

    # ------------------------------------------------------------------ keys
    def _key_groups(self, p: PreparedRecord) -> list[list[str]]:
        """Blocking keys in *evidence groups*: a candidate's blocking score counts each group
        once, with its rarest shared key, so a namesake does not collect a dozen keys for one
        name while the child, whose names were both misspelt, meets one key per name."""
        groups: list[list[str]] = []
        given = _name_skels(p.given)
        for o in p.others:
            given.extend(_name_skels(o))
        family = _name_skels(p.family)
        for s in dict.fromkeys(given + family):
            g = ["s:" + s]
            # typo-tolerant: the skeleton and its one-deletion neighbourhood (Quliyev ~
            # Guliyev: klv / hlv share 'lv'); two keys meet when the skeletons are one edit
            # apart (substitution, insertion, deletion or a swap of neighbours)
            if len(s) >= 3:
                g.append("d:" + s)
                g.extend("d:" + s[:i] + s[i + 1:] for i in range(len(s)))
            groups.append(g)
        var = [f"v:{v}" for n in (p.given, *p.others) for v in n.variants]
        if var:
            groups.append(var)
        var = [f"v:{v}" for v in p.family.variants]
        if var:
            groups.append(var)
        pairs = ["p:" + "|".join(sorted((a, b))) for a in given[:3] for b in family[:3]]
        if pairs:
            groups.append(pairs)
        if p.family.roots:
            groups.append(["r:" + r for r in p.family.roots[:2]])
        for par in (p.mother, p.father):
            for s in _name_skels(par):
                groups.append(["m:" + s])
        for d in p.docs:
            g = ["n:" + d]
            if len(d) >= 6:
                g.extend("n:" + d[:i] + d[i + 1:] for i in range(len(d)))
            groups.append(g)
        return groups

    def _keys(self, p: PreparedRecord, query: bool = False) -> set[str]:
        return {k for g in self._key_groups(p) for k in g}

    @staticmethod
    def _year_range(p: PreparedRecord) -> tuple[int, int]:
        if not p.dob_lo:
            return 0, 0
        return dt.date.fromordinal(p.dob_lo).year, dt.date.fromordinal(p.dob_hi).year

    # ------------------------------------------------------------------ updates
    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._slot

    def prepare(self, rec: PersonRecord) -> PreparedRecord:
        return prepare(rec, reference_date=self.reference_date, variants=self.variants)

    def add(self, rec: PersonRecord) -> None:
        """Add a record; a record with the same id is replaced (see :meth:`update`)."""
        if rec.id in self._slot:
            self.remove(rec.id)
        p = self.prepare(rec)
        slot = len(self._recs)
        self._recs.append(p)
        self._slot[rec.id] = slot
        ylo, yhi = self._year_range(p)
        self._ylo.append(ylo)
        self._yhi.append(yhi)
        self._sex.append(_SEX_CODE.get(p.sex, 0))
        self._skel.append(_skel_string(p))
        postings = self._postings
        for k in self._keys(p, query=False):
            arr = postings.get(k)
            if arr is None:
                postings[k] = array("I", (slot,))
            else:
                arr.append(slot)

    def add_many(self, recs: Iterable[PersonRecord]) -> None:
        for r in recs:
            self.add(r)

    def update(self, rec: PersonRecord) -> None:
        self.add(rec)

    def remove(self, record_id: str) -> None:
        slot = self._slot.pop(record_id)
        p = self._recs[slot]
        self._recs[slot] = None
        self._skel[slot] = ""
        assert p is not None
        for k in self._keys(p, query=False):
            arr = self._postings[k]
            if len(arr) == 1:
                del self._postings[k]
            else:
                # slots are appended in increasing order: binary search instead of a scan
                i = _bisect(arr, slot)
                del arr[i]

    def get(self, record_id: str) -> PersonRecord | None:
        slot = self._slot.get(record_id)
        if slot is None:
            return None
        p = self._recs[slot]
        return p.record if p is not None else None

    def records(self) -> Iterator[PersonRecord]:
        for p in self._recs:
            if p is not None:
                yield p.record

    # ------------------------------------------------------------------ search
    def candidate_slots(self, q: PreparedRecord) -> list[int]:
        """Internal numbers of the (at most ``max_candidates``) records to compare in full.

        Each record met through a key gets, per evidence group, the weight of the rarest key
        it shares (``log(1 + N/df)``), summed over groups, plus a bonus when its possible
        birth years overlap the query's (widened by 1–2 years) and its sex agrees; the best
        ``max_candidates`` are kept."""
        n_slots = len(self._recs)
        n = max(len(self._slot), 1)
        post = self._postings
        groups: list[list[tuple[float, array]]] = []
        common: list[tuple[int, float, array]] = []
        for g in self._key_groups(q):
            found = []
            for k in dict.fromkeys(g):
                arr = post.get(k)
                if arr is None:
                    continue
                df = len(arr)
                w = math.log(1.0 + n / df)
                if df > self.max_posting:
                    common.append((df, w, arr))
                else:
                    found.append((w, arr))
            if found:
                found.sort(key=lambda t: t[0])  # ascending: the rarest key writes last
                groups.append(found)
        if not groups and common:
            common.sort(key=lambda t: t[0])
            groups = [[(w, a)] for _, w, a in common[:2]]
        if not groups:
            return []
        total, best = self._scratch_arrays(n_slots)
        for found in groups:
            idss = [np.frombuffer(a, dtype=np.uint32) for _, a in found]
            for (w, _), ids in zip(found, idss, strict=True):
                best[ids] = w
            allids = idss[0] if len(idss) == 1 else np.concatenate(idss)
            total[allids] += best[allids]  # once per record (buffered fancy add)
            best[allids] = 0.0
        # every weight is > 0, so the records met are the non-zero entries (a linear scan is
        # cheaper than sorting a few hundred thousand ids)
        cand = np.flatnonzero(total[:n_slots])
        k = self.max_candidates
        if len(cand) > k:
            sc = total[cand] + self._bonus(q, cand)
        total[cand] = 0.0  # the scratch array is reused by the next query
        if len(cand) > k:
            pool = self.rerank_pool * k
            if self.rerank_pool and len(cand) > k:
                if len(cand) > pool:
                    top = np.argpartition(-sc, pool - 1)[:pool]
                    cand, sc = cand[top], sc[top]
                sc = sc + RERANK_WEIGHT * self._name_similarity(q, cand)
            top = np.argpartition(-sc, k - 1)[:k]
            cand = cand[top]
        return cand.tolist()

    def _scratch_arrays(self, n_slots: int) -> tuple[np.ndarray, np.ndarray]:
        """Two zeroed float32 arrays of at least ``n_slots``, kept per thread and reused
        (zeroing 2 × 4 MB per query at 1M records costs more than resetting what was used)."""
        sc = self._scratch
        total = getattr(sc, "total", None)
        if total is None or len(total) < n_slots:
            size = max(1024, int(n_slots * 1.25))
            sc.total = np.zeros(size, dtype=np.float32)
            sc.best = np.zeros(size, dtype=np.float32)
        return sc.total, sc.best

    def _name_similarity(self, q: PreparedRecord, cand: np.ndarray) -> np.ndarray:
        """Similarity (0–1) of the consonant skeletons of the whole name, token order
        ignored: a cheap re-ranking of the blocking pool, so that a child whose names were
        misspelt beats namesakes that only share one rare key."""
        qs = _skel_string(q)
        if not qs:
            return np.zeros(len(cand), dtype=np.float32)
        sk = self._skel
        choices = [sk[s] for s in cand.tolist()]
        sim = process.cdist([qs], choices, scorer=fuzz.token_sort_ratio, dtype=np.uint8)[0]
        return sim.astype(np.float32) / 100.0

    def _bonus(self, q: PreparedRecord, cand: np.ndarray) -> np.ndarray:
        bonus = np.zeros(len(cand), dtype=np.float32)
        ylo, yhi = self._year_range(q)
        if ylo:
            widen = 1 if q.dob_precise else 2
            clo = np.frombuffer(self._ylo, dtype=np.int16)[cand]
            chi = np.frombuffer(self._yhi, dtype=np.int16)[cand]
            known = clo > 0
            overlap = known & (clo <= yhi + widen) & (chi >= ylo - widen)
            bonus += np.where(overlap, YEAR_BONUS, np.where(known, 0.0, YEAR_BONUS / 2))
        qs = _SEX_CODE.get(q.sex, 0)
        if qs:
            cs = np.frombuffer(self._sex, dtype=np.int8)[cand]
            bonus += np.where(cs == qs, SEX_BONUS, np.where(cs == 0, 0.0, -SEX_BONUS))
        return bonus

    def candidates(self, query: PersonRecord) -> list[str]:
        """Ids of the records a query would be compared with (for blocking diagnostics)."""
        q = self.prepare(query)
        recs = self._recs
        return [recs[s].record.id for s in self.candidate_slots(q)]  # type: ignore[union-attr]

    def search(self, query: PersonRecord, top_k: int = 20, *,
               threshold: float | None = None, exclude_self: bool = False) -> list[SearchResult]:
        """Best ``top_k`` records for a query, best first, each with a score, probability,
        ``is_match`` at the model's threshold and a field-by-field explanation."""
        q = self.prepare(query)
        model = self.model
        recs = self._recs
        scored: list[tuple[float, int, Comparison]] = []
        slots = [s for s in self.candidate_slots(q) if recs[s] is not None and not (
            exclude_self and recs[s].record.id == query.id)]  # type: ignore[union-attr]
        _prime(q, [recs[s] for s in slots])  # type: ignore[misc]
        try:
            for s in slots:
                r = recs[s]
                assert r is not None
                c = compare_prepared(q, r)
                scored.append((model.score(c.levels), s, c))
        finally:
            unprime()
        probs_all = model.probabilities([t[0] for t in scored])
        order = heapq.nlargest(top_k, range(len(scored)),
                               key=lambda i: (scored[i][0], -scored[i][1]))
        out: list[SearchResult] = []
        for rank, i in enumerate(order, 1):
            sc, s, c = scored[i]
            prob = probs_all[i]
            r = recs[s]
            assert r is not None
            out.append(SearchResult(
                record_id=r.record.id, rank=rank, score=round(sc, 4),
                probability=prob, is_match=model.is_match(prob, threshold),
                explanation=explain(q, r, c), comparison=c,
                contributions=model.contributions(c.levels), record=r.record,
            ))
        return out

    def match_many(self, queries: Iterable[PersonRecord], top_k: int = 20, *,
                   threshold: float | None = None) -> dict[str, list[SearchResult]]:
        """Search many queries; returns {query id: results}."""
        return {q.id: self.search(q, top_k, threshold=threshold) for q in queries}


def _name_tokens(n: PreparedName) -> tuple[TokenKeys, ...]:
    return n.tokens if n.joined is None else (*n.tokens, n.joined)


def _prime(q: PreparedRecord, cands: list[PreparedRecord]) -> None:
    """Compute, in bulk, the token levels the comparisons of ``q`` with ``cands`` will ask for
    (the comparator then finds them cached). Given, family and other names are primed
    against each other (a swap compares given with family)."""
    names = [*_name_tokens(q.given), *_name_tokens(q.family)]
    for o in q.others:
        names.extend(_name_tokens(o))
    pairs: list[tuple[tuple[TokenKeys, ...], list[TokenKeys]]] = []
    # (query tokens, the candidate's names they meet, whether joined tokens are compared:
    # names and middle names compare the tokens joined too, places and parents do not)
    for qt, get, joined in (
        (tuple(names), lambda r: (r.given, r.family, *r.others), True),
        (_name_tokens(q.middle), lambda r: (r.middle,), True),
        (q.place.tokens, lambda r: (r.place,), False),
        (q.mother.tokens, lambda r: (r.mother,), False),
        (q.father.tokens, lambda r: (r.father,), False),
    ):
        if not qt:
            continue
        us: dict[int, TokenKeys] = {}
        for r in cands:
            for n in get(r):
                for t in n.tokens:
                    us[id(t)] = t
                if joined and n.joined is not None:
                    us[id(n.joined)] = n.joined
        pairs.append((qt, list(us.values())))
    prime_token_cache(pairs)


def _skel_string(p: PreparedRecord | None) -> str:
    if p is None:
        return ""
    return " ".join(t.skel[0] for n in (p.given, p.family) for t in n.tokens if t.skel)


def _bisect(arr: array, x: int) -> int:
    lo, hi = 0, len(arr)
    while lo < hi:
        mid = (lo + hi) // 2
        if arr[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(arr) and arr[lo] == x:
        return lo
    return arr.index(x)
