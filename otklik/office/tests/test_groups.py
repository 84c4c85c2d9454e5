"""Working and expert groups through the one approval route: a block's lead proposes a group with
its composition (users of the platform and external people, each with a role), the draft is
edited, returned by the head, agreed, approved by the curator and frozen; a change of the approved
composition opens version 2 with its reason and its diff of members, and comes into force once
approved. Each role is refused what the matrix does not give it, and a refusal changes nothing.
Then the same through the pages, per role."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import PASSWORD
from otklik.approvals.choices import ApprovalState, Decision
from otklik.approvals.models import Approval
from otklik.approvals.services import approval_decide, approval_submit
from otklik.audit.models import AuditEvent
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.roles import Role
from otklik.directory.models import Sector
from otklik.office import composition, selectors
from otklik.office.composition import Member
from otklik.office.models import Group, GroupMember, GroupVersion
from otklik.office.services_groups import (
    group_approval,
    group_change_request,
    group_propose,
    group_update,
)
from otklik.office.tests.shared import WHO_OPENS_THE_OFFICE, Unchanged, flashes, signed_in

EXPERTS = [
    Member(role="member", name="Сидорова Анна Павловна", position="доцент", organisation="ВолгГТУ"),
    Member(role="secretary", name="Ким Олег", organisation="МУП «Водоканал»"),
]


@pytest.fixture
def o(personas):
    return {**personas, "zhkh": Sector.objects.get(code="zhkh")}


def _members(o, *extra: Member) -> list[Member]:
    return [
        Member(role="chair", user=o["sector_lead"], position="начальник отдела"),
        *EXPERTS,
        *extra,
    ]


def _propose(o, actor=None, **values) -> Group:
    values = {
        "sector": o["zhkh"],
        "kind": "working",
        "name": "Штаб отопительного сезона",
        "purpose": "Подключение тепла в домах до 15 октября",
        "members": _members(o),
        **values,
    }
    return group_propose(actor=actor or o["sector_lead"], **values)


def _lines(version: GroupVersion) -> list[str]:
    return composition.lines(selectors.group_members(version))


def _approve(o, approval: Approval) -> Approval:
    approval = approval_submit(actor=o["sector_lead"], approval=approval)
    approval = approval_decide(actor=o["head"], approval=approval, decision=Decision.AGREE)
    return approval_decide(
        actor=o["curator"], approval=approval, decision=Decision.APPROVE, confirmation="password"
    )


def nothing_written() -> Unchanged:
    return Unchanged(Group, GroupVersion, GroupMember, Approval)


def test_the_group_route_end_to_end_with_a_change_of_members(o):
    lead, head, curator = o["sector_lead"], o["head"], o["curator"]
    group = _propose(o)
    v1 = group.versions.get()
    assert (group.kind, group.sector, group.created_by, group.in_force) == (
        "working",
        o["zhkh"],
        lead,
        None,
    )
    # the chair first, then the secretary, then the members; a user by its account's name
    assert _lines(v1) == [
        "Руководитель: Ответственный Тест (@sector_lead), начальник отдела",
        "Секретарь: Ким Олег, МУП «Водоканал»",
        "Член: Сидорова Анна Павловна, доцент, ВолгГТУ",
    ]
    approval = group_approval(v1)
    assert (approval.kind, approval.title, approval.sector, approval.state) == (
        "group",
        "Штаб отопительного сезона",
        o["zhkh"],
        ApprovalState.DRAFT,
    )

    # the draft is edited; the head returns it with a reason; it is corrected and approved
    group_update(
        actor=lead,
        version=v1,
        members=_members(o, Member(role="member", user=o["analyst"])),
        name="Штаб по теплу",
    )
    approval = approval_submit(actor=lead, approval=approval)
    approval = approval_decide(
        actor=head, approval=approval, decision=Decision.RETURN, text="Нет представителя РСО"
    )
    group_update(
        actor=lead,
        version=v1,
        members=_members(
            o,
            Member(role="member", user=o["analyst"]),
            Member(
                role="member", name="Орлов Пётр", position="главный инженер", organisation="РСО"
            ),
        ),
    )
    approval = approval_submit(actor=lead, approval=approval, text="Добавлен РСО")
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    with pytest.raises(ApplicationError, match="только новой версией"):  # on the route: frozen
        group_update(actor=lead, version=v1, members=_members(o))
    approval = approval_decide(
        actor=curator, approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    group.refresh_from_db()
    assert (approval.state, group.name, group.in_force) == (
        ApprovalState.APPROVED,
        "Штаб по теплу",
        v1,
    )
    v1_lines = _lines(v1)
    assert v1_lines == [
        "Руководитель: Ответственный Тест (@sector_lead), начальник отдела",
        "Секретарь: Ким Олег, МУП «Водоканал»",
        "Член: Орлов Пётр, главный инженер, РСО",
        "Член: Сидорова Анна Павловна, доцент, ВолгГТУ",
        "Член: Сотрудник Тест (@analyst)",
    ]

    # approved: frozen; a change needs its reason and a composition that differs
    unchanged = nothing_written()
    with pytest.raises(
        ApplicationError, match="Состав группы утверждён: изменить его можно только"
    ):
        group_update(actor=lead, version=v1, members=_members(o))
    with pytest.raises(ApplicationError, match="укажите, что меняется и почему"):
        group_change_request(actor=lead, group=group, reason=" ", members=_members(o))
    same = [
        Member(
            role=m.role, user=m.user, name=m.name, position=m.position, organisation=m.organisation
        )
        for m in reversed(selectors.group_members(v1))
    ]
    with pytest.raises(ApplicationError, match="ничем не отличается от утверждённого"):
        group_change_request(actor=lead, group=group, reason="Порядок", members=same)
    unchanged.check()

    v2 = group_change_request(
        actor=lead,
        group=group,
        reason="Сидорова перешла в экспертную группу, РСО представляет Белов",
        members=[
            Member(role="chair", user=lead, position="начальник отдела"),
            EXPERTS[1],
            Member(role="member", user=o["analyst"]),
            Member(
                role="member", name="Белов Иван", position="главный инженер", organisation="РСО"
            ),
        ],
    )
    assert (v2.number, v2.reason) == (
        2,
        "Сидорова перешла в экспертную группу, РСО представляет Белов",
    )
    approval2 = group_approval(v2)
    assert (approval2.version, approval2.reason, approval2.state) == (
        2,
        "Сидорова перешла в экспертную группу, РСО представляет Белов",
        ApprovalState.DRAFT,
    )
    assert [(d.sign, d.text) for d in selectors.group_diff(v2) if d.sign != " "] == [
        ("-", "Член: Орлов Пётр, главный инженер, РСО"),
        ("+", "Член: Белов Иван, главный инженер, РСО"),
        ("-", "Член: Сидорова Анна Павловна, доцент, ВолгГТУ"),
    ]
    # version 1 stays in force until version 2 is approved; one open version at a time
    group.refresh_from_db()
    assert group.in_force == v1
    assert _lines(v1) == v1_lines  # the approved composition is untouched
    with pytest.raises(ApplicationError, match="Версия 2 ещё не утверждена"):
        group_change_request(actor=lead, group=group, reason="Ещё", members=_members(o))
    _approve(o, approval2)
    group.refresh_from_db()
    assert group.in_force == v2

    events = AuditEvent.objects.filter(target_type="office.group", target_id=str(group.pk))
    assert [(e.action, e.actor.username, e.data) for e in events.order_by("pk")] == [
        ("office.group_propose", "sector_lead", {"kind": "working", "members": 3}),
        ("office.group_update", "sector_lead", {"version": 1, "lines_changed": 1}),
        ("office.group_update", "sector_lead", {"version": 1, "lines_changed": 1}),
        (
            "office.group_change",
            "sector_lead",
            {
                "version": 2,
                "reason": "Сидорова перешла в экспертную группу, РСО представляет Белов",
                "added": 1,
                "removed": 2,
            },
        ),
    ]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (EXPERTS, "В составе группы должен быть один руководитель."),
        ([*EXPERTS, Member("chair", "А"), Member("chair", "Б")], "один руководитель"),
        ([Member("chair", "А"), Member("secretary", "Б"), Member("secretary", "В")], "Секретарь"),
        ([Member("chair", "Анна"), Member("member", "анна")], "анна указан в составе дважды."),
        ([Member("chair", "  ")], "Укажите ФИО члена группы или его логин на платформе."),
        ([Member("boss", "А")], "Роль «boss» — руководитель, секретарь или член."),
    ],
    ids=["no-chair", "two-chairs", "two-secretaries", "twice", "no-name", "role"],
)
def test_a_composition_refused_by_the_rules_changes_nothing(o, members, message):
    unchanged = nothing_written()
    with pytest.raises(ApplicationError, match=message):
        _propose(o, members=members)
    unchanged.check()


def test_a_user_twice_or_blocked_is_refused(o):
    lead, analyst = o["sector_lead"], o["analyst"]
    unchanged = nothing_written()
    with pytest.raises(ApplicationError, match="указан в составе дважды"):
        _propose(o, members=[Member("chair", user=lead), Member("member", user=lead)])
    analyst.is_active = False
    analyst.save()
    with pytest.raises(ApplicationError, match="Пользователь @analyst заблокирован"):
        _propose(o, members=[Member("chair", user=lead), Member("member", user=analyst)])
    with pytest.raises(ApplicationError, match="Укажите наименование группы и её цель"):
        _propose(o, purpose=" ")
    with pytest.raises(ApplicationError, match="Вид группы: рабочая или экспертная"):
        _propose(o, kind="club")
    unchanged.check()


@pytest.mark.parametrize("role", ["curator", "executor", "analyst", "auditor", "org_operator"])
def test_who_may_not_propose_a_group_and_nothing_is_created(o, role):
    unchanged = nothing_written()
    with pytest.raises(AccessDenied):
        _propose(o, actor=o[role])
    unchanged.check()


def test_a_lead_proposes_and_changes_groups_of_its_own_block_only(o, make_user):
    roads_lead = make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads"))
    unchanged = nothing_written()
    with pytest.raises(AccessDenied):
        _propose(o, actor=roads_lead)
    unchanged.check()
    group = _propose(o, actor=o["head"], kind="expert")  # the head proposes for any block
    v1 = group.versions.get()
    unchanged = nothing_written()
    with pytest.raises(AccessDenied):
        group_update(actor=roads_lead, version=v1, members=EXPERTS)
    _approve(o, group_approval(v1))
    unchanged = nothing_written()
    with pytest.raises(AccessDenied):
        group_change_request(actor=roads_lead, group=group, reason="Чужой", members=EXPERTS)
    unchanged.check()


def test_the_composition_as_text():
    text = (
        "руководитель | @petrov | заместитель председателя | Комитет ЖКХ\n"
        "\n"
        "Член | Сидорова Анна Павловна | доцент | ВолгГТУ\n"
        "секретарь | Ким Олег"
    )
    assert [
        (e.line, e.role, e.who, e.login, e.position, e.organisation)
        for e in composition.entries(text)
    ] == [
        (1, "chair", "@petrov", "petrov", "заместитель председателя", "Комитет ЖКХ"),
        (3, "member", "Сидорова Анна Павловна", "", "доцент", "ВолгГТУ"),
        (4, "secretary", "Ким Олег", "", "", ""),
    ]
    with pytest.raises(ApplicationError, match="Состав, строка 1: роль «глава»"):
        composition.entries("глава | Иванов")
    with pytest.raises(ApplicationError, match="Состав, строка 2: укажите ФИО или @логин"):
        composition.entries("член | Иванов\nчлен | @")
    with pytest.raises(ApplicationError, match="частей больше, чем 4"):
        composition.entries("член | Иванов | a | b | c")
    assert composition.to_text(EXPERTS) == "секретарь | Ким Олег |  | МУП «Водоканал»\n" + (
        "член | Сидорова Анна Павловна | доцент | ВолгГТУ"
    )


# --------------------------------------------------------------------------- pages
FORM = {
    "kind": "expert",
    "name": "Экспертный совет по теплу",
    "purpose": "Оценка проектов модернизации",
    "members": "руководитель | @sector_lead\nчлен | Сидорова Анна Павловна | доцент | ВолгГТУ",
}


def test_a_group_through_the_pages(client, o):
    lead, head, curator = o["sector_lead"], o["head"], o["curator"]
    c = signed_in(client, lead)
    page = c.get(reverse("office:block", args=["zhkh"])).content.decode()
    assert 'data-testid="group-form"' in page
    r = c.post(
        reverse("office:group_create", args=["zhkh"]),
        {**FORM, "members": "член | @nobody"},
        follow=True,
    )
    assert flashes(r) == [
        "Проверьте поля группы: Состав, строка 1: нет пользователя с логином «nobody»."
    ]
    assert not Group.objects.exists()
    r = c.post(reverse("office:group_create", args=["zhkh"]), FORM, follow=True)
    group = Group.objects.get()
    assert r.redirect_chain[-1][0] == reverse("office:group", args=[group.pk])
    page = r.content.decode()
    assert "Экспертная группа «Экспертный совет по теплу»" in page
    assert 'data-testid="submit"' in page and 'data-testid="group-edit-form"' in page

    r = c.post(
        reverse("office:group", args=[group.pk]),
        {
            "verb": "edit",
            "name": FORM["name"],
            "purpose": FORM["purpose"],
            "members": FORM["members"] + "\nсекретарь | Ким Олег | | МУП «Водоканал»",
        },
    )
    v1 = group.versions.get()
    assert _lines(v1)[1] == "Секретарь: Ким Олег, МУП «Водоканал»"
    approval = group_approval(v1)
    c.post(reverse("approvals:verb", args=[approval.pk, "submit"]), {"text": ""})
    signed_in(client, head).post(reverse("approvals:verb", args=[approval.pk, "agree"]), {})
    r = signed_in(client, curator).post(
        reverse("approvals:verb", args=[approval.pk, "approve"]),
        {"password": PASSWORD},
        follow=True,
    )
    assert r.redirect_chain[-1][0] == reverse("office:group", args=[group.pk]) + "?version=1"
    group.refresh_from_db()
    assert group.in_force == v1

    c = signed_in(client, lead)
    page = c.get(reverse("office:group", args=[group.pk])).content.decode()
    assert 'data-testid="group-edit-form"' not in page and 'data-testid="group-change-form"' in page
    r = c.post(
        reverse("office:group", args=[group.pk]),
        {
            "verb": "change",
            "reason": "Сидорову сменил Белов",
            "members": "руководитель | @sector_lead\nсекретарь | Ким Олег | | МУП «Водоканал»\n"
            "член | Белов Иван | профессор | ВолгГТУ",
        },
        follow=True,
    )
    assert r.redirect_chain[-1][0] == reverse("office:group", args=[group.pk])
    page = r.content.decode()
    assert re.search(r"<ins>\+ Член: Белов Иван, профессор, ВолгГТУ</ins>", page)
    assert re.search(r"<del>− Член: Сидорова Анна Павловна, доцент, ВолгГТУ</del>", page)
    assert "утверждён, действует версия 1" in page
    # the versions table: v1 in force, v2 the change (a draft), each opened on this page
    rows = re.findall(
        r'<a href="\?version=(\d)">версия \d</a>( <span[^>]*>действует</span>)?', page
    )
    assert rows == [("1", ' <span class="tag tag--done">действует</span>'), ("2", "")]

    block = c.get(reverse("office:block", args=["zhkh"])).content.decode()
    assert "Экспертный совет по теплу" in block and "(версия 1)" in block


@pytest.mark.parametrize(("role", "status"), WHO_OPENS_THE_OFFICE)
def test_who_opens_the_group_pages(client, o, role, status):
    group = _propose(o)
    c = signed_in(client, o[role])
    for url in (
        reverse("office:block", args=["zhkh"]),
        reverse("office:group", args=[group.pk]),
        reverse("office:home"),
    ):
        assert c.get(url).status_code == status, url
    page = c.get(reverse("office:group", args=[group.pk])).content.decode()
    editable = role in ("head", "sector_lead")
    assert ('data-testid="group-edit-form"' in page) is editable


def test_a_lead_of_another_block_is_refused_on_the_pages(client, o, make_user):
    roads_lead = make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads"))
    group = _propose(o)
    c = signed_in(client, roads_lead)
    page = c.get(reverse("office:block", args=["zhkh"])).content.decode()
    assert 'data-testid="group-form"' not in page
    unchanged = nothing_written()
    assert c.post(reverse("office:group_create", args=["zhkh"]), FORM).status_code == 403
    r = c.post(reverse("office:group", args=[group.pk]), {"verb": "edit", **FORM})
    assert r.status_code == 403
    unchanged.check()
