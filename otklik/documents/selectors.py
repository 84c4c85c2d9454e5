"""Reads of the registry, always through the user's scope: a role sees a registered document
iff it may see documents (``documents.view``, a sector lead its block) and may see the
document of its kind (the approval kind's ``view_action`` on the document's sector)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from otklik.approvals.registry import kinds
from otklik.core.exceptions import NotFound
from otklik.core.permissions import Action, visible_to
from otklik.documents.models import RegisteredAttachment, RegisteredDocument

LIST_FIELDS = ("pdf", "text")  # never read for a list


def visible_documents(qs: QuerySet[RegisteredDocument], user: Any) -> QuerySet[RegisteredDocument]:
    qs = visible_to(qs, user, Action.DOCUMENTS_VIEW)
    known = kinds()
    either = ~Q(kind__in=list(known))  # letters and other kinds without a route
    for code, kind in known.items():
        either |= Q(pk__in=visible_to(qs.filter(kind=code), user, kind.view_action).values("pk"))
    return qs.filter(either)


def document_list(*, user: Any, filters: dict | None = None) -> QuerySet[RegisteredDocument]:
    """The journal, newest first: ``filters`` sector (id), kind, date_from / date_to (local
    dates of registration), q (words in the number, title or text)."""
    f = filters or {}
    qs = RegisteredDocument.objects.defer(*LIST_FIELDS)
    if f.get("sector"):
        qs = qs.filter(sector_id=f["sector"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("date_from"):
        qs = qs.filter(registered_at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(registered_at__date__lte=f["date_to"])
    for word in (f.get("q") or "").split():
        qs = qs.filter(
            Q(number__icontains=word) | Q(title__icontains=word) | Q(text__icontains=word)
        )
    qs = visible_documents(qs, user)
    return qs.select_related("sector", "author").order_by("-registered_at", "-pk")


def document_get(*, user: Any, pk: int) -> RegisteredDocument:
    document = (
        visible_documents(RegisteredDocument.objects.filter(pk=pk), user)
        .select_related("sector", "author", "registered_by", "approval")
        .first()
    )
    if document is None:
        raise NotFound("Нет такого документа или он вне вашей зоны.")
    return document


def document_versions(*, user: Any, document: RegisteredDocument) -> list[RegisteredDocument]:
    """The other registered versions of the same document (its series), newest first."""
    if not document.series:
        return []
    qs = RegisteredDocument.objects.filter(kind=document.kind, series=document.series).exclude(
        pk=document.pk
    )
    return list(visible_documents(qs.defer(*LIST_FIELDS), user).order_by("-version", "-pk"))


def document_attachment(*, user: Any, document_pk: int, attachment_pk: int) -> RegisteredAttachment:
    document = document_get(user=user, pk=document_pk)
    found = document.attachments.filter(pk=attachment_pk).first()
    if found is None:
        raise NotFound("Нет такого приложения.")
    return found


def documents_by_ids(*, user: Any, ids: list[int]) -> list[RegisteredDocument]:
    """The chosen documents that the user may see (for an export), in journal order."""
    qs = RegisteredDocument.objects.filter(pk__in=ids).prefetch_related("attachments", "signatures")
    return list(visible_documents(qs, user).order_by("registered_at", "pk"))
