"""«Документы ЦУР»: the journal, a document's card, the downloads of the frozen PDF and its
attachments, and the export of a chosen set with a manifest. Thin: parse, read through the
selectors (the user's scope), answer. Nothing here changes a registered document."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from otklik.approvals.registry import kinds
from otklik.core.exceptions import ApplicationError, NotFound
from otklik.core.permissions import Action
from otklik.core.views import paginate, require_action
from otklik.documents import selectors
from otklik.documents.export import EXPORT_MAX, documents_export, file_response, ids_parse
from otklik.documents.filters import DocumentFilter
from otklik.documents.models import RegisteredDocument
from otklik.documents.registry import kind_label
from otklik.documents.signing import may_sign_qualified, signature_qualified_add


def _get(request: HttpRequest, pk: int) -> RegisteredDocument:
    try:
        return selectors.document_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@require_GET
@require_action(Action.DOCUMENTS_VIEW)
def document_list_view(request: HttpRequest) -> HttpResponse:
    filters = DocumentFilter(request.GET, request=request)
    page = paginate(request, filters.qs)
    return render(
        request,
        "documents/list.html",
        {
            "form": filters.form,
            "filter_error": filters.error_text(),
            "page_obj": page,
            "rows": [(d, kind_label(d.kind)) for d in page],
        },
    )


@require_GET
@require_action(Action.DOCUMENTS_VIEW)
def document_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get(request, pk)
    approval = document.approval
    route_kind = kinds().get(approval.kind) if approval else None
    return render(
        request,
        "documents/detail.html",
        {
            "d": document,
            "kind_label": kind_label(document.kind),
            "signatures": list(document.signatures.select_related("signer")),
            "attachments": list(document.attachments.defer("content")),
            "versions": selectors.document_versions(user=request.user, document=document),
            "approval": approval,
            "approval_url": route_kind.url(approval) if route_kind else "",
            "may_sign": may_sign_qualified(request.user, document),
        },
    )


@require_GET
@require_action(Action.DOCUMENTS_VIEW)
def document_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get(request, pk)
    return file_response(bytes(document.pdf), document.file_name, "application/pdf")


@require_GET
@require_action(Action.DOCUMENTS_VIEW)
def attachment_view(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    try:
        a = selectors.document_attachment(
            user=request.user, document_pk=pk, attachment_pk=attachment
        )
    except NotFound as exc:
        raise Http404 from exc
    return file_response(bytes(a.content), a.name, a.content_type or "application/octet-stream")


@require_POST
@require_action(Action.DOCUMENTS_VIEW)
def export_view(request: HttpRequest) -> HttpResponse:
    """The chosen documents (those of them the user may see) as a ZIP with a manifest."""
    ids = ids_parse(request.POST.getlist("ids"))
    documents = selectors.documents_by_ids(user=request.user, ids=ids[:EXPORT_MAX])
    if not documents:
        messages.error(request, "Отметьте документы для выгрузки.")
        return redirect("documents:list")
    data = documents_export(actor=request.user, documents=documents)
    name = f"documents-{timezone.localtime():%Y%m%d-%H%M}.zip"
    return file_response(data, name, "application/zip")


@require_GET
@require_action(Action.DOCUMENTS_VIEW)
def signature_file_view(request: HttpRequest, pk: int, signature: int) -> HttpResponse:
    """The detached CMS signature as it was uploaded (``<number>.pdf.sig``)."""
    document = _get(request, pk)
    s = document.signatures.filter(pk=signature, cms__isnull=False).first()
    if s is None:
        raise Http404
    name = f"{document.file_name}.{s.pk}.sig"
    return file_response(bytes(s.cms), name, "application/pkcs7-signature")


@require_POST
@require_action(Action.DOCUMENTS_VIEW)
def sign_qualified_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload of a detached qualified signature of the frozen PDF; checked, then kept."""
    document = _get(request, pk)
    upload = request.FILES.get("signature")
    if upload is None:
        messages.error(request, "Выберите файл подписи (.sig).")
        return redirect("documents:detail", pk=document.pk)
    try:
        signature_qualified_add(
            actor=request.user, document=document, signature=upload.read(2 * 1024 * 1024)
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Квалифицированная подпись проверена и добавлена к документу.")
    return redirect("documents:detail", pk=document.pk)
