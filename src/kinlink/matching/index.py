"""In-memory, incrementally updated index of children with recall-oriented blocking.

Every record is filed under a handful of *blocking keys* (strings, interned in one dict whose
values are compact ``array('I')`` posting lists of internal record numbers):

* ``s:`` consonant skeleton of each given/family/other-name token (and of joined tokens) —
  swapped or dropped names still share these;
* ``v:`` variant-class id of the given/family/other names (Sasha ~ Aleksandr);
* ``p:`` the unordered pair (given skeleton, family skeleton) — rare and precise;
* ``y:`` each name skeleton combined with each possible birth year;
* ``r:`` surname root (Rahimov ~ Rahimova ~ Rahimzoda) combined with the birth year;
* ``m:`` skeletons of the parents' name tokens.

A query looks up its own keys, scores every record it meets by the summed inverse document
frequency of the keys they share (rare keys count most; keys shared by more than
``max_posting`` records are only used when nothing rarer is found), and compares in full only
the ``max_candidates`` best.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .compare import Comparison, compare_prepared, explain
from .model import FellegiSunterModel, FieldWeight
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
        out.extend(t.skel[:2])
    if n.joined is not None:
        out.extend(n.joined.skel[:1])
    return out


def _years(lo: int, hi: int, widen: int) -> range:
    y0 = dt.date.fromordinal(lo).year - widen
    y1 = dt.date.fromordinal(hi).year + widen
    return range(y0, y1 + 1)


class MatchIndex:
    """Add, update and remove records one at a time; each change is searchable at once."""

    def __init__(self, model: FellegiSunterModel | None = None, *,
                 reference_date: dt.date | None = None, max_candidates: int = 500,
                 max_posting: int = 50_000, variants: VariantTable | None = None) -> None:
        self.model = model or FellegiSunterModel()
        self.reference_date = reference_date or dt.date.today()
        self.max_candidates = max_candidates
        self.max_posting = max_posting
        self.variants = variants or VariantTable(VARIANT_CLASSES)
        for a, b in self.model.learned_names:
            self.variants.link(a, b)
        self._postings: dict[str, array] = {}
        self._recs: list[PreparedRecord | None] = []
        self._slot: dict[str, int] = {}

    # ------------------------------------------------------------------ keys
    def _keys(self, p: PreparedRecord, query: bool) -> set[str]:
        keys: set[str] = set()
        given = _name_skels(p.given)
        for o in p.others:
            given.extend(_name_skels(o))
        family = _name_skels(p.family)
        names = given + family
        for s in names:
            keys.add("s:" + s)
        for n in (p.given, p.family, *p.others):
            for v in n.variants:
                keys.add(f"v:{v}")
        for a in given[:3]:
            for b in family[:3]:
                keys.add("p:" + "|".join(sorted((a, b))))
        if p.dob_lo:
            widen = (2 if not p.dob_precise else 1) if query else 0
            years = _years(p.dob_lo, p.dob_hi, widen)
            for s in names:
                for y in years:
                    keys.add(f"y:{s}|{y}")
            for n in (p.given, p.family, *p.others):
                for v in n.variants:
                    for y in years:
                        keys.add(f"vy:{v}|{y}")
            for r in p.family.roots[:2]:
                for y in years:
                    keys.add(f"r:{r}|{y}")
        for par in (p.mother, p.father):
            for s in _name_skels(par):
                keys.add("m:" + s)
        return keys

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
        """Internal numbers of the (at most ``max_candidates``) records to compare in full."""
        n = max(len(self._slot), 1)
        found: list[tuple[array, float]] = []
        common: list[tuple[int, array, float]] = []
        for k in self._keys(q, query=True):
            arr = self._postings.get(k)
            if arr is None:
                continue
            df = len(arr)
            w = math.log(1.0 + n / df)
            if df > self.max_posting:
                common.append((df, arr, w))
            else:
                found.append((arr, w))
        if not found and common:
            common.sort(key=lambda t: t[0])
            found = [(a, w) for _, a, w in common[:2]]
        if not found:
            return []
        if len(found) == 1:
            ids = np.frombuffer(found[0][0], dtype=np.uint32)
            if len(ids) <= self.max_candidates:
                return ids.tolist()
            return ids[: self.max_candidates].tolist()
        ids = np.concatenate([np.frombuffer(a, dtype=np.uint32) for a, _ in found])
        wts = np.repeat(np.array([w for _, w in found]), [len(a) for a, _ in found])
        uniq, inv = np.unique(ids, return_inverse=True)
        sc = np.bincount(inv, weights=wts)
        if len(uniq) > self.max_candidates:
            top = np.argpartition(-sc, self.max_candidates - 1)[: self.max_candidates]
            uniq = uniq[top]
        return uniq.tolist()

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
        for s in self.candidate_slots(q):
            r = recs[s]
            if r is None or (exclude_self and r.record.id == query.id):
                continue
            c = compare_prepared(q, r)
            scored.append((model.score(c.levels), s, c))
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
