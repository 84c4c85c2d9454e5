"""Near-duplicates: the same problem reported again, among recent messages of the same area.

Candidates come from a MinHash LSH index (datasketch) over lemma uni- and bigrams, and from
the earlier messages with the same written address. Each candidate of the same municipality
(and the same city district when both are known) is confirmed by a finer similarity
(rapidfuzz over the lemmas): when both messages give an address, the addresses must agree
(the same template about another house is another problem) and the score is
0.55 + 0.45 × token-set similarity; otherwise it is the token-sort similarity (× 0.8 below
0.97), which needs nearly the same words. A different predicted sector costs 20 %. At or above
``offer`` the earlier message is offered to the operator; at or above ``merge`` it is merged
automatically.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from itertools import pairwise

from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from otklik.nlp.features import lemma_tokens
from otklik.nlp.stages.base import Doc, Stage

NUM_PERM = 64


@dataclass
class _Entry:
    area: tuple[str | None, str | None]
    lemmas: str
    address: str  # normalised, "" when none
    sector: str | None


class DuplicateIndex:
    """Recent messages (at most ``capacity``), their MinHashes and what confirms a match."""

    def __init__(
        self,
        *,
        capacity: int = 20_000,
        lsh_threshold: float = 0.3,
        offer: float = 0.7,
        merge: float = 0.9,
    ):
        self.capacity = capacity
        self.offer = offer
        self.merge = merge
        self.lsh = MinHashLSH(threshold=lsh_threshold, num_perm=NUM_PERM)
        self.entries: OrderedDict[str, _Entry] = OrderedDict()
        self.by_address: dict[tuple, list[str]] = {}
        proto = MinHash(num_perm=NUM_PERM, seed=1)
        self._perm, self._scheme = proto.permutations, proto.scheme

    def _minhash(self, shingles: set[str]) -> MinHash:
        m = MinHash(num_perm=NUM_PERM, seed=1, permutations=self._perm, scheme=self._scheme)
        m.update_batch([s.encode("utf-8") for s in shingles])
        return m

    def find_and_add(
        self, key: str, lemmas: list[str], area, address: str | None, sector: str | None = None
    ) -> dict | None:
        shingles = set(lemmas) | {f"{a} {b}" for a, b in pairwise(lemmas)}
        if len(shingles) < 3:
            return None
        mh = self._minhash(shingles)
        text = " ".join(lemmas)
        addr = _addr(address or "")
        addr_key = (area[0], addr)
        candidates = set(self.lsh.query(mh))
        if addr:
            candidates.update(self.by_address.get(addr_key, ()))
        best: tuple[float, str] | None = None
        for cand in candidates:
            e = self.entries.get(cand)
            if e is None or cand == key or not _same_area(area, e.area):
                continue
            if addr and e.address:
                if addr != e.address:
                    continue
                sim = 0.55 + 0.45 * fuzz.token_set_ratio(text, e.lemmas) / 100.0
            else:
                sim = fuzz.token_sort_ratio(text, e.lemmas) / 100.0
                if sim < 0.97:  # without an address only nearly the same words count
                    sim *= 0.8
            if sector and e.sector and sector != e.sector:
                sim *= 0.8
            if best is None or sim > best[0] or (sim == best[0] and cand > best[1]):
                best = (sim, cand)
        self._remove(key)
        self.lsh.insert(key, mh)
        self.entries[key] = _Entry(area, text, addr, sector)
        if addr:
            self.by_address.setdefault(addr_key, []).append(key)
        while len(self.entries) > self.capacity:
            self._remove(next(iter(self.entries)))
        if best is None or best[0] < self.offer:
            return None
        return {"id": best[1], "similarity": round(best[0], 3), "merge": best[0] >= self.merge}

    def _remove(self, key: str) -> None:
        e = self.entries.pop(key, None)
        if e is None:
            return
        self.lsh.remove(key)
        if e.address:
            keys = self.by_address.get((e.area[0], e.address), [])
            if key in keys:
                keys.remove(key)
            if not keys:
                self.by_address.pop((e.area[0], e.address), None)


def _same_area(a, b) -> bool:
    if a[0] != b[0]:
        return False
    return a[1] is None or b[1] is None or a[1] == b[1]


def _addr(s: str) -> str:
    return "".join(ch for ch in s.lower() if ch.isalnum())


class DuplicateStage(Stage):
    name = "duplicates"
    version = "1"

    def __init__(self, index: DuplicateIndex | None = None):
        self.index = index or DuplicateIndex()
        self._n = 0

    def process_one(self, doc: Doc) -> None:
        key = str(doc.facts.get("id", self._n))
        self._n += 1
        r = doc.result
        lemmas = doc.facts.get("lemmas") or lemma_tokens(doc.analysed)
        lemmas = [lm for lm in lemmas if len(lm) > 2][:400]
        found = self.index.find_and_add(
            key,
            lemmas,
            (r.get("municipality"), r.get("city_district")),
            r.get("address"),
            r.get("sector"),
        )
        r["duplicate_of"] = found
        if found and "repeated" not in r.get("conflict", []):
            r.setdefault("conflict", []).append("repeated")


__all__ = ["DuplicateIndex", "DuplicateStage"]
