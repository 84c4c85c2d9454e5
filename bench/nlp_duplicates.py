"""Near-duplicate search among stored messages in PostgreSQL at N analysed messages.

Fills a throwaway database with N messages of the demo stream (otklik.demo.stream.demo_stream:
the region's 38 municipalities, addresses, topics, about 8 % repeats of an earlier problem)
over the last ``--days`` days, with what the pipeline stores for each: the lemmas exactly as
``messages_analyse`` keeps them (NormaliseStage + the tone stage's lemmas, > 2 letters, at
most 400), the address key, the sector (the stream's own: the classifier is not run over N
messages) in ``nlp_messageanalysis``, and the 21 LSH band keys of each (``band_hashes``) in
``nlp_messageband``, all by COPY. Then, for the ``--queries`` newest messages of the same
stream (stored as messages, not analysed):

1. times ``otklik.nlp.services.duplicates.stored_duplicate`` (p50/p95/p99 ms) and how many it finds,
   and each SQL statement it runs (band keys, the same address, the candidates' rows: ms and
   rows, through Django's execute wrapper, so the code measured is the code shipped);
2. compares its answers with an exhaustive search (every message of the area in the window
   that shares a band key or the address, no limits; raw SQL): what the limits cost;
3. times ``messages_analyse`` one message at a time on ``--store`` of them (the whole store
   path: the pipeline, then the stored duplicate search and the writes), its ``_store`` part
   and the duplicate search inside it, and the same in one batch.

    .venv/bin/python bench/nlp_duplicates.py --messages 100000 --queries 1000 --store 200

Needs PostgreSQL (OTKLIK_BENCH_PG); drops the database afterwards unless ``--keep``;
``--database URL`` measures an already filled one (made with ``--keep``); ``--explain`` prints
the plans of the search's queries for one message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._pg import otklik, otklik_env, percentile, throwaway_database

NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
MESSAGE_COLUMNS = [
    "created_at",
    "updated_at",
    "channel_id",
    "kind_id",
    "external_id",
    "received_at",
    "raw",
    "text",
    "sector_id",
    "topic_id",
    "municipality_id",
    "city_district_id",
    "address",
    "latitude",
    "longitude",
]
ANALYSIS_COLUMNS = [
    "message_id",
    "analysed_at",
    "versions",
    "result",
    "sector_code",
    "sector_confidence",
    "topic_code",
    "topic_confidence",
    "triage",
    "sentiment",
    "urgency",
    "conflict",
    "has_conflict",
    "lemmas",
    "address_key",
    "applied",
]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _stats(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50):7.2f}  p95 {percentile(values, 95):7.2f}  "
        f"p99 {percentile(values, 99):7.2f}  max {max(values):7.2f}  "
        f"mean {statistics.fmean(values):7.2f}"
    )


def _lemmas(texts: list[str]) -> list[list[str]]:
    """The lemmas ``messages_analyse`` stores (see services._analyse_texts)."""
    from otklik.nlp.features import lemma_tokens
    from otklik.nlp.stages.base import Doc
    from otklik.nlp.stages.normalise import NormaliseStage
    from otklik.nlp.stages.signals import ToneUrgencyStage

    out = []
    normalise, tone = NormaliseStage(), ToneUrgencyStage()
    for start in range(0, len(texts), 2000):
        docs = [Doc(text=t) for t in texts[start : start + 2000]]
        normalise.process(docs)
        tone.process(docs)
        for doc in docs:
            lemmas = doc.facts.get("lemmas") or lemma_tokens(doc.analysed)
            out.append([lm for lm in lemmas if len(lm) > 2][:400])
    return out


def _copy(conn, table: str, columns: list[str], rows) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def fill(url: str, n: int, queries: int, days: int, seed: int) -> None:
    """N stored (analysed, indexed) messages and ``queries`` newer ones (not analysed)."""
    import psycopg
    from django.utils import timezone

    from otklik.demo.stream import demo_stream
    from otklik.directory.models import Channel, CityDistrict, InputKind, Municipality, Topic
    from otklik.nlp.models import MessageBand
    from otklik.nlp.stages.duplicates import address_key, band_hashes, shingles

    t0 = time.perf_counter()
    topics = {t.code: t for t in Topic.objects.select_related("sector")}
    stream = demo_stream(
        count=n + queries,
        days=days,
        now=NOW,
        seed=seed,
        topics={code: t.sector.code for code, t in topics.items()},
    )
    stream.sort(key=lambda m: m.received_at)
    lemmas = _lemmas([m.text for m in stream])
    t_text = time.perf_counter() - t0

    # the band keys carry the message's municipality (since nlp 0002)
    band_area = any(f.name == "municipality" for f in MessageBand._meta.fields)
    t0 = time.perf_counter()
    channels = {c.code: c.pk for c in Channel.objects.all()}
    kinds = {k.code: k.pk for k in InputKind.objects.all()}
    munis = {m.okato: m.pk for m in Municipality.objects.all()}
    districts = {d.okato: d.pk for d in CityDistrict.objects.all()}
    now = timezone.now()
    with psycopg.connect(url) as conn:
        _copy(
            conn,
            "intake_message",
            MESSAGE_COLUMNS,
            (
                (
                    now,
                    now,
                    channels[m.channel],
                    kinds[m.kind],
                    f"bench-{i}",
                    m.received_at,
                    json.dumps({"bench": True, "i": i}),
                    m.text,
                    topics[m.topic].sector_id,
                    topics[m.topic].pk,
                    munis[m.municipality],
                    districts.get(m.city_district) if m.city_district else None,
                    m.address[:255],
                    round(m.latitude, 5) if m.latitude is not None else None,
                    round(m.longitude, 5) if m.longitude is not None else None,
                )
                for i, m in enumerate(stream)
            ),
        )
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM intake_message WHERE raw ? 'bench' ORDER BY (raw->>'i')::int"
            )
        ]
        n_bands = 0

        def analyses():
            for i in range(n):
                m, lm = stream[i], lemmas[i]
                result = {
                    "sector": m.sector,
                    "topic": m.topic,
                    "triage": False,
                    "municipality": m.municipality,
                    "address": m.address,
                    "sentiment": "negative",
                    "urgency": "medium",
                    "text_masked": m.text,
                    "duplicate_of": None,
                }
                yield (
                    ids[i],
                    now,
                    json.dumps({"classify": "builtin", "duplicates": "stored-1"}),
                    json.dumps(result, ensure_ascii=False),
                    m.sector,
                    0.9,
                    m.topic,
                    0.6,
                    False,
                    "negative",
                    "medium",
                    "[]",
                    False,
                    " ".join(lm),
                    address_key(m.address)[:255],
                    "[]",
                )

        def bands():
            nonlocal n_bands
            for i in range(n):
                grams = shingles(lemmas[i])
                if len(grams) >= 3:
                    area = (munis[stream[i].municipality],) if band_area else ()
                    for b in band_hashes(grams):
                        n_bands += 1
                        yield (ids[i], b, stream[i].received_at, *area)

        _copy(
            conn,
            "nlp_messageanalysis",
            ANALYSIS_COLUMNS,
            analyses(),
        )
        band_columns = ["message_id", "band", "received_at"]
        if band_area:
            band_columns.append("municipality_id")
        _copy(conn, "nlp_messageband", band_columns, bands())
        conn.commit()
        conn.autocommit = True
        for table in ("intake_message", "nlp_messageanalysis", "nlp_messageband"):
            conn.execute(f"VACUUM ANALYZE {table}")
        size = conn.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('nlp_messageband')), "
            "pg_size_pretty(pg_total_relation_size('nlp_messageanalysis'))"
        ).fetchone()
    print(
        f"filled {n} analysed messages ({n_bands} band keys; nlp_messageband {size[0]}, "
        f"nlp_messageanalysis {size[1]}) + {queries} new ones over {days} days: texts and "
        f"lemmas {t_text:.0f} s, database {time.perf_counter() - t0:.0f} s"
    )


# ------------------------------------------------------------------------------ measure
def _query_messages(queries: int):
    from otklik.intake.models import Message
    from otklik.nlp.models import MessageAnalysis

    msgs = list(
        Message.objects.filter(raw__has_key="bench")
        .exclude(pk__in=MessageAnalysis.objects.values("message_id"))
        .select_related("sector")
        .order_by("received_at", "pk")[:queries]
    )
    return msgs, _lemmas([m.text for m in msgs])


class _SqlLog:
    """Django's execute wrapper: every statement run inside, with its time and rows."""

    def __init__(self):
        self.entries: list[tuple[str, list, float, int]] = []

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        result = execute(sql, params, many, context)
        rows = context["cursor"].rowcount
        self.entries.append((sql, params, (time.perf_counter() - t) * 1000, rows))
        return result


def _step(sql: str) -> str:
    if "nlp_messageband" in sql:
        return "band keys → candidate ids"
    if '"address_key" =' in sql:
        return "same address → candidate ids"
    return "candidates' analyses (lemmas, area)"


EXHAUSTIVE = """
WITH c AS (
  SELECT b.message_id FROM nlp_messageband b WHERE b.band = ANY(%(bands)s)
    AND b.received_at >= %(since)s AND b.received_at <= %(until)s
  UNION
  SELECT a.message_id FROM nlp_messageanalysis a WHERE %(addr)s <> '' AND a.address_key = %(addr)s
)
SELECT a.message_id, a.lemmas, a.address_key, a.sector_code, m.municipality_id, m.city_district_id
FROM c JOIN intake_message m ON m.id = c.message_id
  JOIN nlp_messageanalysis a ON a.message_id = m.id
WHERE m.id <> %(pk)s AND m.municipality_id IS NOT DISTINCT FROM %(muni)s
  AND m.received_at >= %(since)s AND m.received_at <= %(until)s
"""


def _exhaustive(message, lemmas, sector):
    """The best match among *all* messages of the area in the window that share a band key or
    the address (no limits, raw SQL independent of the code measured): what the search would
    answer if it weighed every candidate. Returns (answer, number of candidates)."""
    from django.db import connection

    from otklik.nlp.services import duplicates as S

    grams = S.shingles(lemmas)
    if len(grams) < 3:
        return None, 0
    since = message.received_at - dt.timedelta(days=S.DUPLICATE_WINDOW_DAYS)
    addr = S.address_key(message.address or "")
    with connection.cursor() as cur:
        cur.execute(
            EXHAUSTIVE,
            {
                "bands": S.band_hashes(grams),
                "since": since,
                "until": message.received_at,
                "addr": addr,
                "pk": message.pk,
                "muni": message.municipality_id,
            },
        )
        rows = cur.fetchall()
    text = " ".join(lemmas)
    area = (message.municipality_id, message.city_district_id)
    best = None
    for pk, other, other_addr, other_sector, muni, district in rows:
        if not S.same_area(area, (muni, district)):
            continue
        sim = S.similarity(text, addr, sector, other, other_addr, other_sector or None)
        if sim is not None and (best is None or sim > best[0] or (sim == best[0] and pk < best[1])):
            best = (sim, pk)
    if best is None or best[0] < S.DUPLICATE_OFFER:
        return None, len(rows)
    return {"message": best[1], "similarity": round(best[0], 3)}, len(rows)


def _explain(entries) -> None:
    """EXPLAIN ANALYZE of the statements one search ran."""
    from django.db import connection

    for sql, params, _, _ in entries:
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(r[0] for r in cur.fetchall()))
        print()


def measure(queries: int, store: int, explain: bool) -> None:
    from django.db import connection

    from otklik.nlp.services import analysis as S

    print(_load())
    msgs, lemmas = _query_messages(queries)
    sectors = [m.sector.code if m.sector else None for m in msgs]
    for i in range(min(20, len(msgs))):  # warm the caches and the connection
        S.stored_duplicate(msgs[i], lemmas[i], sectors[i])

    # 1. the search as the store path calls it, each statement timed apart
    times, results = [], []
    steps: dict[str, list[tuple[float, int]]] = {}
    shown = not explain
    for m, lm, s in zip(msgs, lemmas, sectors, strict=True):
        log = _SqlLog()
        with connection.execute_wrapper(log):
            t = time.perf_counter()
            d = S.stored_duplicate(m, lm, s)
            times.append((time.perf_counter() - t) * 1000)
        results.append(d)
        for sql, _, ms, rows in log.entries:
            steps.setdefault(_step(sql), []).append((ms, rows))
        if not shown and m.address and len(log.entries) == 3:
            print("plans of one search (a message with an address):")
            _explain(log.entries)
            shown = True
    found = sum(d is not None for d in results)
    merged = sum(bool(d and d["merge"]) for d in results)
    print(f"\nstored_duplicate over {len(msgs)} new messages (ms): {_stats(times)}")
    print(f"  found a near-duplicate: {found} ({merged} to merge, {found - merged} to offer)")
    for k, v in steps.items():
        ms = [x[0] for x in v]
        rows = [x[1] for x in v]
        print(
            f"  {k:36s} n={len(v):5d} ms {_stats(ms)}\n"
            f"  {'':36s} rows: median {statistics.median(rows):.0f}, p95 "
            f"{percentile(rows, 95):.0f}, max {max(rows)}"
        )

    # 2. against every candidate of the area (no limits): what the limits cost
    cands, differ, missed = [], 0, 0
    for m, lm, s, d in zip(msgs, lemmas, sectors, results, strict=True):
        full, n_ids = _exhaustive(m, lm, s)
        cands.append(n_ids)
        if (full and full["message"]) != (d and d["message"]):
            differ += 1
            missed += d is None
    print(
        f"  exhaustive search (every candidate of the area, no limits): candidates median "
        f"{statistics.median(cands):.0f}, p95 {percentile(cands, 95):.0f}, max {max(cands)}; "
        f"another answer on {differ} of {len(msgs)} messages ({missed} found nothing)"
    )

    # 3. the whole store path
    rest = msgs[max(0, len(msgs) - store - 1) :] if store else []
    if rest:
        inner: dict[str, list[float]] = {"_store": [], "stored_duplicate": []}
        originals = {name: getattr(S, name) for name in inner}

        def timed(name):
            def wrapper(*a, **kw):
                t = time.perf_counter()
                try:
                    return originals[name](*a, **kw)
                finally:
                    inner[name].append((time.perf_counter() - t) * 1000)

            return wrapper

        S.messages_analyse(messages=[rest[0]])  # builds the pipeline once (not counted)
        for name in inner:
            setattr(S, name, timed(name))
        try:
            total = []
            for m in rest[1:]:
                t = time.perf_counter()
                S.messages_analyse(messages=[m])
                total.append((time.perf_counter() - t) * 1000)
            print(f"\nmessages_analyse one message at a time, {len(total)} messages (ms):")
            print(f"  whole call          {_stats(total)}")
            print(f"  _store              {_stats(inner['_store'])}")
            print(f"  stored_duplicate   {_stats(inner['stored_duplicate'])}")
            for v in inner.values():
                v.clear()
            t = time.perf_counter()
            S.messages_analyse(messages=rest[1:])  # again, as re-processing would
            batch = (time.perf_counter() - t) * 1000 / len(rest[1:])
            print(
                f"  the same {len(rest) - 1} again in one batch: {batch:.1f} ms a message "
                f"(_store p50 {percentile(inner['_store'], 50):.1f} ms, stored_duplicate p50 "
                f"{percentile(inner['stored_duplicate'], 50):.1f} ms)"
            )
        finally:
            for name, fn in originals.items():
                setattr(S, name, fn)
    print("\n" + _load())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000, help="stored, analysed")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--queries", type=int, default=1000, help="new messages searched")
    parser.add_argument("--store", type=int, default=200, help="new messages stored (path)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database", help="reuse a filled database URL (skips the fill)")
    args = parser.parse_args()
    os.environ.update({"DJANGO_SETTINGS_MODULE": "otklik.settings", "OTKLIK_LOG_LEVEL": "WARNING"})
    if args.database:
        os.environ["OTKLIK_DATABASE_URL"] = args.database
        import django

        django.setup()
        measure(args.queries, args.store, args.explain)
        return
    print(_load())
    with throwaway_database(keep=args.keep) as url:
        otklik(otklik_env(url), "setup", "--skip-static")
        os.environ["OTKLIK_DATABASE_URL"] = url
        import django

        django.setup()
        fill(url, args.messages, args.queries, args.days, args.seed)
        measure(args.queries, args.store, args.explain)


if __name__ == "__main__":
    main()
