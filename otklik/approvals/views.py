"""The route's pages: «На согласовании у меня» and the verbs posted from any document's page
(submit, agree / approve, return, comment). Thin: parse, call a service, go back to
the document."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from otklik.accounts.identity import identity_confirm
from otklik.approvals import selectors, services
from otklik.approvals.choices import Decision
from otklik.approvals.models import Approval
from otklik.approvals.registry import kind_get, kinds
from otklik.approvals.services import signs_now
from otklik.core.exceptions import ApplicationError
from otklik.core.views import access_denied_as_403
from otklik.directory.calendar import calendar_from_db


@require_GET
@login_required
@access_denied_as_403
def inbox_view(request: HttpRequest) -> HttpResponse:
    today = calendar_from_db().local_date(timezone.now())
    rows = list(selectors.approval_inbox(user=request.user))
    known = kinds()
    return render(
        request,
        "approvals/inbox.html",
        {
            "rows": [(a, known[a.kind]) for a in rows if a.kind in known],
            "rework": [
                (a, known[a.kind])
                for a in selectors.approval_rework(user=request.user)[:100]
                if a.kind in known
            ],
            "today": today,
        },
    )


def _visible(request: HttpRequest, pk: int) -> tuple[Approval, Any]:
    approval = Approval.objects.filter(pk=pk).first()
    if approval is None:
        raise Http404
    kind = kind_get(approval.kind)
    seen = selectors.visible_approvals(Approval.objects.filter(pk=pk), request.user).exists()
    if not seen:
        raise Http404
    return approval, kind


@require_POST
@login_required
@access_denied_as_403
def verb_view(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    approval, kind = _visible(request, pk)
    text = request.POST.get("text", "")
    try:
        if verb == "submit":
            services.approval_submit(actor=request.user, approval=approval, text=text)
            done = "Документ направлен на согласование."
        elif verb in (Decision.AGREE, Decision.APPROVE, Decision.RETURN):
            confirmation = ""
            if verb == Decision.APPROVE and signs_now(request.user, approval):
                confirmation = identity_confirm(
                    user=request.user,
                    password=request.POST.get("password", ""),
                    otp_token=request.POST.get("otp_token", ""),
                    request=request,
                )
            services.approval_decide(
                actor=request.user,
                approval=approval,
                decision=verb,
                text=text,
                confirmation=confirmation,
            )
            done = {
                Decision.AGREE: "Документ согласован.",
                Decision.APPROVE: "Документ утверждён.",
                Decision.RETURN: "Документ возвращён на доработку.",
            }[verb]
        elif verb == "comment":
            services.approval_comment(actor=request.user, approval=approval, text=text)
            done = "Замечание записано."
        else:
            raise Http404
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(kind.url(approval))


@require_GET
@login_required
@access_denied_as_403
def open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The document of an approval, on its owner's page."""
    approval, kind = _visible(request, pk)
    return redirect(kind.url(approval))
