"""A Primero-like baseline (bench only): names transliterated with ICU Any-Latin/Latin-ASCII,
each token reduced to its American Soundex code, candidates = records sharing a code; score =
number of shared name codes + 0.5 for the same sex + 0.5 for a birth year within one year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import icu

from kinlink.matching import PersonRecord

_TR = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")
_CODES = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"),
          **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}


def soundex(tok: str) -> str:
    tok = "".join(c for c in tok if c.isalpha())
    if not tok:
        return ""
    out = [tok[0].upper()]
    last = _CODES.get(tok[0], "")
    for c in tok[1:]:
        code = _CODES.get(c, "")
        if code and code != last:
            out.append(code)
        if c not in "hw":
            last = code
    return ("".join(out) + "000")[:4]


def _codes(rec: PersonRecord) -> set[str]:
    text = " ".join((rec.given_name, rec.family_name, rec.middle_name))
    return {c for c in (soundex(t) for t in _TR.transliterate(text).replace("-", " ").split())
            if c}


def _year(rec: PersonRecord) -> int | None:
    if rec.date_of_birth:
        return rec.date_of_birth.year
    if rec.age is not None:
        return (rec.recorded_on or dt.date.today()).year - round(rec.age)
    return None


class PrimeroLikeBaseline:
    def __init__(self) -> None:
        self.post: dict[str, list[int]] = defaultdict(list)
        self.recs: list[PersonRecord] = []
        self.codes: list[set[str]] = []

    def add_many(self, recs):
        for r in recs:
            i = len(self.recs)
            self.recs.append(r)
            cs = _codes(r)
            self.codes.append(cs)
            for c in cs:
                self.post[c].append(i)

    def search(self, q: PersonRecord, top_k: int = 20) -> list[str]:
        qc = _codes(q)
        score: dict[int, float] = defaultdict(float)
        for c in qc:
            for i in self.post.get(c, ()):
                score[i] += 1.0
        qy = _year(q)
        qs = (q.sex or "")[:1].lower()
        for i in score:
            r = self.recs[i]
            if qs and (r.sex or "")[:1].lower() == qs:
                score[i] += 0.5
            ry = _year(r)
            if qy is not None and ry is not None and abs(qy - ry) <= 1:
                score[i] += 0.5
        best = sorted(score.items(), key=lambda t: (-t[1], t[0]))[:top_k]
        return [self.recs[i].id for i, _ in best]
