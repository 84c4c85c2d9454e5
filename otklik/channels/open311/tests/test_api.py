"""GeoReport v2 at /open311/v2/: every document checked against the specification's schemas,
in JSON and in XML."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Answer, Case
from otklik.channels.open311.tests.conftest import BASE, REQUEST
from otklik.channels.open311.tests.spec import check
from otklik.directory.models import Topic
from otklik.intake.models import Delivery, DeliveryStatus, Message

pytestmark = pytest.mark.django_db

FORMATS = ["json", "xml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, region, fmt):
    doc = check(client.get(f"/open311/discovery.{fmt}"), "discovery")
    endpoint = doc["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_topics(client, region, fmt):
    Topic.objects.filter(code="other-gratitude").update(is_active=False)
    services = check(client.get(f"{BASE}/services.{fmt}"), "services")
    codes = [s["service_code"] for s in services]
    assert codes == list(
        Topic.objects.filter(is_active=True)
        .order_by("sector__order", "order", "code")
        .values_list("code", flat=True)
    )
    assert "other-gratitude" not in codes
    by_code = {s["service_code"]: s for s in services}
    heating = by_code["zhkh-heating-outage"]
    assert heating["service_name"] == "Нет отопления, перебои в теплоснабжении дома"
    assert heating["group"] == "ЖКХ и благоустройство"
    assert heating["metadata"] is True and heating["type"] == "batch"
    assert heating["keywords"].startswith("отоплен, нет отопления")
    assert by_code["health-appointment"]["metadata"] is False


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_lists_its_attributes(client, region, fmt):
    doc = check(client.get(f"{BASE}/services/roads-potholes.{fmt}"), "service_definition")
    assert doc["service_code"] == "roads-potholes"
    (attribute,) = doc["attributes"]
    assert attribute["code"] == "road_part" and attribute["datatype"] == "singlevaluelist"
    assert attribute["required"] is False and attribute["variable"] is True
    assert {"key": "sidewalk", "name": "Тротуар"} in attribute["values"]
    heating = check(client.get(f"{BASE}/services/zhkh-heating-outage.{fmt}"), "service_definition")
    assert [a["code"] for a in heating["attributes"]] == ["entrance", "floor", "outage_since"]
    none = check(client.get(f"{BASE}/services/health-appointment.{fmt}"), "service_definition")
    assert none["attributes"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_and_jurisdiction_are_spec_errors(client, region, fmt):
    (err,) = check(client.get(f"{BASE}/services/no-such.{fmt}"), "errors", 404)
    assert err["code"] == 404 and "no-such" in err["description"]
    (err,) = check(client.get(f"{BASE}/services.{fmt}?jurisdiction_id=moscow"), "errors", 404)
    assert err["code"] == 404 and "moscow" in err["description"]
    (err,) = check(client.get(f"{BASE}/requests.{fmt}?jurisdiction_id=99999"), "errors", 404)
    assert err["code"] == 404


def test_unknown_format_is_an_error_in_json(client, region):
    (err,) = check(client.get(f"{BASE}/services.csv"), "errors", 400)
    assert "csv" in err["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_opens_a_case_and_the_request_reads_back_masked(client, post, personas, fmt):
    (answer,) = check(post(fmt, **REQUEST), "post")
    message = Message.objects.get(channel__code="open311")
    case = message.case
    assert answer == {
        "token": message.external_id,
        "service_notice": "Заявка принята; номер появится после регистрации: GET /tokens/{token}.",
    }
    assert number_of(client, answer) == case.number
    assert message.topic.code == "zhkh-heating-outage" and message.author.email == REQUEST["email"]
    assert message.text.endswith("Подъезд: 2; Этаж: 5")
    assert (float(message.latitude), float(message.longitude)) == (48.78612, 44.77321)
    assert message.attachments.get().url == REQUEST["media_url"]
    delivery = Delivery.objects.get(message=message)
    assert "api_key" not in delivery.body and "service_code=zhkh-heating-outage" in delivery.body

    # Before the ЦУР accepted it: its service, status and dates, nothing it says or where.
    (request,) = check(client.get(f"{BASE}/requests/{case.number}.{fmt}"), "requests")
    assert request["service_request_id"] == case.number
    assert request["status"] == "open" and request["service_code"] == "zhkh-heating-outage"
    assert request["service_name"] == "Нет отопления, перебои в теплоснабжении дома"
    assert [request[k] for k in ("description", "address", "lat", "long", "media_url")] == [
        None
    ] * 5
    assert _numbers(client, fmt=fmt) == []  # nor is it listed

    # Accepted, of a topic of public infrastructure: the masked text, the street, the point
    # to about a hundred metres; never the house.
    case = accept(case.number, personas["analyst"])
    assert _numbers(client, fmt=fmt) == [case.number]
    (request,) = check(client.get(f"{BASE}/requests/{case.number}.{fmt}"), "requests")
    assert request["lat"] == 48.786 and request["long"] == 44.773
    assert request["media_url"] == REQUEST["media_url"]
    assert request["address"] == "г. Волжский, ул. Мира"
    assert request["requested_datetime"] == timezone.localtime(case.received_at).isoformat(
        timespec="seconds"
    )
    assert request["expected_datetime"] == timezone.localtime(case.resolution_due).isoformat(
        timespec="seconds"
    )
    assert request["status_notes"] == CaseStatus(case.status).label
    assert request["description"].startswith("Третьи сутки нет отопления в доме.")
    for personal in ("905", "123-45-67", "Иван", "Петров"):
        assert personal not in request["description"]
    # The Swagger's spelling of the path gives the same document.
    assert check(client.get(f"{BASE}/request/{case.number}.{fmt}"), "requests") == [request]


@pytest.mark.parametrize("fmt", FORMATS)
def test_repeated_post_with_the_same_token_changes_nothing(client, post, fmt):
    (first,) = check(post(fmt, token="app-42-7", **REQUEST), "post")
    (again,) = check(post(fmt, token="app-42-7", **REQUEST), "post")
    number = Case.objects.get().number
    assert first["token"] == again["token"] == "app-42-7"
    assert again["service_request_id"] == number_of(client, first) == number
    assert Message.objects.filter(channel__code="open311").count() == 1
    assert Delivery.objects.filter(channel_code="open311").count() == 1
    assert Case.objects.count() == 1


def test_another_systems_token_is_refused(post):
    from otklik.accounts.apikeys import apikey_create

    check(post(token="shared-1", **REQUEST), "post")
    other = apikey_create(system="other-app")[1]
    (err,) = check(post(key=other, token="shared-1", **REQUEST), "errors", 400)
    assert "другой системой" in err["description"]
    assert Message.objects.filter(channel__code="open311").count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_without_a_valid_key_is_refused_and_stores_nothing(post, fmt):
    from otklik.accounts.apikeys import apikey_create, apikey_revoke

    (err,) = check(post(fmt, key=None, **REQUEST), "errors", 403)
    assert err["code"] == 403 and "api_key" in err["description"]
    check(post(fmt, key="otk_wrong", **REQUEST), "errors", 403)
    row, revoked = apikey_create(system="old-app")
    apikey_revoke(api_key=row)
    check(post(fmt, key=revoked, **REQUEST), "errors", 403)
    assert Delivery.objects.count() == 0 and Message.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"service_code": "no-such"}, "service_code: нет услуги «no-such»"),
        ({"service_code": ""}, "service_code: обязательный параметр."),
        ({"lat": "", "long": "", "address_string": ""}, "Укажите место"),
        ({"lat": "north"}, "lat: ожидается число"),
        ({"lat": "91"}, "lat: значение вне диапазона"),
        ({"attribute[floor]": "пятый"}, "attribute[floor]: ожидается число"),
        ({"attribute[colour]": "red"}, "attribute[colour]: у услуги zhkh-heating-outage нет"),
        ({"email": "not-an-address"}, "author.email"),
        (
            {"service_code": "roads-potholes", "attribute[road_part]": "roof"},
            "attribute[road_part]: нет такого значения «roof»",
        ),
    ],
)
def test_malformed_request_waits_in_quarantine(post, change, reason):
    (err,) = check(post("xml", **{**REQUEST, **change}), "errors", 400)
    assert err["code"] == 400 and reason in err["description"]
    delivery = Delivery.objects.get(channel_code="open311")
    assert delivery.status == DeliveryStatus.QUARANTINED and reason in delivery.error
    assert delivery.content_type == "application/x-www-form-urlencoded"
    assert Message.objects.count() == 0


def test_quarantined_request_is_taken_after_a_fix(post, personas):
    from otklik.directory.services import topic_update
    from otklik.intake.services import delivery_retry

    heating = Topic.objects.get(code="zhkh-heating-outage")
    topic_update(actor=personas["curator"], topic=heating, is_active=False)
    check(post(token="late-1", **REQUEST), "errors", 400)
    topic_update(actor=personas["curator"], topic=heating, is_active=True)
    delivery = Delivery.objects.get(channel_code="open311")
    result = delivery_retry(actor=personas["curator"], delivery=delivery)
    assert result.status == "created"
    assert Message.objects.get(pk=result.message_id).external_id == "late-1"


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_gives_the_request_id_once_the_case_is_open(client, post, fmt):
    from otklik.cases.services.opening import case_open_or_join

    (answer,) = check(post(fmt, process=False, token="tok-1", **REQUEST), "post")
    assert "service_request_id" not in answer and answer["token"] == "tok-1"
    assert check(client.get(f"{BASE}/tokens/tok-1.{fmt}"), "token") == [{"token": "tok-1"}]
    case, _ = case_open_or_join(message=Message.objects.get(external_id="tok-1"))
    assert check(client.get(f"{BASE}/tokens/tok-1.{fmt}"), "token") == [
        {"service_request_id": case.number, "token": "tok-1"}
    ]
    check(client.get(f"{BASE}/tokens/unknown.{fmt}"), "errors", 404)


def accept(number: str, analyst) -> Case:
    """The ЦУР accepts the case (routed to the administration of its municipality): from now
    on it is public, when its topic is public infrastructure."""
    from otklik.cases.services.lifecycle import case_accept
    from otklik.directory.models import Organization

    case = Case.objects.select_related("municipality").get(number=number)
    okato = case.municipality.okato if case.municipality else "18410"  # unanalysed: Волжский
    organization = Organization.objects.get(code=f"adm-{okato}")
    return case_accept(case=case, actor=analyst, organization=organization)


def number_of(client, answer: dict) -> str:
    """The request id of a POST's answer: the test client answers before the case opens (the
    tasks queued on commit run after the response), so the token gives it, as to a client."""
    (state,) = check(client.get(f"{BASE}/tokens/{answer['token']}.json"), "token")
    return state["service_request_id"]


def _numbers(client, query: str = "", fmt: str = "json") -> list[str]:
    return [
        r["service_request_id"]
        for r in check(client.get(f"{BASE}/requests.{fmt}{query}"), "requests")
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_request_filters(client, post, personas, fmt):
    from otklik.cases.services.lifecycle import case_reject

    plain = {k: v for k, v in REQUEST.items() if not k.startswith("attribute[")}

    def submit(description: str, **change) -> str:
        (answer,) = check(post(**{**plain, "description": description, **change}), "post")
        return number_of(client, answer)

    heating = submit("Нет отопления в доме на улице Мира, в квартирах холодно.")
    pothole = submit(
        "Глубокая яма на тротуаре у остановки, люди спотыкаются.",
        service_code="roads-potholes",
        email="",
        phone="",
        first_name="",
        last_name="",
        **{"attribute[road_part]": "sidewalk"},
    )
    old = submit(
        "Лифт в подъезде стоит вторую неделю.",
        service_code="zhkh-elevator",
        email="a@example.ru",
        phone="",
    )
    spam = submit(
        "Продаю гараж недорого, звоните.",
        service_code="other-trade",
        email="b@example.ru",
        phone="",
    )
    Case.objects.filter(number=old).update(received_at=timezone.now() - dt.timedelta(days=120))
    for number in (heating, pothole, old):
        accept(number, personas["analyst"])
    case_reject(case=Case.objects.get(number=spam), actor=personas["curator"], reason="Реклама.")
    published = Case.objects.get(number=pothole)
    Case.objects.filter(pk=published.pk).update(status=CaseStatus.PUBLISHED)

    # The list shows the public cases: the advert, set aside, is not one of them.
    assert _numbers(client, fmt=fmt) == [pothole, heating]  # 90 days, newest first
    assert _numbers(client, "?status=open", fmt) == [heating]
    assert _numbers(client, "?status=closed", fmt) == [pothole]
    assert _numbers(client, "?status=open,closed", fmt) == [pothole, heating]
    assert _numbers(client, "?service_code=roads-potholes,other-trade", fmt) == [pothole]
    # A list of ids overrides every other filter (the old one is outside the window).
    assert _numbers(client, f"?service_request_id={old},{heating}&status=closed", fmt) == [
        heating,
        old,
    ]
    now = timezone.now()
    start = (now - dt.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - dt.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _numbers(client, f"?start_date={start}&end_date={end}", fmt) == [old]
    assert _numbers(client, f"?start_date={start}", fmt) == [old]  # 90 days from the start
    assert _numbers(client, f"?end_date={end}", fmt) == [old]  # 90 days up to the end
    # Asked for by its id (the app that filed it follows it), it shows its state only.
    (rejected,) = check(client.get(f"{BASE}/requests/{spam}.{fmt}"), "requests")
    assert rejected["status"] == "closed" and rejected["service_notice"] is None
    assert rejected["status_notes"] == CaseStatus.NO_ANSWER.label
    assert rejected["description"] is None and rejected["address"] is None


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "больше 90 дней"),
        ("?start_date=yesterday", "start_date"),
        ("?end_date=2026-01-01T00:00:00Z&start_date=2026-02-01T00:00:00Z", "раньше"),
        ("?status=pending", "status"),
    ],
)
def test_bad_filters_are_spec_errors(client, region, query, reason):
    (err,) = check(client.get(f"{BASE}/requests.xml{query}"), "errors", 400)
    assert reason in err["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_municipal_jurisdiction_restricts_requests(client, post, personas, fmt):
    (mine,) = check(post(jurisdiction_id="18410", **REQUEST), "post")
    elsewhere_request = {
        **REQUEST,
        "email": "x@example.ru",
        "phone": "",
        "description": "Во всём квартале на окраине города не включили батареи после ремонта.",
    }
    (elsewhere,) = check(post(jurisdiction_id="18415", **elsewhere_request), "post")
    number = number_of(client, mine)
    assert Case.objects.get(number=number).municipality.okato == "18410"
    for accepted in (number, number_of(client, elsewhere)):
        accept(accepted, personas["analyst"])
    assert _numbers(client, "?jurisdiction_id=18410", fmt) == [number]
    assert _numbers(client, "?jurisdiction_id=volgograd-oblast", fmt) == [
        number_of(client, elsewhere),
        number,
    ]
    check(client.get(f"{BASE}/requests/{number}.{fmt}?jurisdiction_id=18415"), "errors", 404)


def test_requests_of_other_channels_are_not_shown(
    client, region, django_capture_on_commit_callbacks
):
    from otklik.intake.services import delivery_receive

    with django_capture_on_commit_callbacks(execute=True):
        delivery_receive(
            source="api",
            body='{"channel": "pos", "external_id": "p1", "text": "Нет отопления на ул. Мира, 3"}',
        )
    assert Case.objects.count() == 1
    assert _numbers(client) == []
    number = Case.objects.get().number
    check(client.get(f"{BASE}/requests/{number}.json"), "errors", 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_published_answer_closes_the_request_with_masked_notes(
    client, post, personas, django_capture_on_commit_callbacks, fmt
):
    from otklik.cases.services.answers import answer_approve, answer_submit
    from otklik.cases.services.lifecycle import case_accept
    from otklik.directory.models import Organization

    (answer,) = check(post(jurisdiction_id="18410", **REQUEST), "post")
    case = Case.objects.get(number=number_of(client, answer))
    case_accept(
        case=case,
        actor=personas["analyst"],
        organization=Organization.objects.get(code="adm-18410"),
    )
    reply = answer_submit(
        case=case,
        actor=personas["org_operator"],
        text="Иван Петров, отопление в доме включено 27.11, аварийная бригада устранила течь.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=reply, actor=personas["analyst"])
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    (request,) = check(client.get(f"{BASE}/requests/{case.number}.{fmt}"), "requests")
    assert request["status"] == "closed"
    assert "отопление в доме включено 27.11" in request["status_notes"]
    assert "Петров" not in request["status_notes"]
    reply.refresh_from_db()
    assert reply.text_masked == request["status_notes"]  # masked when published, and kept
    # An answer published before the column existed is masked when first shown, and kept.
    Answer.objects.filter(pk=reply.pk).update(text_masked="")
    (again,) = check(client.get(f"{BASE}/requests/{case.number}.{fmt}"), "requests")
    assert again["status_notes"] == request["status_notes"]
    assert Answer.objects.get(pk=reply.pk).text_masked == request["status_notes"]
    assert request["agency_responsible"] == Organization.objects.get(code="adm-18410").short_name
    assert request["updated_datetime"] == timezone.localtime(case.published_at).isoformat(
        timespec="seconds"
    )


def test_a_body_that_is_not_a_form_waits_in_quarantine_as_it_came(client, api_key):
    body = '{"service_code": "roads-potholes", "lat": 48.7, "long": 44.5}'
    response = client.post(
        f"{BASE}/requests.json?api_key={api_key}", body, content_type="application/json"
    )
    (err,) = check(response, "errors", 400)
    assert "не в формате формы (application/json)" in err["description"]
    delivery = Delivery.objects.get(channel_code="open311")
    assert (delivery.body, delivery.content_type) == (body, "application/json")
    assert delivery.status == DeliveryStatus.QUARANTINED and Message.objects.count() == 0


def test_xml_leaves_out_characters_xml_does_not_allow(client, post, personas):
    (answer,) = check(post(**{**REQUEST, "address_string": "ул.\x01 Мира,\x0b 10"}), "post")
    number = accept(number_of(client, answer), personas["analyst"]).number
    (request,) = check(client.get(f"{BASE}/requests/{number}.xml"), "requests")
    assert request["address"] == "ул. Мира"


def test_unanalysed_descriptions_are_masked_once_and_stored(
    client, post, personas, settings, monkeypatch
):
    import otklik.nlp.masking

    settings.OTKLIK_NLP_ON_INTAKE = False  # no pipeline: the endpoint masks by itself
    (answer,) = check(post(**REQUEST), "post")
    number = accept(number_of(client, answer), personas["analyst"]).number
    message = Message.objects.get(channel__code="open311")
    assert message.text_masked == ""  # not analysed: nothing masked yet
    calls = []
    real = otklik.nlp.masking.mask_many
    monkeypatch.setattr(
        otklik.nlp.masking, "mask_many", lambda texts: calls.append(list(texts)) or real(texts)
    )
    for fmt in FORMATS:
        (request,) = check(client.get(f"{BASE}/requests/{number}.{fmt}"), "requests")
        assert request["description"].startswith("Третьи сутки нет отопления в доме.")
        for personal in ("905", "123-45-67", "Иван", "Петров"):
            assert personal not in request["description"]
    assert calls == [[message.text]]  # masked on the first read only
    message.refresh_from_db()
    assert message.text_masked == request["description"]  # stored: no other process masks it


def test_analysed_description_is_read_from_the_stored_column(client, post, personas, monkeypatch):
    import otklik.nlp.masking

    (answer,) = check(post(**REQUEST), "post")  # the pipeline runs: it stores the masked text
    accept(number_of(client, answer), personas["analyst"])
    message = Message.objects.get(channel__code="open311")
    assert message.text_masked == message.analysis.result["text_masked"]
    assert "Петров" not in message.text_masked and "Третьи сутки" in message.text_masked
    monkeypatch.setattr(otklik.nlp.masking, "mask_many", lambda texts: pytest.fail("masked"))
    (request,) = check(client.get(f"{BASE}/requests.json"), "requests")
    assert request["description"] == message.text_masked
