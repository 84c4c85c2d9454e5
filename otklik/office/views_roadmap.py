"""The pages of the ЦУР's roadmap and of the synchronisation with the national projects: thin —
parse, call a selector or a service, render. The project's page shows its links through
``project_section``, the office's home page the overdue items through ``home_section``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from otklik.core.permissions import ACTION_LABELS, Action, can
from otklik.core.views import require_action
from otklik.office import forms_roadmap as forms
from otklik.office import selectors, selectors_roadmap, services_roadmap
from otklik.office.choices import ROADMAP_ACTIVE, ROADMAP_TRANSITIONS, RoadmapStatus
from otklik.office.services_risks import office_today
from otklik.office.views_common import attempt, form_errors, found, posted, require


def home_section(request: HttpRequest) -> dict:
    """The office's home page: the roadmap's overdue items, the user's own first."""
    late = selectors_roadmap.roadmap_overdue(user=request.user, today=office_today())
    return {
        "roadmap_late_mine": [i for i in late if i.owner_id == request.user.pk],
        "roadmap_late": [i for i in late if i.owner_id != request.user.pk],
    }


def _may_link(user, project) -> bool:
    return can(user, Action.ROADMAP_MANAGE) or can(user, Action.OFFICE_PREPARE, project)


def project_section(request: HttpRequest, project) -> dict:
    """The project page's «Связь с национальными проектами» section (``office/_links.html``)."""
    links = selectors_roadmap.project_links(project)
    form = None
    if _may_link(request.user, project):
        form = forms.LinksForm(
            initial={
                "programmes": links["programmes"],
                "national_indicators": [r.indicator for r in links["national"]],
            }
        )
    return {"links": links, "links_form": form}


@require_POST
@require_action(Action.OFFICE_VIEW)
def project_links_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = found(selectors.project_get, user=request.user, pk=pk)
    if not _may_link(request.user, project):  # the 403 page before the form is read
        require(request, Action.OFFICE_PREPARE)
        raise PermissionDenied(f"Недостаточно прав: «{ACTION_LABELS[Action.OFFICE_PREPARE]}».")
    form = forms.LinksForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Проверьте связи: " + form_errors(form))
    else:
        attempt(
            request,
            lambda: services_roadmap.project_links_set(
                actor=request.user, project=project, **form.cleaned_data
            ),
            "Связи проекта с национальными проектами сохранены.",
        )
    return redirect(reverse("office:project", args=[project.pk]) + "#links")


def _pk(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404
    return int(value)


def _filters(request: HttpRequest) -> dict:
    filters = forms.RoadmapFilterForm(request.GET or None)
    f = filters.cleaned_data if filters.is_valid() else {}
    owner = request.user if f.get("mine") else f.get("owner")
    return {
        "form": filters,
        "status": f.get("status") or "",
        "owner": owner,
        "overdue": bool(f.get("overdue")),
    }


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_VIEW)
def roadmap_view(request: HttpRequest) -> HttpResponse:
    """«Дорожная карта ЦУР»: the items by section (overdue in red), counters, filters; the
    executor adds an item."""
    today = office_today()
    may_manage = can(request.user, Action.ROADMAP_MANAGE)
    form = forms.RoadmapItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        created = posted(
            request,
            Action.ROADMAP_MANAGE,
            form,
            lambda d: services_roadmap.roadmap_item_create(actor=request.user, **d),
            "Пункт внесён в дорожную карту.",
        )
        if created is not None:
            return redirect("office:roadmap_item", pk=created.pk)
    f = _filters(request)
    every = selectors_roadmap.roadmap_list(user=request.user, today=today)
    shown = selectors_roadmap.roadmap_list(
        user=request.user, today=today, status=f["status"], owner=f["owner"], overdue=f["overdue"]
    )
    return render(
        request,
        "office/roadmap.html",
        {
            "filters": f["form"],
            "sections": selectors_roadmap.roadmap_sections(shown),
            "shown": len(shown),
            "counters": selectors_roadmap.roadmap_counters(every),
            "item_form": form if may_manage else None,
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_VIEW)
def roadmap_item_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An item: its card and history; the executor edits it, moves its state, marks it done
    with the evidence."""
    today = office_today()
    item = found(selectors_roadmap.roadmap_get, user=request.user, pk=pk, today=today)
    verb = request.POST.get("verb", "") if request.method == "POST" else ""
    data = request.POST if verb else None
    initial = {
        **{name: getattr(item, name) for name in services_roadmap.ITEM_FIELDS},
        "programmes": list(item.programmes.all()),
        "projects": list(item.projects.all()),
    }
    edit = forms.RoadmapItemForm(data if verb == "edit" else None, initial=initial, editing=True)
    status = forms.RoadmapStatusForm(
        data if verb == "status" else None,
        choices=[s for s in ROADMAP_TRANSITIONS.get(item.status, ()) if s != RoadmapStatus.DONE],
    )
    done_form = forms.RoadmapDoneForm(data if verb == "done" else None)
    done = None
    if verb == "edit":
        done = posted(
            request,
            Action.ROADMAP_MANAGE,
            edit,
            lambda d: services_roadmap.roadmap_item_update(actor=request.user, item=item, **d),
            "Пункт сохранён.",
        )
    elif verb == "status":
        done = posted(
            request,
            Action.ROADMAP_MANAGE,
            status,
            lambda d: services_roadmap.roadmap_item_status_set(actor=request.user, item=item, **d),
            "Состояние пункта изменено.",
        )
    elif verb == "done":
        done = posted(
            request,
            Action.ROADMAP_MANAGE,
            done_form,
            lambda d: services_roadmap.roadmap_item_done(actor=request.user, item=item, **d),
            "Пункт отмечен выполненным.",
        )
    elif verb:
        raise Http404
    if done is not None:
        return redirect("office:roadmap_item", pk=item.pk)
    may_manage = can(request.user, Action.ROADMAP_MANAGE)
    active = item.status in ROADMAP_ACTIVE
    return render(
        request,
        "office/roadmap_item.html",
        {
            "item": item,
            "history": list(selectors_roadmap.roadmap_history(item)),
            "edit_form": edit if may_manage and active else None,
            "status_form": status if may_manage and status.fields["status"].choices else None,
            "done_form": done_form if may_manage and active else None,
        },
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_VIEW)
def sync_view(request: HttpRequest) -> HttpResponse:
    """«Синхронизация с национальными проектами»: per programme its projects, indicators of the
    ЦУР, roadmap items and the plan/fact lag of its national indicators; the executor links a
    programme to national indicators, whoever keeps an indicator links it."""
    verb = request.POST.get("verb", "") if request.method == "POST" else ""
    if verb == "programme":
        programme = found(
            selectors_roadmap.programme_get, user=request.user, pk=_pk(request, "programme")
        )
        form = forms.ProgrammeIndicatorsForm(request.POST)
        posted(
            request,
            Action.ROADMAP_MANAGE,
            form,
            lambda d: services_roadmap.programme_indicators_set(
                actor=request.user, programme=programme, **d
            ),
            "Показатели программы сохранены.",
        )
        return redirect(reverse("office:sync") + f"#p{programme.pk}")
    if verb == "indicator":
        indicator = (
            selectors_roadmap.linkable_indicators(user=request.user)
            .filter(pk=_pk(request, "indicator"))
            .first()
        )
        if indicator is None:
            raise Http404
        form = forms.LinksForm(request.POST)
        if form.is_valid():
            attempt(
                request,
                lambda: services_roadmap.indicator_links_set(
                    actor=request.user, indicator=indicator, **form.cleaned_data
                ),
                "Связи показателя сохранены.",
            )
        return redirect(reverse("office:sync") + "#indicator-links")
    if verb:
        raise Http404
    rows = selectors_roadmap.sync_overview(user=request.user, today=office_today())
    may_manage = can(request.user, Action.ROADMAP_MANAGE)
    for r in rows:
        r.form = (
            forms.ProgrammeIndicatorsForm(
                initial={"national_indicators": [n.indicator for n in r.national]},
                auto_id=f"p{r.programme.pk}_%s",
            )
            if may_manage
            else None
        )
    indicators = list(selectors_roadmap.linkable_indicators(user=request.user))
    return render(
        request,
        "office/sync.html",
        {
            "rows": rows,
            "indicators": indicators,
            "indicator_form": forms.LinksForm(auto_id="ind_%s") if indicators else None,
        },
    )
