"""Writes of the working and expert groups: keyword-only, transactional, audited (split from
``services`` by concern, as ``services_risks``).

A block's lead (for its block) or the head proposes a group with its composition; the
composition travels the route as kind ``group`` (the head agrees, the curator approves), like a
passport: a draft or a returned version is edited, an approved one is frozen, and a change opens
the next version with its reason, which travels the route again while the approved one stays
in force (``services.next_version_allowed``, ``passport.diff_lines``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.approvals.models import Approval
from otklik.approvals.services import approval_open
from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.directory.models import Sector
from otklik.office import composition
from otklik.office.choices import GroupKind, MemberRole
from otklik.office.composition import Member
from otklik.office.models import Group, GroupMember, GroupVersion
from otklik.office.passport import diff_lines
from otklik.office.services import _user, next_version_allowed, version_approval

GROUP = "group"


def _composition(members: Sequence[Member]) -> list[Member]:
    """The members as they will be stored, in order: a user's name, position and organisation
    from its account unless given; one chair, at most one secretary, nobody twice."""
    out = []
    for m in members:
        if m.role not in MemberRole.values:
            raise ApplicationError(f"Роль «{m.role}» — руководитель, секретарь или член.")
        if m.user is not None:
            user = m.user
            if not user.is_active:
                raise ApplicationError(f"Пользователь @{user.username} заблокирован.")
            m = Member(
                role=m.role,
                user=user,
                name=str(user),
                position=m.position.strip() or user.position,
                organisation=m.organisation.strip()
                or (user.organization.name if user.organization_id else ""),
            )
        elif not m.name.strip():
            raise ApplicationError("Укажите ФИО члена группы или его логин на платформе.")
        else:
            m = Member(
                role=m.role,
                name=m.name.strip(),
                position=m.position.strip(),
                organisation=m.organisation.strip(),
            )
        out.append(m)
    roles = [m.role for m in out]
    if roles.count(MemberRole.CHAIR) != 1:
        raise ApplicationError("В составе группы должен быть один руководитель.")
    if roles.count(MemberRole.SECRETARY) > 1:
        raise ApplicationError("Секретарь группы — один.")
    seen: set = set()
    for m in out:
        key = ("user", m.user.pk) if m.user is not None else ("name", m.name.casefold())
        if key in seen:
            raise ApplicationError(f"{m.name} указан в составе дважды.")
        seen.add(key)
    return composition.ordered(out)


def _members_save(version: GroupVersion, members: list[Member]) -> None:
    GroupMember.objects.filter(version=version).delete()
    GroupMember.objects.bulk_create(
        GroupMember(
            version=version,
            order=n,
            role=m.role,
            user=m.user,
            name=m.name[:255],
            position=m.position[:255],
            organisation=m.organisation[:512],
        )
        for n, m in enumerate(members, 1)
    )


def _members_of(version: GroupVersion) -> list[GroupMember]:
    return list(version.members.select_related("user").order_by("order"))


def group_approval(version: GroupVersion) -> Approval:
    return version_approval(GROUP, version)


@transaction.atomic
def group_propose(
    *,
    actor: Any,
    sector: Sector,
    kind: str,
    name: str,
    purpose: str,
    members: Sequence[Member],
) -> Group:
    """A group of a block with the draft of its composition (version 1) opened on the route."""
    access_check(actor, Action.OFFICE_PREPARE)
    name, purpose = name.strip(), purpose.strip()
    if kind not in GroupKind.values:
        raise ApplicationError("Вид группы: рабочая или экспертная.")
    if not (name and purpose):
        raise ApplicationError("Укажите наименование группы и её цель.")
    members = _composition(members)
    group = Group.objects.create(
        kind=kind, name=name[:512], purpose=purpose, sector=sector, created_by=_user(actor)
    )
    # on the group as it is: a block's lead for its own block only (refused, it is rolled back)
    access_check(actor, Action.OFFICE_PREPARE, group)
    version = GroupVersion.objects.create(group=group, number=1, author=_user(actor))
    _members_save(version, members)
    approval_open(actor=actor, kind=GROUP, target_id=version.pk, title=group.name, sector=sector)
    audit_log(
        actor=actor,
        action="office.group_propose",
        target=group,
        data={"kind": kind, "members": len(members)},
    )
    return group


@transaction.atomic
def group_update(
    *,
    actor: Any,
    version: GroupVersion,
    members: Sequence[Member],
    name: str | None = None,
    purpose: str | None = None,
) -> GroupVersion:
    """Edit a draft or returned composition (and, in version 1, the group's name and purpose);
    an approved or routed one is frozen."""
    access_check(actor, Action.OFFICE_PREPARE, version.group)
    version = GroupVersion.objects.select_for_update().select_related("group").get(pk=version.pk)
    approval = group_approval(version)
    if not approval.is_editable:
        raise ApplicationError(
            "Состав группы "
            + approval.get_state_display().lower()
            + ": изменить его можно только новой версией (изменением состава)."
        )
    members = _composition(members)
    before = composition.lines(_members_of(version))
    _members_save(version, members)
    group = version.group
    if version.number == 1 and (name or purpose):
        group.name = (name or group.name).strip()[:512]
        group.purpose = (purpose or group.purpose).strip()
        group.save(update_fields=["name", "purpose", "updated_at"])
        Approval.objects.filter(pk=approval.pk).update(title=group.name)
    changed = [d for d in diff_lines(before, composition.lines(members)) if d.sign != " "]
    version.save(update_fields=["updated_at"])
    audit_log(
        actor=actor,
        action="office.group_update",
        target=group,
        data={"version": version.number, "lines_changed": len(changed)},
    )
    return version


@transaction.atomic
def group_change_request(
    *, actor: Any, group: Group, reason: str, members: Sequence[Member]
) -> GroupVersion:
    """Open the next version of an approved composition: who joins, who leaves and why; it
    travels the route again, the approved composition stays in force until then."""
    access_check(actor, Action.OFFICE_PREPARE, group)
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Изменение состава: укажите, что меняется и почему.")
    group = Group.objects.select_for_update().get(pk=group.pk)
    last = group.versions.order_by("-number").first()
    next_version_allowed(GROUP, last)
    members = _composition(members)
    old, new = composition.lines(_members_of(last)), composition.lines(members)
    if old == new:
        raise ApplicationError("Новый состав ничем не отличается от утверждённого.")
    version = GroupVersion.objects.create(
        group=group, number=last.number + 1, reason=reason, author=_user(actor)
    )
    _members_save(version, members)
    approval_open(
        actor=actor,
        kind=GROUP,
        target_id=version.pk,
        title=group.name,
        sector=group.sector,
        version=version.number,
        reason=reason,
    )
    signs = [d.sign for d in diff_lines(old, new)]
    audit_log(
        actor=actor,
        action="office.group_change",
        target=group,
        data={
            "version": version.number,
            "reason": reason,
            "added": signs.count("+"),
            "removed": signs.count("-"),
        },
    )
    return version


# The route's call-back (registered in apps.ready), inside the transaction of the decision.
def group_approved(approval: Approval, actor: Any) -> None:
    """The approved composition comes into force."""
    version = GroupVersion.objects.get(pk=approval.target_id)
    Group.objects.filter(pk=version.group_id).update(in_force=version, updated_at=timezone.now())
