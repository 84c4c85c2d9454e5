"""Shared, lazily loaded resources of the pipeline: taxonomy, territory, morphology, vectors, NER.

Nothing here touches the database: the taxonomy, the territory and the region's reference
knowledge (places, phrasings, people, the shape of a stream of messages) are read from the
versioned data files of ``otklik.directory``, so the ``nlp`` commands work before
``otklik setup``. Word vectors (navec) and the NER model (slovnet)
are loaded from the files that the ``natasha`` wheel ships; nothing is downloaded.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

DIRECTORY_DATA = Path(__file__).resolve().parent.parent / "directory" / "data"
NLP_DATA = Path(__file__).resolve().parent / "data"

NAVEC_FILE = "data/emb/navec_news_v1_1B_250K_300d_100q.tar"
NER_FILE = "data/model/slovnet_ner_news_v1.tar"


@dataclass(frozen=True)
class Topic:
    code: str
    sector: str
    name: str
    description: str
    examples: tuple[str, ...]
    keywords: tuple[str, ...]


@functools.cache
def taxonomy() -> tuple[Topic, ...]:
    with (DIRECTORY_DATA / "topics.toml").open("rb") as f:
        data = tomllib.load(f)
    return tuple(
        Topic(
            code=t["code"],
            sector=t["sector"],
            name=t["name"],
            description=t.get("description", ""),
            examples=tuple(t.get("examples", ())),
            keywords=tuple(t.get("keywords", ())),
        )
        for t in data["topic"]
    )


@functools.cache
def taxonomy_version() -> str:
    with (DIRECTORY_DATA / "topics.toml").open("rb") as f:
        return str(tomllib.load(f).get("version", ""))


@functools.cache
def territory() -> dict:
    with (DIRECTORY_DATA / "territory.toml").open("rb") as f:
        return tomllib.load(f)


@functools.cache
def reference(name: str) -> dict:
    """A versioned reference data file of otklik/directory/data/: ``places``, ``phrasings``,
    ``people`` or ``stream`` (what each holds is said at its top)."""
    with (DIRECTORY_DATA / f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


@functools.cache
def lexicon(name: str) -> dict:
    """A hand-written word list of this app (otklik/nlp/data/<name>.toml)."""
    with (NLP_DATA / f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


@functools.cache
def morph():
    import pymorphy3

    logging.getLogger("pymorphy3").setLevel(logging.WARNING)
    return pymorphy3.MorphAnalyzer(lang="ru")


def natasha_file(relative: str) -> Path | None:
    """A data file shipped inside the natasha wheel, found without importing natasha.

    (natasha's ``__init__`` imports pymorphy2, which does not work on Python 3.11; only its
    data files are used here.)
    """
    spec = importlib.util.find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.exists() else None


@functools.cache
def navec():
    """The navec news embeddings (250K words, 300d), or None when the package is absent."""
    path = natasha_file(NAVEC_FILE)
    if path is None:
        logger.warning("navec vectors not found (is natasha installed?); running without them")
        return None
    from navec import Navec

    return Navec.load(str(path))


@functools.cache
def ner():
    """slovnet's news NER (PER, LOC, ORG), or None when the model or vectors are absent."""
    path = natasha_file(NER_FILE)
    vectors = navec()
    if path is None or vectors is None:
        logger.warning("slovnet NER model not found; names are found by morphology only")
        return None
    from slovnet import NER

    model = NER.load(str(path))
    model.navec(vectors)
    model.batch_size = 64
    return model
