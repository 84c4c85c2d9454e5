"""Incoming requests (registered, assigned, answered with a package, approved and taken off
control, escalated when late) and the measures of regional problems as tasks."""

from __future__ import annotations

import io
import zipfile

import pytest

from otklik.approvals.choices import Decision
from otklik.approvals.services import approval_decide
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.correspondence import selectors
from otklik.correspondence.models import Incoming
from otklik.correspondence.services import correspondence_sweep, item_accept, item_answer
from otklik.correspondence.services_incoming import (
    incoming_answer_submit,
    incoming_assign,
    incoming_register,
    package_build,
)
from otklik.correspondence.services_measures import measure_task_send
from otklik.correspondence.tests.shared import Unchanged, d, orgs, pdf
from otklik.documents.models import RegisteredDocument


def _register(p, **values):
    values = {
        "source": "ministry",
        "sender_name": "Минцифры России, Департамент ЦУР",
        "their_number": "П11-2-05-200-12345",
        "their_date": d("09.12.2026"),
        "subject": "О предоставлении сведений о работе ЦУР",
        "text": "Просим представить сведения за ноябрь.",
        "due": d("12.12.2026"),
        **values,
    }
    return incoming_register(actor=values.pop("actor", p["executor"]), **values)


def test_an_incoming_request_answered_approved_and_taken_off_control(people):
    p = people
    incoming = _register(p, files=[pdf("запрос.pdf")])
    assert (incoming.state, incoming.deadline) == ("registered", d("14.12.2026"))
    incoming = incoming_assign(actor=p["executor"], incoming=incoming, assignee=p["analyst"])
    assert incoming.state == "in_work"
    approval = incoming_answer_submit(
        actor=p["analyst"],
        incoming=incoming,
        text="Направляем сведения.",
        parts=[{"part": "analytics_monthly", "month": "2026-11"}],
        files=[pdf("справка.pdf", b"%PDF note")],
    )
    assert (approval.kind, approval.step_role) == ("corr_answer", "head")
    approval = approval_decide(
        actor=p["head"], approval=approval, decision=Decision.RETURN, text="Добавьте таблицу."
    )
    assert Incoming.objects.get(pk=incoming.pk).state == "in_work"
    # corrected: the text and the materials as sent now; the files stay unless new ones come
    approval = incoming_answer_submit(
        actor=p["analyst"],
        incoming=incoming,
        text="Направляем сведения с таблицей.",
        parts=[{"part": "analytics_monthly", "month": "2026-11"}],
    )
    approval = approval_decide(actor=p["head"], approval=approval, decision=Decision.AGREE)
    approval_decide(
        actor=p["curator"], approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    incoming.refresh_from_db()
    assert incoming.state == "closed" and incoming.closed_at is not None
    answer = RegisteredDocument.objects.get(kind="corr_answer")
    assert answer.number == f"ОТВ-{answer.registered_at.year}/1"
    with pytest.raises(ApplicationError, match="снят с контроля"):
        incoming_assign(actor=p["executor"], incoming=incoming, assignee=p["head"])
    archive = zipfile.ZipFile(io.BytesIO(package_build(user=p["head"], incoming=incoming)))
    assert sorted(archive.namelist()) == [
        "SHA256SUMS.txt",
        "аналитический-отчёт-2026-11.pdf",
        "ответ.txt",
        "файлы/справка.pdf",
    ]
    assert archive.read("ответ.txt").decode() == "Направляем сведения с таблицей."
    assert archive.read("аналитический-отчёт-2026-11.pdf").startswith(b"%PDF")


def test_an_overdue_incoming_request_is_reported_to_the_head_once(people):
    p, clock = people, people["clock"]
    incoming = _register(p, assignee=p["analyst"])
    clock.at(d("14.12.2026"), hour=9)
    assert correspondence_sweep().incoming_reminded == 1
    clock.at(d("15.12.2026"), hour=9)
    assert correspondence_sweep().incoming_escalated == 1
    assert correspondence_sweep().incoming_escalated == 0
    assert Incoming.objects.get(pk=incoming.pk).escalated_on == d("15.12.2026")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"due": d("01.12.2026")}, "Срок ответа 01.12.2026 уже прошёл."),
        ({"their_date": d("11.12.2026")}, "Дата письма 11.12.2026 ещё не наступила."),
        ({"their_number": " "}, "Укажите номер письма."),
        ({"source": "x"}, "Укажите, от кого запрос: Минцифры, центр компетенций, иной орган."),
    ],
)
def test_a_bad_incoming_request_is_refused(people, values, message):
    unchanged = Unchanged(Incoming)
    with pytest.raises(ApplicationError) as refused:
        _register(people, **values)
    assert refused.value.message == message
    unchanged.check()


def test_who_registers_and_who_answers_incoming_requests(people):
    p = people
    for role in ("org_operator", "auditor", "municipal_coordinator"):
        with pytest.raises(AccessDenied):
            _register(p, actor=p[role])
    incoming = _register(p)
    with pytest.raises(ApplicationError, match="не может готовить ответы"):
        incoming_assign(actor=p["executor"], incoming=incoming, assignee=p["auditor"])
    assert list(selectors.incoming_list(user=p["org_operator"])) == []
    with pytest.raises(ApplicationError, match="ГГГГ-ММ"):
        incoming_answer_submit(
            actor=p["head"], incoming=incoming, text="Ответ", parts=[{"part": "analytics_monthly"}]
        )


def test_a_measure_becomes_a_task_and_its_acceptance_marks_it_done(people):
    from otklik.directory.models import Sector
    from otklik.problems.services import measure_add, problem_create

    p, clock = people, people["clock"]
    problem = problem_create(
        actor=p["head"],
        title="Аварии на теплосетях Волжского",
        sector=Sector.objects.get(code="zhkh"),
    )
    measure = measure_add(
        actor=p["head"], problem=problem, text="Заменить 2 км сетей", deadline=d("18.12.2026"),
        organization=orgs("kom-zhkh")[0],
    )  # fmt: skip
    late = measure_add(
        actor=p["head"], problem=problem, text="Проверить котельные", deadline=d("11.12.2026"),
        organization=orgs("adm-18410")[0],
    )  # fmt: skip
    without = measure_add(
        actor=p["head"], problem=problem, text="Обсудить", deadline=d("18.12.2026")
    )
    with pytest.raises(ApplicationError, match="нет ответственной организации"):
        measure_task_send(actor=p["head"], measure=without)
    a = measure_task_send(actor=p["sector_lead"], measure=measure)
    assert (a.kind, a.sector.code, a.due, [i.organization.code for i in a.items.all()]) == (
        "task",
        "zhkh",
        d("18.12.2026"),
        ["kom-zhkh"],
    )
    with pytest.raises(ApplicationError, match="уже есть поручение"):
        measure_task_send(actor=p["head"], measure=measure)
    measure_task_send(actor=p["head"], measure=late)
    clock.at(d("14.12.2026"))
    item_answer(actor=p["op_zhkh"], item=a.items.get(), text="Заменено 2 км, акт приложен.")
    item_accept(actor=p["sector_lead"], item=a.items.get())
    measure.refresh_from_db()
    assert measure.status == "done"
    assert measure.note == "Отчёт ОблкомЖКХ: Заменено 2 км, акт приложен."
    [zhkh] = selectors.measure_board(user=p["sector_lead"], today=d("14.12.2026"))
    assert {k: zhkh[k] for k in ("sector", "total", "done", "late", "returned")} == {
        "sector": "ЖКХ и благоустройство",
        "total": 2,
        "done": 1,
        "late": 1,
        "returned": 0,
    }
