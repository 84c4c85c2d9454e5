"""Writes of the ЦУР's roadmap and of its synchronisation with the national projects:
keyword-only, transactional, audited; each change of a roadmap item also leaves a line of its
history (``RoadmapEvent``) in the same transaction (split from ``services`` by concern, as
``services_risks``).

Rights (docs/permissions.md): the roadmap and the programmes' catalogue are the responsible
executor's (``roadmap.manage``); everybody who reads the office sees them. A project's links to
the programmes and to the indicators of national projects are set by whoever prepares the
project's passport (``office.prepare``: its block's lead, the head) or by the executor; an
indicator's by whoever keeps it (``indicator.manage``) or by the executor. The links live on the
project, not in its passport: an approved passport version stays as it was approved.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check, can
from otklik.directory.calendar import calendar_from_db
from otklik.directory.models import Organization, Sector
from otklik.office import roadmap
from otklik.office.choices import ROADMAP_TRANSITIONS, ProgrammeKind, RoadmapStatus
from otklik.office.models import (
    Indicator,
    Programme,
    Project,
    RoadmapEvent,
    RoadmapItem,
)
from otklik.office.services import _user
from otklik.office.services_risks import _check_due, _check_person, office_today
from otklik.problems.models import ProjectIndicator

PROGRAMMES_FILE = Path(__file__).resolve().parent / "data" / "programmes.toml"
ITEM_FIELDS = ("section", "title", "description", "owner", "organization", "due")


# --------------------------------------------------------------------------- programmes
@dataclass
class ProgrammesReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    linked: int = 0  # indicators of national projects newly linked by their project's name


def _programme_values(entry: dict, where: str, order: int) -> dict:
    try:
        name, kind = entry["name"], entry["kind"]
    except KeyError as exc:
        raise ApplicationError(f"{where}: нет поля {exc}.") from None
    if kind not in ProgrammeKind.values:
        raise ApplicationError(
            f"{where}: вид «{kind}» — один из {', '.join(ProgrammeKind.values)}."
        )
    return {"name": name, "kind": kind, "description": entry.get("description", ""), "order": order}


@transaction.atomic
def programmes_load(*, actor: Any, path: Path = PROGRAMMES_FILE) -> ProgrammesReport:
    """The catalogue of programmes from a TOML file: upserted by code, all or nothing; each
    linked to its blocks and to the imported indicators whose project bears one of its names
    (links are only added: those made by hand stay). ``actor`` None: the administrator's
    command (``otklik setup``, ``otklik office programmes-load``). A second load of the same
    file changes nothing and records nothing."""
    if actor is not None:
        access_check(actor, Action.ROADMAP_MANAGE)
    try:
        entries = tomllib.loads(path.read_text("utf-8")).get("programme", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ApplicationError(f"{path.name}: файл не читается ({exc}).") from exc
    sectors = {s.code: s for s in Sector.objects.all()}
    codes = {e.get("code") for e in entries}
    report = ProgrammesReport()
    loaded: dict[str, Programme] = {}
    for i, entry in enumerate(entries, 1):
        where = f"{path.name}, программа {i} ({entry.get('code', '?')})"
        code = entry.get("code")
        if not code:
            raise ApplicationError(f"{where}: нет поля 'code'.")
        values = _programme_values(entry, where, i)
        parent = entry.get("parent", "")
        if parent and parent not in loaded:
            known = "" if parent in codes else " (нет в файле)"
            raise ApplicationError(f"{where}: «{parent}» должна быть выше по файлу{known}.")
        values["parent"] = loaded.get(parent)
        unknown = [c for c in entry.get("sectors", []) if c not in sectors]
        if unknown:
            raise ApplicationError(f"{where}: неизвестный блок «{unknown[0]}».")
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            programme = Programme.objects.create(code=code, **values)
            report.created.append(code)
        elif any(getattr(programme, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(programme, k, v)
            programme.save()
            report.updated.append(code)
        loaded[code] = programme
        have = set(programme.sectors.values_list("code", flat=True))
        if set(entry.get("sectors", [])) - have:
            programme.sectors.add(*[sectors[c] for c in entry.get("sectors", []) if c not in have])
            if code not in report.created and code not in report.updated:
                report.updated.append(code)
        report.linked += _link_by_name(programme, entry.get("matches", [programme.name]))
    if report.created or report.updated or report.linked:
        audit_log(
            actor=actor,
            action="office.programmes_load",
            data={
                "file": path.name,
                "created": len(report.created),
                "updated": len(report.updated),
                "linked": report.linked,
            },
        )
    return report


def _link_by_name(programme: Programme, names: Iterable[str]) -> int:
    """Link the imported indicators whose project is one of ``names`` (case aside); returns
    how many were newly linked."""
    wanted = {n.strip().casefold() for n in names if n.strip()}
    have = set(programme.national_indicators.values_list("pk", flat=True))
    new = [
        pk
        for pk, project in ProjectIndicator.objects.values_list("pk", "project")
        if project.strip().casefold() in wanted and pk not in have
    ]
    programme.national_indicators.add(*new)
    return len(new)


def _codes(rows: Iterable) -> list[str]:
    return sorted(r.code for r in rows)


def _set_links(obj: Any, programmes: Iterable[Programme], indicators: Iterable) -> dict:
    """Set ``obj``'s programmes and national indicators; the codes added and removed."""
    changes = {}
    for name, new in (("programmes", list(programmes)), ("national_indicators", list(indicators))):
        manager = getattr(obj, name)
        old = list(manager.all())
        added = _codes(set(new) - set(old))
        removed = _codes(set(old) - set(new))
        if added or removed:
            manager.set(new)
            changes[name] = {"added": added, "removed": removed}
    return changes


def _links_set(actor: Any, obj: Any, action: Action, programmes, indicators) -> dict:
    """Set the links of a project or an indicator: by whoever holds ``action`` over it, or by
    the responsible executor; audited as ``office.<model>_links`` when something changed."""
    if not can(actor, Action.ROADMAP_MANAGE):
        access_check(actor, action, obj)
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    changes = _set_links(obj, programmes, indicators)
    if changes:
        audit_log(
            actor=actor, action=f"office.{obj._meta.model_name}_links", target=obj, data=changes
        )
    return changes


@transaction.atomic
def project_links_set(
    *,
    actor: Any,
    project: Project,
    programmes: Iterable[Programme],
    national_indicators: Iterable[ProjectIndicator] = (),
) -> dict:
    """A project's links to the programmes and to the indicators of national projects (set as
    given). By whoever prepares its passport, or by the responsible executor; the passport's
    versions are not touched. Returns what changed (nothing changed, nothing recorded)."""
    return _links_set(actor, project, Action.OFFICE_PREPARE, programmes, national_indicators)


@transaction.atomic
def indicator_links_set(
    *,
    actor: Any,
    indicator: Indicator,
    programmes: Iterable[Programme],
    national_indicators: Iterable[ProjectIndicator] = (),
) -> dict:
    """An indicator of the ЦУР linked to the programmes and to the indicators of national
    projects (by whoever keeps it, or by the responsible executor)."""
    return _links_set(actor, indicator, Action.INDICATOR_MANAGE, programmes, national_indicators)


@transaction.atomic
def programme_indicators_set(
    *, actor: Any, programme: Programme, national_indicators: Iterable[ProjectIndicator]
) -> dict:
    """The indicators of national projects a programme is followed by (the executor's)."""
    access_check(actor, Action.ROADMAP_MANAGE)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    new, old = set(national_indicators), set(programme.national_indicators.all())
    changes = {}
    if new != old:
        programme.national_indicators.set(new)
        changes = {"added": _codes(new - old), "removed": _codes(old - new)}
        audit_log(actor=actor, action="office.programme_links", target=programme, data=changes)
    return changes


# --------------------------------------------------------------------------- roadmap
def _history(item: RoadmapItem, actor: Any, kind: str, text: str) -> None:
    RoadmapEvent.objects.create(
        item=item, at=timezone.now(), actor=_user(actor), kind=kind, text=text
    )


def _check_item_values(section: str, title: str, organization: Organization | None) -> None:
    if not section.strip():
        raise ApplicationError("Укажите раздел дорожной карты.")
    if not title.strip():
        raise ApplicationError("Сформулируйте мероприятие.")
    if (
        organization is not None
        and organization.valid_to
        and organization.valid_to < office_today()
    ):
        raise ApplicationError(f"Организация «{organization.short_name}» не действует.")


@transaction.atomic
def roadmap_item_create(
    *,
    actor: Any,
    section: str,
    title: str,
    owner: Any,
    due: dt.date,
    description: str = "",
    organization: Organization | None = None,
    number: int | None = None,
    programmes: Iterable[Programme] = (),
    projects: Iterable[Project] = (),
) -> RoadmapItem:
    """A new item of the roadmap, planned; numbered after the last unless ``number`` is given."""
    access_check(actor, Action.ROADMAP_MANAGE)
    _check_item_values(section, title, organization)
    _check_person(owner, "Ответственный")
    _check_due(due, "срок")
    if number is None:
        number = (RoadmapItem.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    elif number < 1 or RoadmapItem.objects.filter(number=number).exists():
        raise ApplicationError(f"Пункт № {number} уже есть в дорожной карте (или номер не > 0).")
    item = RoadmapItem.objects.create(
        number=number,
        section=section.strip(),
        title=title.strip(),
        description=description.strip(),
        owner=owner,
        organization=organization,
        due=due,
        created_by=_user(actor),
    )
    item.programmes.set(programmes)
    item.projects.set(projects)
    _history(item, actor, "created", f"Внесён в дорожную карту, срок {due:%d.%m.%Y}.")
    audit_log(
        actor=actor,
        action="office.roadmap_create",
        target=item,
        data={"number": number, "owner": owner.pk, "due": due.isoformat()},
    )
    return item


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if name == "owner":
        return value.get_full_name() or value.username
    return str(value)


@transaction.atomic
def roadmap_item_update(
    *,
    actor: Any,
    item: RoadmapItem,
    programmes: Iterable[Programme] | None = None,
    projects: Iterable[Project] | None = None,
    **values: Any,
) -> RoadmapItem:
    """Change what is known of an item not done nor cancelled (the fields given, from
    ``ITEM_FIELDS``; ``organization`` may be set to None). Records what changed."""
    access_check(actor, Action.ROADMAP_MANAGE)
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise ApplicationError(f"Нет таких полей пункта: {', '.join(sorted(unknown))}.")
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in (RoadmapStatus.PLANNED, RoadmapStatus.IN_WORK):
        raise ApplicationError(
            f"Пункт «{item.get_status_display().lower()}»: верните его в работу, чтобы изменить."
        )
    for text in ("section", "title", "description"):
        if values.get(text) is not None:
            values[text] = values[text].strip()
    changed = {
        name: values[name]
        for name in ITEM_FIELDS  # in the card's order, whatever the order of the arguments
        if name in values
        and (values[name] is not None or name == "organization")
        and values[name] != getattr(item, name)
    }
    _check_item_values(
        changed.get("section", item.section),
        changed.get("title", item.title),
        changed.get("organization"),
    )
    if "owner" in changed:
        _check_person(changed["owner"], "Ответственный")
    if "due" in changed:
        _check_due(changed["due"], "срок")
    lines = [
        f"{RoadmapItem._meta.get_field(name).verbose_name}: {_shown(name, getattr(item, name))} → "
        f"{_shown(name, value)}"
        for name, value in changed.items()
    ]
    for name, value in changed.items():
        setattr(item, name, value)
    links = {}
    for name, new in (("programmes", programmes), ("projects", projects)):
        if new is None:
            continue
        manager = getattr(item, name)
        new, old = set(new), set(manager.all())
        if new != old:
            manager.set(new)
            links[name] = sorted(str(x.code) for x in new)
            label = RoadmapItem._meta.get_field(name).verbose_name
            lines.append(f"{label}: {', '.join(links[name]) or '—'}")
    if not lines:
        return item
    if "due" in changed:
        item.reminded_on = None  # a new deadline: a new reminder on its day
    item.save()
    _history(item, actor, "updated", "; ".join(lines))
    audit_log(
        actor=actor,
        action="office.roadmap_update",
        target=item,
        data={"fields": sorted(changed) + sorted(links)},
    )
    return item


@transaction.atomic
def roadmap_item_status_set(
    *, actor: Any, item: RoadmapItem, status: str, reason: str = ""
) -> RoadmapItem:
    """Move an item along ``ROADMAP_TRANSITIONS``: in work, back to planned, cancelled, taken
    back into work; cancelling and taking a done item back need a reason. «Выполнен» is
    ``roadmap_item_done``, with the evidence."""
    access_check(actor, Action.ROADMAP_MANAGE)
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    if status == RoadmapStatus.DONE and item.status in (
        RoadmapStatus.PLANNED,
        RoadmapStatus.IN_WORK,
    ):
        raise ApplicationError("Выполнение отмечается с подтверждением (документ или ссылка).")
    if status not in ROADMAP_TRANSITIONS.get(item.status, frozenset()):
        label = RoadmapStatus(status).label if status in RoadmapStatus.values else status
        raise ApplicationError(
            f"Пункт «{item.get_status_display()}»: перевести в «{label}» нельзя."
        )
    reason = reason.strip()
    if not reason and (status == RoadmapStatus.CANCELLED or item.status == RoadmapStatus.DONE):
        raise ApplicationError("Укажите основание.")
    was = item.status
    item.status = status
    if was == RoadmapStatus.DONE:
        item.done_on = item.done_by = None
    item.save()
    text = f"{RoadmapStatus(was).label} → {RoadmapStatus(status).label}"
    _history(item, actor, "status", f"{text}. {reason}" if reason else text)
    audit_log(
        actor=actor,
        action="office.roadmap_status",
        target=item,
        data={"from": was, "to": status, "reason": reason},
    )
    return item


def _check_link(url: str) -> str:
    url = url.strip()
    if url and not url.startswith(("https://", "http://", "/")):
        raise ApplicationError(
            "Ссылка: адрес документа (https://…) или страницы платформы (/office/…)."
        )
    return url


@transaction.atomic
def roadmap_item_done(
    *,
    actor: Any,
    item: RoadmapItem,
    evidence: str = "",
    evidence_url: str = "",
    done_on: dt.date | None = None,
) -> RoadmapItem:
    """Mark an item done with its evidence: what confirms it (a document's details) and/or a
    link to it (a document in the region's systems, or a page of the platform: an approved
    passport, a published assessment)."""
    access_check(actor, Action.ROADMAP_MANAGE)
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in (RoadmapStatus.PLANNED, RoadmapStatus.IN_WORK):
        raise ApplicationError(f"Пункт «{item.get_status_display()}»: отметить исполнение нельзя.")
    evidence, evidence_url = evidence.strip(), _check_link(evidence_url)
    if not evidence and not evidence_url:
        raise ApplicationError(
            "Чем подтверждается исполнение? Укажите документ (реквизиты) или ссылку на него."
        )
    today = office_today()
    done_on = done_on or today
    if done_on > today:
        raise ApplicationError("Дата исполнения не может быть позже сегодняшней.")
    item.status, item.done_on, item.done_by = RoadmapStatus.DONE, done_on, _user(actor)
    item.evidence, item.evidence_url = evidence, evidence_url
    item.save()
    late = done_on > roadmap.deadline(calendar_from_db(), item.due)
    text = f"Выполнен {done_on:%d.%m.%Y}{' (с опозданием)' if late else ''}: " + (
        " ".join(filter(None, [evidence, evidence_url]))
    )
    _history(item, actor, "done", text)
    audit_log(
        actor=actor,
        action="office.roadmap_done",
        target=item,
        data={"done_on": done_on.isoformat(), "late": late},
    )
    return item


@dataclass
class RoadmapSweep:
    reminded: int = 0


def roadmap_sweep(*, now: dt.datetime | None = None) -> RoadmapSweep:
    """Remind the owner of an item on the working day it is due (``office.roadmap``), once per
    deadline (claimed by a conditional UPDATE, so two sweeps at once do not both send)."""
    calendar = calendar_from_db()
    today = calendar.local_date(now or timezone.now())
    result = RoadmapSweep()
    waiting = RoadmapItem.objects.filter(
        status__in=[RoadmapStatus.PLANNED, RoadmapStatus.IN_WORK],
        due__lte=today,
        reminded_on__isnull=True,
    ).values_list("pk", "due", "status")
    for pk, due, status in list(waiting):
        if not roadmap.is_due_today(calendar, due=due, status=status, today=today):
            continue
        with transaction.atomic():
            if not RoadmapItem.objects.filter(pk=pk, reminded_on__isnull=True).update(
                reminded_on=today
            ):
                continue
            item = RoadmapItem.objects.select_related("owner").get(pk=pk)
            _history(
                item, None, "reminded", f"Напоминание ответственному: срок — {today:%d.%m.%Y}."
            )
            audit_log(actor=None, action="office.roadmap_remind", target=item, data={})
            _remind(item, today)
        result.reminded += 1
    return result


def _remind(item: RoadmapItem, today: dt.date) -> None:
    email = item.owner.email if item.owner.is_active else ""
    if not email:
        return
    subject = f"Срок пункта дорожной карты ЦУР — сегодня: {item.number}. {item.title}"[:200]
    body = (
        f"Пункт {item.number} «{item.title}» дорожной карты ЦУР (раздел «{item.section}») "
        f"нужно выполнить сегодня, {today:%d.%m.%Y}. Отметьте исполнение с подтверждением."
    )

    def send() -> None:
        from django.core.mail import send_mail

        send_mail(subject, body, None, [email], fail_silently=True)

    transaction.on_commit(send)
