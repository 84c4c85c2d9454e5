"""The queue page and the case page per role: what each role sees (and does not), the tabs and
their counts, filters and search, the HTMX partial, deadline indicators, bulk moderation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case, CaseEvent
from otklik.cases.services.deadlines import deadline_sweep
from otklik.cases.services.lifecycle import case_accept
from otklik.directory.models import Organization

LIST = reverse("cases:list")
ROLES = [
    "curator",
    "executor",
    "head",
    "analyst",
    "auditor",
    "sector_lead",
    "org_operator",
    "municipal_coordinator",
]


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def detail(case: Case) -> str:
    return reverse("cases:detail", args=[case.number])


def shown(response) -> set[str]:
    return {c.number for c in response.context["page"].object_list}


@pytest.fixture
def scoped_cases(personas, make_case):
    """Cases across the scoped personas' zones (ЖКХ, Волжский 18410, its administration)."""
    curator = personas["curator"]

    def accepted(organization: str, **kwargs) -> Case:
        return case_accept(case=make_case(**kwargs), actor=curator, organization=org(organization))

    return {
        "new": make_case(),  # ЖКХ in Волжский, waiting for the ЦУР
        "all_three": accepted("adm-18410"),
        "sector_only": accepted("adm-18401", okato="18401"),
        "municipality_only": accepted("adm-18401", topic="roads-potholes"),
        "organization_only": accepted("adm-18410", topic="roads-potholes", okato="18401"),
        "none": accepted("adm-18401", topic="roads-potholes", okato="18401"),
    }


def numbers(cases: dict[str, Case], *keys: str) -> set[str]:
    return {cases[k].number for k in keys}


ALL_KEYS = ("new", "all_three", "sector_only", "municipality_only", "organization_only", "none")
VISIBLE = {
    "curator": ALL_KEYS,
    "executor": ALL_KEYS,
    "head": ALL_KEYS,
    "analyst": ALL_KEYS,
    "auditor": ALL_KEYS,
    "sector_lead": ("new", "all_three", "sector_only"),
    "org_operator": ("all_three", "organization_only"),
    "municipal_coordinator": ("new", "all_three", "municipality_only"),
}


def test_queue_page_sends_anonymous_users_to_login(client, region):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
def test_queue_all_shows_exactly_the_cases_in_the_users_scope(client, personas, scoped_cases, role):
    # given six cases across the scopes
    client.force_login(personas[role])

    # when the persona opens the «all» tab
    response = client.get(LIST, {"queue": "all"})

    # then it lists exactly the cases of their scope
    assert response.status_code == 200
    assert shown(response) == numbers(scoped_cases, *VISIBLE[role])


@pytest.mark.parametrize(
    ("role", "default", "tabs"),
    [
        (
            "curator",
            "triage",
            ["triage", "overdue", "near_deadline", "answer_review", "open", "all"],
        ),
        (
            "analyst",
            "triage",
            ["triage", "overdue", "near_deadline", "answer_review", "open", "all"],
        ),
        (
            "auditor",
            "triage",
            ["triage", "overdue", "near_deadline", "answer_review", "open", "all"],
        ),
        (
            "sector_lead",
            "open",
            ["triage", "overdue", "near_deadline", "answer_review", "open", "all"],
        ),
        ("org_operator", "mine", ["mine", "overdue", "near_deadline", "open", "all"]),
        ("municipal_coordinator", "open", ["overdue", "near_deadline", "open", "all"]),
    ],
)
def test_each_role_gets_its_tabs_and_default_queue(
    client, personas, scoped_cases, role, default, tabs
):
    client.force_login(personas[role])

    response = client.get(LIST)

    assert response.context["queue"] == default
    assert [t["name"] for t in response.context["tabs"]] == tabs
    assert [t["name"] for t in response.context["tabs"] if t["active"]] == [default]


def test_tab_counts_are_the_queue_sizes_for_the_user(client, personas, scoped_cases):
    client.force_login(personas["org_operator"])

    response = client.get(LIST)

    counts = {t["name"]: t["count"] for t in response.context["tabs"]}
    assert counts == {"mine": "2", "overdue": "0", "near_deadline": "0", "open": "2", "all": "2"}
    body = response.content.decode()
    assert 'data-testid="tab-count-mine">2<' in body
    assert shown(response) == numbers(scoped_cases, "all_three", "organization_only")


def test_triage_tab_holds_only_new_cases(client, personas, scoped_cases):
    client.force_login(personas["analyst"])

    response = client.get(LIST, {"queue": "triage"})

    assert shown(response) == numbers(scoped_cases, "new")
    assert response.context["bulk_form"] is not None


def test_an_unknown_or_foreign_tab_falls_back_to_the_default(client, personas, scoped_cases):
    # the municipal coordinator has no «mine» tab (no organisation)
    client.force_login(personas["municipal_coordinator"])

    response = client.get(LIST, {"queue": "mine"})

    assert response.context["queue"] == "open"
    assert shown(response) == numbers(scoped_cases, "new", "all_three", "municipality_only")


def test_overdue_tab_shows_the_breach_in_words_and_red(client, personas, make_case):
    # given a case received 60 days ago (its answer was due long ago) and a fresh one
    late = make_case(received_at=timezone.now() - dt.timedelta(days=60))
    make_case(topic="roads-potholes")
    client.force_login(personas["analyst"])

    # when the analyst opens the overdue tab
    response = client.get(LIST, {"queue": "overdue"})

    # then only the late case is there, its indicator says by how much, in the breach colour
    assert shown(response) == {late.number}
    overdue_days = (timezone.now() - late.resolution_due).days
    body = response.content.decode()
    assert f"просрочено на {overdue_days} дн." in body
    assert 'class="deadline deadline--breach"' in body


def test_near_deadline_tab_shows_the_warned_case_in_amber(client, personas, make_case):
    # given a fresh message the sweep has warned about (90 % of its time has passed) and an
    # appeal under 59-ФЗ (30 days) received at the same time, not yet near its deadline
    warned = make_case()
    make_case(topic="roads-potholes", channel="paper", kind="appeal_59fz")
    deadline_sweep(now=warned.resolution_due - dt.timedelta(minutes=1))
    warned.refresh_from_db()
    assert warned.warning_level >= 1
    client.force_login(personas["analyst"])

    response = client.get(LIST, {"queue": "near_deadline"})

    assert shown(response) == {warned.number}
    body = response.content.decode()
    assert body.count('class="deadline deadline--warn"') == 1
    assert "осталось" in body


def test_filters_and_search_narrow_the_queue(client, personas, scoped_cases):
    client.force_login(personas["curator"])

    by_sector = client.get(LIST, {"queue": "all", "sector": "roads"})
    by_org = client.get(LIST, {"queue": "all", "organization": "adm-18410"})
    by_status = client.get(LIST, {"queue": "all", "status": "new"})
    by_place = client.get(
        LIST, {"queue": "all", "municipality": "18401", "topic": "zhkh-hot-water"}
    )
    by_number = client.get(LIST, {"queue": "all", "q": scoped_cases["none"].number})

    assert shown(by_sector) == numbers(
        scoped_cases, "municipality_only", "organization_only", "none"
    )
    assert shown(by_org) == numbers(scoped_cases, "all_three", "organization_only")
    assert shown(by_status) == numbers(scoped_cases, "new")
    assert shown(by_place) == numbers(scoped_cases, "sector_only")
    assert shown(by_number) == numbers(scoped_cases, "none")


def test_a_filter_never_widens_the_scope(client, personas, scoped_cases):
    client.force_login(personas["org_operator"])

    response = client.get(LIST, {"queue": "all", "organization": "adm-18401"})

    assert shown(response) == set()


def test_search_finds_words_of_the_messages(client, personas, make_case):
    wanted = make_case(text="Во дворе дома на Пушкина, 5 прорвало трубу, вода течёт в подвал.")
    make_case(topic="roads-potholes", text="Яма на дороге у остановки Дружба, уже две недели.")
    client.force_login(personas["curator"])

    response = client.get(LIST, {"queue": "all", "q": "подвал"})

    assert shown(response) == {wanted.number}


def test_htmx_request_gets_only_the_table_with_its_tabs(client, personas, scoped_cases):
    client.force_login(personas["curator"])

    full = client.get(LIST, {"queue": "all", "sector": "zhkh"})
    partial = client.get(LIST, {"queue": "all", "sector": "zhkh"}, headers={"HX-Request": "true"})

    assert full.templates[0].name == "cases/case_list.html"
    assert partial.templates[0].name == "cases/_case_table.html"
    assert b"<html" not in partial.content
    assert b'data-testid="case-table"' in partial.content
    assert b'data-testid="queue-tabs"' in partial.content
    assert shown(partial) == numbers(scoped_cases, "new", "all_three", "sector_only")
    # the tabs keep the filter
    assert 'href="/cases/?sector=zhkh&amp;queue=open"' in partial.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_queue_paginates_by_25(client, personas, make_case):
    for _ in range(27):
        make_case()
    client.force_login(personas["analyst"])

    first = client.get(LIST, {"queue": "triage"})
    second = client.get(LIST, {"queue": "triage", "page": "2"})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2
    assert "стр. 1 из 2" in first.content.decode()


# --- the case page ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "key"),
    [
        ("org_operator", "sector_only"),
        ("org_operator", "new"),
        ("sector_lead", "organization_only"),
        ("municipal_coordinator", "none"),
    ],
)
def test_case_page_out_of_scope_is_404(client, personas, scoped_cases, role, key):
    client.force_login(personas[role])

    response = client.get(detail(scoped_cases[key]))

    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_case_page_of_a_missing_number_is_404(client, personas, region):
    client.force_login(personas["curator"])

    assert client.get(reverse("cases:detail", args=["2026-9999999"])).status_code == 404


@pytest.mark.parametrize(
    ("role", "visible"),
    [(r, True) for r in ROLES[:4]]
    + [
        ("auditor", False),
        ("sector_lead", False),
        ("municipal_coordinator", False),
    ],
)
def test_authors_personal_data_only_for_cur_roles(client, personas, make_case, role, visible):
    case = make_case(phone="+79615550101")
    client.force_login(personas[role])

    body = client.get(detail(case)).content.decode()

    assert ("Петрова Анна" in body) is visible
    assert ("+79615550101" in body) is visible
    assert ("скрыто" in body) is not visible


def test_case_page_shows_summary_messages_deadlines_and_timeline(client, personas, scoped_cases):
    case = scoped_cases["all_three"]
    client.force_login(personas["org_operator"])

    response = client.get(detail(case))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"Инцидент № {case.number}" in body
    assert "Администрация городского округа город Волжский" in body
    assert "Третий день нет горячей воды" in body
    assert 'data-testid="case-deadline"' in body
    assert [e.title for e in response.context["timeline"]] == [
        "Поступило сообщение, инцидент открыт",
        "Принят ЦУР и направлен: Администрация г. Волжского",
    ]


def _actions(response) -> set[str]:
    return {name for name, form in response.context["forms"].items() if form is not None}


@pytest.mark.parametrize(
    ("role", "key", "expected"),
    [
        ("analyst", "new", {"accept", "reject", "assign", "merge"}),
        ("sector_lead", "new", {"accept", "reject", "assign", "merge"}),
        ("auditor", "new", set()),
        ("municipal_coordinator", "new", set()),
        ("org_operator", "all_three", {"take", "answer", "redirect", "request_info"}),
        ("auditor", "all_three", set()),
    ],
)
def test_case_page_offers_the_actions_of_the_role_in_this_state(
    client, personas, scoped_cases, role, key, expected
):
    client.force_login(personas[role])

    response = client.get(detail(scoped_cases[key]))

    assert _actions(response) == expected


def test_accept_form_is_preselected_by_the_routing_rules(
    client, personas, volzhsky_rule, make_case
):
    case = make_case()
    client.force_login(personas["analyst"])

    response = client.get(detail(case))

    assert response.context["routed"].code == "adm-18410"
    assert '<option value="adm-18410" selected>' in response.content.decode()


# --- bulk moderation ------------------------------------------------------------------------
BULK = reverse("cases:bulk")


def test_bulk_accept_reports_successes_and_failures(client, personas, volzhsky_rule, make_case):
    # given two ЖКХ cases in Волжский (a rule routes them) and a roads case no rule covers
    routed = [make_case(), make_case()]
    stray = make_case(topic="roads-potholes", okato="18401")
    client.force_login(personas["analyst"])

    # when the analyst accepts all three at once
    response = client.post(
        BULK,
        {
            "action": "accept",
            "cases": [c.number for c in [*routed, stray]],
            "next": f"{LIST}?queue=triage",
        },
        follow=True,
    )

    # then two are accepted and routed, the third stays in triage with the reason shown
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [
        "Принято: 2 из 3.",
        "Не выполнено: 1 из 3.",
        f"{stray.number}: Правило маршрутизации не нашло организацию: укажите её вручную.",
    ]
    assert response.redirect_chain[-1][0] == f"{LIST}?queue=triage"
    states = {c.number: (c.status, c.organization_id) for c in Case.objects.all()}
    volzhsky = org("adm-18410").pk
    assert states == {
        routed[0].number: (CaseStatus.ASSIGNED, volzhsky),
        routed[1].number: (CaseStatus.ASSIGNED, volzhsky),
        stray.number: (CaseStatus.NEW, None),
    }


def test_bulk_reject_with_one_reason(client, personas, make_case):
    cases = [make_case(), make_case(topic="roads-potholes")]
    client.force_login(personas["curator"])

    response = client.post(
        BULK,
        {"action": "reject", "cases": [c.number for c in cases], "reason": "Спам, рассылка"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Отмечено «ответ не требуется»: 2 из 2."
    ]
    assert set(Case.objects.values_list("status", flat=True)) == {CaseStatus.NO_ANSWER}
    assert list(CaseEvent.objects.filter(kind="reject").values_list("case__number", "text")) == [
        (c.number, "Спам, рассылка") for c in cases
    ]


def test_bulk_assign_to_one_organisation(client, personas, make_case):
    cases = [make_case(), make_case(topic="roads-potholes", okato="18401")]
    client.force_login(personas["analyst"])

    client.post(
        BULK,
        {"action": "assign", "cases": [c.number for c in cases], "organization": "adm-18401"},
    )

    assert set(Case.objects.values_list("number", "status", "organization__code")) == {
        (c.number, CaseStatus.ASSIGNED, "adm-18401") for c in cases
    }


def test_bulk_reject_without_a_reason_changes_nothing(client, personas, make_case):
    case = make_case()
    client.force_login(personas["analyst"])

    response = client.post(BULK, {"action": "reject", "cases": [case.number]}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Проверьте форму. Причина (для «ответ не требуется»): "
        "Укажите причину, почему ответ не требуется."
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_bulk_skips_cases_out_of_the_sector_leads_scope(client, personas, make_case):
    # given a sector lead of ЖКХ and a roads case outside their sector
    own = make_case()
    foreign = make_case(topic="roads-potholes", okato="18401")
    client.force_login(personas["sector_lead"])

    response = client.post(
        BULK,
        {"action": "reject", "cases": [own.number, foreign.number], "reason": "Не проблема"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Отмечено «ответ не требуется»: 1 из 2.",
        "Не выполнено: 1 из 2.",
        f"{foreign.number}: инцидент не найден или вам недоступен",
    ]
    foreign.refresh_from_db()
    assert foreign.status == CaseStatus.NEW


@pytest.mark.parametrize("role", ["org_operator", "auditor", "municipal_coordinator"])
def test_bulk_is_refused_to_roles_that_do_not_moderate(client, personas, make_case, role):
    case = make_case()
    client.force_login(personas[role])

    response = client.post(BULK, {"action": "reject", "cases": [case.number], "reason": "x"})

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_queue_page_queries_do_not_grow_with_the_rows(client, personas, make_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_case()
    client.force_login(personas["curator"])
    client.get(LIST, {"queue": "all"})  # warm caches (session, reference data)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"queue": "all"})
    for _ in range(5):
        make_case(topic="roads-potholes", okato="18401")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST, {"queue": "all"})

    assert len(response.context["page"].object_list) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_counts_stop_at_the_cap_and_say_so(client, personas, make_case, monkeypatch):
    # given more cases than the (lowered) cap of the queue page's counts
    monkeypatch.setattr("otklik.cases.views.queue.LIST_COUNT_CAP", 3)
    for _ in range(5):
        make_case()
    client.force_login(personas["analyst"])

    response = client.get(LIST, {"queue": "triage"})

    counts = {t["name"]: t["count"] for t in response.context["tabs"]}
    assert (counts["triage"], counts["overdue"]) == ("3+", "0")
    assert (response.context["page"].paginator.count, len(shown(response))) == (3, 3)
    assert "Модерация ЦУР: <strong>более 3</strong>" in response.content.decode()
