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

import functools
import hashlib
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
        grams = shingles(lemmas)
        if len(grams) < 3:
            return None
        mh = self._minhash(grams)
        text = " ".join(lemmas)
        addr = address_key(address or "")
        addr_key = (area[0], addr)
        candidates = set(self.lsh.query(mh))
        if addr:
            candidates.update(self.by_address.get(addr_key, ()))
        best: tuple[float, str] | None = None
        for cand in candidates:
            e = self.entries.get(cand)
            if e is None or cand == key or not same_area(area, e.area):
                continue
            sim = similarity(text, addr, sector, e.lemmas, e.address, e.sector)
            if sim is None:
                continue
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


def shingles(lemmas: list[str]) -> set[str]:
    """Lemma uni- and bigrams: what the MinHash is taken over."""
    return set(lemmas) | {f"{a} {b}" for a, b in pairwise(lemmas)}


def similarity(
    text: str, addr: str, sector: str | None, other: str, other_addr: str, other_sector: str | None
) -> float | None:
    """The finer similarity of two messages' lemma texts (see the module docstring); None when
    both give an address and the addresses differ (another house is another problem)."""
    if addr and other_addr:
        if addr != other_addr:
            return None
        sim = 0.55 + 0.45 * fuzz.token_set_ratio(text, other) / 100.0
    else:
        sim = fuzz.token_sort_ratio(text, other) / 100.0
        if sim < 0.97:  # without an address only nearly the same words count
            sim *= 0.8
    if sector and other_sector and sector != other_sector:
        sim *= 0.8
    return sim


def same_area(a, b) -> bool:
    """(municipality, city district): the same municipality, and the same district when both
    are known."""
    if a[0] != b[0]:
        return False
    return a[1] is None or b[1] is None or a[1] == b[1]


def address_key(s: str) -> str:
    """An address reduced to letters and digits, for comparison."""
    return "".join(ch for ch in s.lower() if ch.isalnum())


class DuplicateStage(Stage):
    """Near-duplicates among this process's recent messages (an in-memory index); a stage that
    knows the database (``otklik.nlp.services.duplicates.stored_duplicate``) replaces ``find``."""

    name = "duplicates"
    version = "1"

    def __init__(self, index: DuplicateIndex | None = None):
        self.index = index or DuplicateIndex()
        self._n = 0

    def process_one(self, doc: Doc) -> None:
        r = doc.result
        lemmas = doc.facts.get("lemmas") or lemma_tokens(doc.analysed)
        lemmas = [lm for lm in lemmas if len(lm) > 2][:400]
        doc.facts["duplicate_lemmas"] = lemmas
        found = self.find(doc, lemmas)
        r["duplicate_of"] = found
        if found and "repeated" not in r.get("conflict", []):
            r.setdefault("conflict", []).append("repeated")

    def find(self, doc: Doc, lemmas: list[str]) -> dict | None:
        key = str(doc.facts.get("id", self._n))
        self._n += 1
        r = doc.result
        return self.index.find_and_add(
            key,
            lemmas,
            (r.get("municipality"), r.get("city_district")),
            r.get("address"),
            r.get("sector"),
        )


@functools.cache
def _permutations():
    proto = MinHash(num_perm=NUM_PERM, seed=1)
    return proto.permutations, proto.scheme


def band_hashes(grams: set[str], bands: int = 21, rows: int = 3) -> list[int]:
    """LSH band keys of a MinHash over ``grams`` as signed 64-bit integers (for a database
    index): two sets share a band with the probability the LSH threshold (≈ 0.3) describes."""
    perm, scheme = _permutations()
    mh = MinHash(num_perm=NUM_PERM, seed=1, permutations=perm, scheme=scheme)
    mh.update_batch([g.encode("utf-8") for g in grams])
    out = []
    for b in range(bands):
        chunk = mh.hashvalues[b * rows : (b + 1) * rows].tobytes()
        digest = hashlib.blake2b(bytes([b]) + chunk, digest_size=8).digest()
        out.append(int.from_bytes(digest, "big", signed=True))
    return out


__all__ = ["DuplicateIndex", "DuplicateStage", "band_hashes", "same_area", "shingles", "similarity"]
