"""The pages: the head sends from the list page, the operator sees its queue on the home page
and answers with a file, the head returns and accepts from the consolidated table; another
organisation's operator gets 404 everywhere."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from otklik.correspondence.models import Assignment, Item, Reply
from otklik.correspondence.tests.shared import Unchanged, orgs


def _in(client, user):
    client.force_login(user)
    return client


def test_send_answer_return_accept_through_the_pages(client, people):
    p = people
    zhkh, adm = orgs("kom-zhkh", "adm-18410")
    page = _in(client, p["head"]).get("/correspondence/")
    assert page.status_code == 200
    assert page.context["form"]["due"].value().isoformat() == "2026-12-24"
    sent = client.post(
        "/correspondence/",
        {
            "kind": "request",
            "organizations": [zhkh.pk, adm.pk],
            "subject": "Сведения о котельных",
            "text": "Представьте сведения.",
            "due": "2026-12-17",
            "files": [SimpleUploadedFile("форма.xlsx", b"PK form")],
        },
    )
    a = Assignment.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/correspondence/{a.pk}/"
    assert a.files.get().name == "форма.xlsx"
    item = a.items.get(organization=adm)

    # the operator: its queue on the home page and on the list page
    home = _in(client, p["op_adm"]).get("/")
    card = {t.key: t for t in home.context["tasks"]}["correspondence"]
    assert (card.count, card.url) == (1, "/correspondence/")
    queue = client.get("/correspondence/")
    assert [r["item"].pk for r in queue.context["items"]] == [item.pk]
    assert client.get(f"/correspondence/{a.pk}/")["Location"] == f"/correspondence/item/{item.pk}/"
    empty = client.post(f"/correspondence/item/{item.pk}/answer/", {"text": ""})
    assert empty.status_code == 302 and Reply.objects.count() == 0
    client.post(
        f"/correspondence/item/{item.pk}/answer/",
        {"text": "Сведения прилагаем.", "files": [SimpleUploadedFile("акт.pdf", b"%PDF")]},
    )
    assert Item.objects.get(pk=item.pk).state == "answered"
    reply_file = Reply.objects.get().files.get()
    assert client.get(f"/correspondence/file/{reply_file.pk}/").status_code == 200

    # the head: a return without a reason changes nothing, with one it returns; then accepts
    _in(client, p["head"])
    table = client.get(f"/correspondence/{a.pk}/")
    assert [r.state for r in table.context["rows"]] == ["answered", "sent"]
    assert b'data-testid="consolidated"' in table.content
    client.post(f"/correspondence/item/{item.pk}/return/", {"reason": " ", "back": "assignment"})
    assert Item.objects.get(pk=item.pk).state == "answered"
    client.post(f"/correspondence/item/{item.pk}/return/", {"reason": "Нет таблицы."})
    assert Item.objects.get(pk=item.pk).state == "returned"
    _in(client, p["op_adm"]).post(
        f"/correspondence/item/{item.pk}/answer/", {"text": "Таблица приложена."}
    )
    _in(client, p["head"]).post(f"/correspondence/item/{item.pk}/accept/", {})
    assert Item.objects.get(pk=item.pk).state == "accepted"


def test_another_organisation_sees_nothing_through_the_pages(client, people):
    from otklik.correspondence.services import assignment_send
    from otklik.correspondence.tests.shared import d, pdf

    p = people
    a = assignment_send(
        actor=p["head"], kind="task", subject="Т", text="Т", due=d("17.12.2026"),
        organizations=orgs("adm-18410"), files=[pdf()],
    )  # fmt: skip
    item = a.items.get()
    _in(client, p["op_tek"])
    assert client.get("/correspondence/").context["items"] == []
    for url in (
        f"/correspondence/{a.pk}/",
        f"/correspondence/item/{item.pk}/",
        f"/correspondence/file/{a.files.get().pk}/",
    ):
        assert client.get(url).status_code == 404, url
    unchanged = Unchanged(Reply)
    assert client.post(f"/correspondence/item/{item.pk}/answer/", {"text": "x"}).status_code == 404
    unchanged.check()
    # a municipality's coordinator has no such page
    assert _in(client, p["municipal_coordinator"]).get("/correspondence/").status_code == 403
    # an operator may not send
    assert _in(client, p["op_adm"]).post("/correspondence/", {"kind": "task"}).status_code == 403


def test_a_measure_is_sent_from_the_measures_page(client, people):
    from otklik.correspondence.tests.shared import d
    from otklik.directory.models import Sector
    from otklik.problems.services import measure_add, problem_create

    p = people
    problem = problem_create(
        actor=p["head"], title="Аварии на сетях", sector=Sector.objects.get(code="zhkh")
    )
    measure = measure_add(
        actor=p["head"], problem=problem, text="Заменить сети", deadline=d("18.12.2026"),
        organization=orgs("kom-zhkh")[0],
    )  # fmt: skip
    page = _in(client, p["sector_lead"]).get("/correspondence/measures/")
    assert page.context["to_send"] == [measure]
    sent = client.post("/correspondence/measures/", {"measure": measure.pk})
    a = Assignment.objects.get(measure=measure)
    assert sent["Location"] == f"/correspondence/{a.pk}/"
    page = client.get("/correspondence/measures/")
    assert page.context["to_send"] == []
    assert [(s["sector"], s["in_work"]) for s in page.context["board"]] == [
        ("ЖКХ и благоустройство", 1)
    ]
    # an operator may not send it
    assert (
        _in(client, p["op_zhkh"])
        .post("/correspondence/measures/", {"measure": measure.pk})
        .status_code
        == 403
    )


def test_an_incoming_request_through_the_pages(client, people):
    import io
    import zipfile

    from otklik.correspondence.models import Incoming

    p = people
    _in(client, p["executor"])
    made = client.post(
        "/correspondence/incoming/",
        {
            "source": "competence_centre",
            "sender_name": "Центр компетенций ЦУР",
            "their_number": "ЦК-17",
            "their_date": "2026-12-09",
            "subject": "Сведения о ЦУР",
            "text": "Просим сведения.",
            "due": "2026-12-16",
            "assignee": p["analyst"].pk,
            "files": [SimpleUploadedFile("запрос.pdf", b"%PDF req")],
        },
    )
    incoming = Incoming.objects.get()
    assert made["Location"] == f"/correspondence/incoming/{incoming.pk}/"
    assert (incoming.state, incoming.assignee, incoming.files.count()) == (
        "in_work",
        p["analyst"],
        1,
    )
    _in(client, p["analyst"]).post(
        f"/correspondence/incoming/{incoming.pk}/",
        {"verb": "answer", "text": "Сведения прилагаем.", "analytics_month": "2026-11"},
    )
    incoming.refresh_from_db()
    assert (incoming.state, incoming.answer_parts) == (
        "on_approval",
        [{"part": "analytics_monthly", "month": "2026-11"}],
    )
    page = client.get(f"/correspondence/incoming/{incoming.pk}/")
    assert page.context["panel"]["approval"].kind == "corr_answer"
    package = client.get(f"/correspondence/incoming/{incoming.pk}/package.zip")
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert sorted(names) == ["SHA256SUMS.txt", "аналитический-отчёт-2026-11.pdf", "ответ.txt"]
    # organisations have no incoming requests
    assert _in(client, p["op_adm"]).get("/correspondence/incoming/").status_code == 403
    assert client.get(f"/correspondence/incoming/{incoming.pk}/").status_code == 404
