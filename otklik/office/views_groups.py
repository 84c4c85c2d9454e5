"""The pages of the working and expert groups: thin — parse, call a selector or a service,
render. The block's page shows its groups through ``block_section``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from otklik.approvals.choices import ApprovalState
from otklik.approvals.selectors import approval_panel
from otklik.core.permissions import Action, can
from otklik.core.views import require_action
from otklik.office import composition, forms, selectors, services_groups
from otklik.office.models import Block, GroupVersion
from otklik.office.views_common import attempt, form_errors, found, posted


def block_section(request: HttpRequest, block: Block) -> dict:
    """The block page's «Рабочие и экспертные группы» section (``office/_groups.html``)."""
    return {
        "groups": list(selectors.group_list(user=request.user, sector=block.sector)),
        "group_form": forms.GroupForm(with_kind=True)
        if can(request.user, Action.OFFICE_PREPARE, block)
        else None,
    }


@require_POST
@require_action(Action.OFFICE_PREPARE)
def group_create_view(request: HttpRequest, code: str) -> HttpResponse:
    block = found(selectors.block_get, user=request.user, code=code)
    form = forms.GroupForm(request.POST, with_kind=True)
    if not form.is_valid():
        messages.error(request, "Проверьте поля группы: " + form_errors(form))
        return redirect(reverse("office:block", args=[code]) + "#groups")
    d = form.cleaned_data
    group = attempt(
        request,
        lambda: services_groups.group_propose(
            actor=request.user,
            sector=block.sector,
            kind=d["kind"],
            name=d["name"],
            purpose=d["purpose"],
            members=d["members"],
        ),
        "Группа предложена, состав — черновик: направьте его на согласование.",
    )
    if group is None:
        return redirect(reverse("office:block", args=[code]) + "#groups")
    return redirect("office:group", pk=group.pk)


@require_GET
@require_action(Action.OFFICE_VIEW)
def group_version_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A version of a composition (the route's link): on its group's page."""
    version = GroupVersion.objects.filter(pk=pk).first()
    if version is None:
        raise Http404
    return redirect(reverse("office:group", args=[version.group_id]) + f"?version={version.number}")


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_VIEW)
def group_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A group: the composition in force, the versions, the version shown (``?version=``, else
    the latest) with what it changes and its route; a draft is edited here, an approved
    composition is changed by a new version."""
    group = found(selectors.group_get, user=request.user, pk=pk)
    rows = selectors.group_versions(group)
    latest = rows[-1]
    wanted = request.GET.get("version", "")
    shown = next((r for r in rows if str(r.version.number) == wanted), latest)
    members = selectors.group_members(shown.version)
    may_prepare = can(request.user, Action.OFFICE_PREPARE, group)
    verb = request.POST.get("verb", "") if request.method == "POST" else ""
    data = request.POST if verb else None
    first = latest.version.number == 1
    text = composition.to_text(selectors.group_members(latest.version))
    edit = forms.GroupForm(
        data if verb == "edit" else None,
        with_group=first,
        initial={
            "members": text,
            "name": group.name,
            "purpose": group.purpose,
        },
    )
    change = forms.GroupForm(
        data if verb == "change" else None,
        with_group=False,
        with_reason=True,
        initial={"members": text},
    )
    done = None
    if verb == "edit":
        done = posted(
            request,
            Action.OFFICE_PREPARE,
            edit,
            lambda d: services_groups.group_update(
                actor=request.user,
                version=latest.version,
                members=d["members"],
                name=d.get("name"),
                purpose=d.get("purpose"),
            ),
            "Состав сохранён.",
        )
    elif verb == "change":
        done = posted(
            request,
            Action.OFFICE_PREPARE,
            change,
            lambda d: services_groups.group_change_request(actor=request.user, group=group, **d),
            "Новая версия состава подготовлена: направьте её на согласование.",
        )
    elif verb:
        raise Http404
    if done is not None:
        return redirect("office:group", pk=group.pk)
    state = latest.approval.state if latest.approval else None
    return render(
        request,
        "office/group.html",
        {
            "group": group,
            "versions": rows,
            "shown": shown.version,
            "members": members,
            "diff": selectors.group_diff(shown.version),
            "panel": approval_panel(user=request.user, approval=shown.approval),
            "edit_form": edit
            if may_prepare and shown is latest and latest.approval and latest.approval.is_editable
            else None,
            "change_form": change if may_prepare and state == ApprovalState.APPROVED else None,
        },
    )
