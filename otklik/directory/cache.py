"""The reference books held in each process's memory, rebuilt when the reference data changes.

The books (municipalities, sectors, topics, organisations, channels, input kinds) change rarely
(``reference_data_load`` on every ``otklik setup``, ``topic_update``, the admin) but are read on
every queue page and for every ingested message. Each process keeps one ``ReferenceSnapshot``
(code → row maps, choice lists in display order, rendered option lists) under the *reference
version*: a token in the shared cache (Django's cache: the database, or Redis when configured)
that every write to the books replaces through ``reference_changed()``. A process reads the
token once per snapshot request and rebuilds when it differs, so a change made by one process
is seen by all of them at their next request.

``reference_changed()`` replaces the token at once (the writer's own transaction sees its rows)
and again when the transaction commits, so that a process that rebuilt in between, from the
rows as they were before the commit, rebuilds once more. A lost token (cache cleared, evicted)
only costs one rebuild.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.query import ModelIterable

from otklik.directory.models import (
    Channel,
    CityDistrict,
    InputKind,
    Municipality,
    Organization,
    Sector,
    Topic,
)

VERSION_KEY = "otklik:directory:reference-version"
# The stable key of each book (what URLs and the ingestion format use).
CODE_FIELDS: dict[type[Model], str] = {
    Sector: "code",
    Topic: "code",
    Municipality: "okato",
    CityDistrict: "okato",
    Organization: "code",
    Channel: "code",
    InputKind: "code",
}

Choices = list[tuple[str, Any]]


# Within one web request the token is read once (a page asks for the books several times).
_request = threading.local()


def request_started(**kwargs: Any) -> None:
    _request.active, _request.token = True, None


def request_finished(**kwargs: Any) -> None:
    _request.active, _request.token = False, None


def _new_token() -> None:
    _request.token = None
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def reference_version() -> str:
    """The current reference version (one read of the shared cache; once per web request)."""
    if getattr(_request, "active", False) and _request.token:
        return _request.token
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(VERSION_KEY)
    if getattr(_request, "active", False):
        _request.token = token
    return token or ""


def reference_changed() -> None:
    """Call after any write to the reference books: every process drops its snapshot."""
    _new_token()
    transaction.on_commit(_new_token)


@dataclass
class ReferenceSnapshot:
    """The reference books of one version. Rows are shared by every request of the process:
    read them, never change them."""

    version: str
    channels: dict[str, Channel]  # by code
    input_kinds: dict[str, InputKind]  # by code
    municipalities: dict[str, Municipality]  # by OKATO, in display order (kind, name)
    topics: dict[str, Topic]  # by code, active and inactive, with their sector
    sector_choices: Choices  # (code, name), in display order
    topic_groups: list[tuple[str, Choices]]  # active topics grouped under their sector's name
    by_id: dict[type[Model], dict[int, Model]]  # every row of every book, by model and id
    ids: dict[type[Model], dict[str, int]]  # id by code (OKATO for territory), per book
    _organizations: dict[dt.date, Choices] = field(default_factory=dict)
    # Rendered option lists of the forms, filled by ``otklik.core.widgets`` on first use.
    rendered: dict[Any, str] = field(default_factory=dict)

    @property
    def municipality_choices(self) -> Choices:
        return [(m.okato, m.name) for m in self.municipalities.values()]

    @property
    def channel_choices(self) -> Choices:
        return [(c.code, c.name) for c in self.channels.values()]

    def organization_choices(self, *, valid_on: dt.date) -> Choices:
        """(code, short name) of the organisations in force on ``valid_on``, in the order of
        ``organization_list`` (kind, short name)."""
        if valid_on not in self._organizations:
            self._organizations[valid_on] = list(
                Organization.objects.filter(
                    Q(valid_from__isnull=True) | Q(valid_from__lte=valid_on),
                    Q(valid_to__isnull=True) | Q(valid_to__gte=valid_on),
                )
                .order_by("kind", "short_name")
                .values_list("code", "short_name")
            )
        return self._organizations[valid_on]


_snapshot: ReferenceSnapshot | None = None


def _build(version: str) -> ReferenceSnapshot:
    sectors = list(Sector.objects.order_by("order", "code"))
    by_sector = {s.pk: s for s in sectors}
    topics = list(Topic.objects.order_by("sector__order", "order", "code"))
    groups: dict[str, Choices] = {}
    for topic in topics:
        topic.sector = by_sector[topic.sector_id]
        if topic.is_active:
            groups.setdefault(topic.sector.name, []).append((topic.code, topic.name))
    channels = list(Channel.objects.order_by("order", "code"))
    kinds = list(InputKind.objects.order_by("order", "code"))
    municipalities = list(Municipality.objects.order_by("kind", "name"))
    books: dict[type[Model], list[Any]] = {
        Sector: sectors,
        Topic: topics,
        Channel: channels,
        InputKind: kinds,
        Municipality: municipalities,
        CityDistrict: list(CityDistrict.objects.all()),
        Organization: list(Organization.objects.all()),
    }
    return ReferenceSnapshot(
        version=version,
        channels={c.code: c for c in channels},
        input_kinds={k.code: k for k in kinds},
        municipalities={m.okato: m for m in municipalities},
        topics={t.code: t for t in topics},
        sector_choices=[(s.code, s.name) for s in sectors],
        topic_groups=list(groups.items()),
        by_id={model: {r.pk: r for r in rows} for model, rows in books.items()},
        ids={
            model: {getattr(r, key): r.pk for r in books[model]}
            for model, key in CODE_FIELDS.items()
        },
    )


def reference_snapshot() -> ReferenceSnapshot:
    """This process's snapshot of the current reference version (rebuilt when it changed)."""
    global _snapshot
    version = reference_version()
    snapshot = _snapshot
    if snapshot is None or snapshot.version != version:
        snapshot = _snapshot = _build(version)
    return snapshot


class _ReferenceRowsIterable(ModelIterable):
    """Model rows whose foreign keys to the reference books are filled from the snapshot."""

    def __iter__(self):
        by_id = reference_snapshot().by_id
        links = [
            (f.name, f.attname, by_id[f.related_model])
            for f in self.queryset.model._meta.concrete_fields
            if f.many_to_one and f.related_model in by_id
        ]
        for obj in super().__iter__():
            cached = obj._state.fields_cache
            for name, attname, rows in links:
                if name not in cached:
                    row = rows.get(getattr(obj, attname))
                    if row is not None:  # unknown here (a very new row): read when used
                        cached[name] = row
            yield obj


def with_reference_rows(queryset: QuerySet) -> QuerySet:
    """``queryset`` whose rows get their sector, topic, municipality, organisation, channel …
    from the snapshot as they are read, instead of through joins: seven joined tables cost
    PostgreSQL more to plan than the query costs to run, and fifty rows × seven models to build.
    The rows are shared (read them, never change them); ``select_related`` still wins for the
    relations it names."""
    queryset = queryset._chain()
    queryset._iterable_class = _ReferenceRowsIterable
    return queryset
