"""The outgoing scenario through the services (issue 15, part 4): the head sends a task to
three organisations; two answer, one is returned and answers again, one is overdue and
escalated on the working calendar; the consolidated table; the final summary on the route."""

from __future__ import annotations

import hashlib
import subprocess

import pytest
from django.core import mail
from django.utils.timezone import localtime

from otklik.approvals.choices import ApprovalState, Decision
from otklik.approvals.services import approval_decide
from otklik.audit.models import AuditEvent
from otklik.core.exceptions import AccessDenied, ApplicationError, NotFound
from otklik.correspondence import selectors
from otklik.correspondence.models import Assignment, Item, ItemEvent, Reply, StoredFile
from otklik.correspondence.printing import printed_of
from otklik.correspondence.services import (
    assignment_send,
    correspondence_sweep,
    default_due,
    item_accept,
    item_answer,
    item_return,
    item_withdraw,
    summary_submit,
)
from otklik.correspondence.tests.shared import Unchanged, d, orgs, pdf
from otklik.documents.models import RegisteredDocument


def _send(p, **values):
    values = {
        "kind": "task",
        "subject": "Подготовка к отопительному сезону",
        "text": "Доложите о готовности котельных.",
        "due": d("12.12.2026"),
        "organizations": orgs("adm-18410", "kom-zhkh", "kom-tek"),
        **values,
    }
    return assignment_send(actor=values.pop("actor", p["head"]), **values)


def _item(a, code: str) -> Item:
    return a.items.get(organization__code=code)


def _history(item) -> list[tuple[str, str, str]]:
    rows = ItemEvent.objects.filter(item=item).order_by("at", "pk")
    return [(e.kind, e.actor.username if e.actor else "", e.text) for e in rows]


def test_the_whole_outgoing_scenario(people, django_capture_on_commit_callbacks):
    p, clock = people, people["clock"]
    with django_capture_on_commit_callbacks(execute=True):
        a = _send(p, files=[pdf("форма.pdf", b"%PDF form")])
    # due on Saturday 12.12: each addressee's deadline is Monday 14.12 (ГК РФ ст. 193)
    assert sorted(a.items.values_list("organization__code", "state", "deadline")) == [
        ("adm-18410", "sent", d("14.12.2026")),
        ("kom-tek", "sent", d("14.12.2026")),
        ("kom-zhkh", "sent", d("14.12.2026")),
    ]
    stored = a.files.get()
    assert (stored.name, stored.size, stored.sha256) == (
        "форма.pdf",
        9,
        hashlib.sha256(b"%PDF form").hexdigest(),
    )
    # sent through the portal, the task is an outgoing document of the ЦУР with its file
    sent = RegisteredDocument.objects.get(target_kind="assignment", target_id=str(a.pk))
    assert (sent.kind, sent.direction, sent.number) == (
        "task",
        "outgoing",
        f"ПОР-{sent.registered_at.year}/1",
    )
    (attached,) = sent.attachments.all()
    assert (attached.name, attached.sha256) == (
        "форма.pdf",
        hashlib.sha256(b"%PDF form").hexdigest(),
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "op-tek@example.org",
        "op-zhkh@example.org",
        "org_operator@example.org",
    ]
    # each organisation sees its own item in its queue, and only that one
    for key, code in (("op_adm", "adm-18410"), ("op_zhkh", "kom-zhkh"), ("op_tek", "kom-tek")):
        queue = selectors.item_list(user=p[key])
        assert [i.organization.code for i in queue] == [code]

    clock.at(d("11.12.2026"), hour=10)
    item_answer(actor=p["op_adm"], item=_item(a, "adm-18410"), text="Котельные готовы.")
    clock.at(d("11.12.2026"), hour=11)
    item_answer(
        actor=p["op_zhkh"],
        item=_item(a, "kom-zhkh"),
        text="Готовы 40 котельных из 42.",
        files=[pdf("акт.pdf")],
    )
    clock.at(d("11.12.2026"), hour=15)
    item_return(actor=p["head"], item=_item(a, "kom-zhkh"), reason="Нет сроков по двум котельным.")
    item_accept(actor=p["head"], item=_item(a, "adm-18410"))

    # Monday 14.12, 09:00: the working deadline — the two still waiting are reminded, once
    clock.at(d("14.12.2026"), hour=9)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = correspondence_sweep()
        assert (report.reminded, report.overdue, report.escalated) == (2, 0, 0)
        again = correspondence_sweep()
        assert (again.reminded, again.overdue, again.escalated) == (0, 0, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["op-tek@example.org", "op-zhkh@example.org"]

    clock.at(d("14.12.2026"), hour=12)
    item_answer(
        actor=p["op_zhkh"], item=_item(a, "kom-zhkh"), text="Две котельные будут готовы к 20.12."
    )
    item_accept(actor=p["head"], item=_item(a, "kom-zhkh"))

    # Tuesday 15.12: Комитет ТЭК is overdue and reported to the curator (the head's next
    # level), once
    clock.at(d("15.12.2026"), hour=9)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = correspondence_sweep()
        assert (report.reminded, report.overdue, report.escalated) == (0, 1, 1)
        assert correspondence_sweep().escalated == 0
    tek = _item(a, "kom-tek")
    assert (tek.overdue_on, tek.escalated_on, tek.escalated_to) == (
        d("15.12.2026"),
        d("15.12.2026"),
        "curator",
    )
    assert sorted((m.subject, tuple(sorted(m.to))) for m in mail.outbox) == [
        ("Просрочено исполнение: Подготовка к отопительному сезону",
         ("curator@example.org", "head@example.org")),
        ("Просрочено: Подготовка к отопительному сезону", ("op-tek@example.org",)),
    ]  # fmt: skip
    assert _history(tek) == [
        ("sent", "head", "Срок — 14.12.2026."),
        ("reminded", "", "Срок — сегодня, 14.12.2026."),
        ("overdue", "", "Срок истёк 14.12.2026."),
        ("escalated", "", "Срок истёк 14.12.2026, ответа нет. Доложено: куратор."),
    ]
    assert _history(_item(a, "kom-zhkh")) == [
        ("sent", "head", "Срок — 14.12.2026."),
        ("answered", "op-zhkh", "Готовы 40 котельных из 42."),
        ("returned", "head", "Нет сроков по двум котельным."),
        ("reminded", "", "Срок — сегодня, 14.12.2026."),
        ("answered", "op-zhkh", "Две котельные будут готовы к 20.12."),
        ("accepted", "head", ""),
    ]

    # Комитет ТЭК answers late; the consolidated table
    clock.at(d("16.12.2026"), hour=10)
    item_answer(actor=p["op_tek"], item=tek, text="Готовность 100 %.")
    rows = selectors.consolidated(assignment=a, today=d("16.12.2026"))
    assert [
        (r.organization, r.state, f"{localtime(r.answered_at):%d.%m %H:%M}", r.late,
         r.escalated, r.returns, r.excerpt, r.files)
        for r in rows
    ] == [
        ("Администрация г. Волжского", "accepted", "11.12 10:00", False, False, 0,
         "Котельные готовы.", 0),
        ("Комитет ТЭК", "answered", "16.12 10:00", True, True, 0, "Готовность 100 %.", 0),
        ("ОблкомЖКХ", "accepted", "14.12 12:00", False, False, 1,
         "Две котельные будут готовы к 20.12.", 0),
    ]  # fmt: skip
    assert selectors.table_counts(rows)["late"] == 1

    # the summary waits for every answer to be accepted (or the sender to decide)
    with pytest.raises(ApplicationError, match="Не все ответы приняты: Комитет ТЭК"):
        summary_submit(actor=p["head"], assignment=a, text="Итоги.")
    item_accept(actor=p["head"], item=_item(a, "kom-tek"))
    approval = summary_submit(actor=p["head"], assignment=a, text="Все котельные готовы.")
    assert (approval.kind, approval.state, approval.step_role) == (
        "corr_summary",
        ApprovalState.IN_ROUTE,
        "head",
    )
    approval = approval_decide(actor=p["head"], approval=approval, decision=Decision.AGREE)
    approval = approval_decide(
        actor=p["curator"], approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    assert approval.state == ApprovalState.APPROVED
    # approved, the summary is registered with the next number of its kind and a frozen PDF
    registered = RegisteredDocument.objects.get(approval=approval)
    assert registered.number == f"ИС-{registered.registered_at.year}/1"
    assert bytes(registered.pdf).startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=bytes(registered.pdf), capture_output=True, check=True
    ).stdout.decode()
    assert "ОблкомЖКХ" in text and "Лист согласования" in text
    printed = printed_of(approval)
    assert printed.title == "Итоговая справка по поручению ЦУР"
    assert printed.stamp[0] == "УТВЕРЖДАЮ"
    table = next(block for kind, block in printed.blocks if kind == "table")
    assert [r[:4] for r in table.rows] == [
        ["Администрация г. Волжского", "Принято", "11.12.2026 10:00", "да"],
        ["Комитет ТЭК", "Принято", "16.12.2026 10:00", "нет"],
        ["ОблкомЖКХ", "Принято", "14.12.2026 12:00", "да"],
    ]
    actions = list(
        AuditEvent.objects.filter(action__startswith="correspondence.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "correspondence.send",
        "correspondence.answer",
        "correspondence.answer",
        "correspondence.return",
        "correspondence.accept",
        "correspondence.remind",
        "correspondence.remind",
        "correspondence.answer",
        "correspondence.accept",
        "correspondence.overdue",
        "correspondence.escalate",
        "correspondence.answer",
        "correspondence.accept",
        "correspondence.summary",
    ]


def test_overdue_on_saturday_escalated_on_the_next_working_day(people):
    """Due Friday 18.12: marked overdue on Saturday 19.12, reported on Monday 21.12 (the
    next working day after the deadline), once."""
    p, clock = people, people["clock"]
    a = _send(p, due=d("18.12.2026"), organizations=orgs("kom-tek"))
    clock.at(d("19.12.2026"))
    assert (correspondence_sweep().overdue, correspondence_sweep().escalated) == (1, 0)
    clock.at(d("20.12.2026"))
    assert correspondence_sweep().escalated == 0
    clock.at(d("21.12.2026"), hour=9)
    assert correspondence_sweep().escalated == 1
    assert correspondence_sweep().escalated == 0
    item = a.items.get()
    assert (item.overdue_on, item.escalated_on) == (d("19.12.2026"), d("21.12.2026"))
    assert selectors.is_overdue(item, d("21.12.2026"))


def test_the_default_due_is_working_days_ahead(people):
    # Thursday 10.12 + 10 working days = Thursday 24.12
    assert default_due("task") == d("24.12.2026")
    assert default_due("request") == d("17.12.2026")


# --------------------------------------------------------------------------- access
def test_an_operator_of_another_organisation_sees_nothing(people):
    p = people
    a = _send(p, organizations=orgs("adm-18410"))
    item = a.items.get()
    for key in ("op_zhkh", "op_tek", "municipal_coordinator"):
        assert list(selectors.item_list(user=p[key])) == []
        assert list(selectors.assignment_list(user=p[key])) == []
        with pytest.raises(NotFound):
            selectors.item_get(user=p[key], pk=item.pk)
        with pytest.raises(NotFound):
            selectors.file_get(user=p[key], pk=0)
    unchanged = Unchanged(Reply, ItemEvent)
    with pytest.raises(AccessDenied):
        item_answer(actor=p["op_zhkh"], item=item, text="Не наше.")
    unchanged.check()
    # the addressee's operator sees it; the operator may not accept its own answer
    assert selectors.item_get(user=p["op_adm"], pk=item.pk) == item
    item_answer(actor=p["op_adm"], item=item, text="Сделано.")
    with pytest.raises(AccessDenied):
        item_accept(actor=p["op_adm"], item=item)


def test_a_sector_lead_works_in_its_block_only(people, make_user):
    from otklik.directory.models import Sector

    p = people
    lead = p["sector_lead"]  # ЖКХ
    own = _send(p, actor=lead, organizations=orgs("kom-zhkh"))
    assert own.sector.code == "zhkh"
    other = _send(p, sector=Sector.objects.get(code="tko"), organizations=orgs("kom-zhkh"))
    assert list(selectors.assignment_list(user=lead)) == [own]
    with pytest.raises(NotFound):
        selectors.assignment_get(user=lead, pk=other.pk)
    unchanged = Unchanged(Assignment, Item, ItemEvent)
    with pytest.raises(AccessDenied):
        _send(p, actor=lead, sector=Sector.objects.get(code="tko"))
    unchanged.check()
    item = other.items.get()
    item_answer(actor=p["op_zhkh"], item=item, text="Ответ.")
    with pytest.raises(AccessDenied):
        item_accept(actor=lead, item=item)
    with pytest.raises(AccessDenied):
        _send(p, actor=p["analyst"])
    assert Item.objects.get(pk=item.pk).state == "answered"


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"due": d("09.12.2026")}, "Срок исполнения 09.12.2026 уже прошёл."),
        ({"due": None}, "Укажите срок исполнения."),
        ({"subject": "  "}, "Укажите тему."),
        ({"text": ""}, "Напишите текст запроса (поручения)."),
        ({"organizations": []}, "Выберите хотя бы одну организацию-адресата."),
        ({"kind": "letter"}, "Вид: запрос или поручение."),
        ({"files": [pdf(body=b"")]}, "Файл «акт.pdf» пустой."),
    ],
)
def test_a_bad_request_is_refused_and_nothing_changes(people, values, message):
    unchanged = Unchanged(Assignment, Item, ItemEvent, StoredFile)
    with pytest.raises(ApplicationError) as refused:
        _send(people, **values)
    assert refused.value.message == message
    unchanged.check()


def test_bad_answers_and_returns_are_refused_and_nothing_changes(people):
    p = people
    item = _send(p, organizations=orgs("adm-18410")).items.get()
    unchanged = Unchanged(Reply, ItemEvent, StoredFile)
    with pytest.raises(ApplicationError, match=r"Ответ пустой: напишите, что сделано\."):
        item_answer(actor=p["op_adm"], item=item, text="   ", files=[pdf()])
    with pytest.raises(ApplicationError, match="это действие сейчас невозможно"):
        item_accept(actor=p["head"], item=item)  # nothing to accept yet
    unchanged.check()
    item_answer(actor=p["op_adm"], item=item, text="Сделано.")
    unchanged = Unchanged(Reply, ItemEvent)
    with pytest.raises(ApplicationError, match=r"Укажите причину возврата на доработку\."):
        item_return(actor=p["head"], item=item, reason=" ")
    with pytest.raises(ApplicationError, match="Укажите, почему"):
        item_withdraw(actor=p["head"], item=item, reason="")
    unchanged.check()
    item.refresh_from_db()
    assert (item.state, item.returns) == ("answered", 0)
