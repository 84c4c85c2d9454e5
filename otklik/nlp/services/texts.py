"""Personal data masked once and kept: the ``text_masked`` column of messages and answers."""

from __future__ import annotations

from django.db.models import Case as DbCase
from django.db.models import QuerySet, Value, When

MASK_CHUNK = 200  # texts masked and stored per statement


def texts_mask_store(*, rows: QuerySet) -> dict[int, str]:
    """Mask the ``text`` of the rows of ``rows`` (messages or answers) whose ``text_masked`` is
    still empty, store it, and return it by primary key: each text is masked once and kept, not
    per read nor per process. A row masked meanwhile by someone else keeps that text."""
    from otklik.nlp.masking import mask_many

    missing = list(rows.filter(text_masked="").exclude(text="").values_list("pk", "text"))
    done: dict[int, str] = {}
    for i in range(0, len(missing), MASK_CHUNK):
        chunk = missing[i : i + MASK_CHUNK]
        masked = mask_many([text or "" for _, text in chunk])
        values = dict(zip((pk for pk, _ in chunk), masked, strict=True))
        rows.model.objects.filter(pk__in=list(values), text_masked="").update(
            text_masked=DbCase(*(When(pk=pk, then=Value(m)) for pk, m in values.items()))
        )
        done.update(values)
    return done
