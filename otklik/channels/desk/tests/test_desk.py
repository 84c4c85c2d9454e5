"""The operator's desk: calls and paper letters registered by an operator follow the usual path
(a delivery first, then a message and its case); bad input is refused with Russian words and
nothing is stored; a failure after storing leaves the delivery in the quarantine."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from otklik.cases.choices import AnswerStatus
from otklik.cases.models import Answer
from otklik.cases.services.routing import route_case
from otklik.channels.desk.printing import answer_letter, letter_pdf
from otklik.channels.desk.services import AppealInput, FileIn, appeal_register
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.directory.models import Organization
from otklik.intake.models import Delivery, DeliveryStatus, Message
from otklik.intake.selectors import delivery_body_for
from otklik.intake.services import delivery_retry

INN, OGRN = "7707083893", "1027700132195"  # check digits hold
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _now() -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(minutes=5)


def _local(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


def call_form(**over) -> dict:
    data = {
        "submission": str(uuid.uuid4()),
        "channel": "phone",
        "kind": "message",
        "received_at": _local(_now()),
        "applicant": "person",
        "name": "Петрова Анна Сергеевна",
        "phone": "+7 961 000-00-01",
        "address": "ул. Мира, 5",
        "municipality": "18410",
        "text": "Во дворе дома 5 по улице Мира вторую неделю не горит фонарь.",
        "consent": "on",
    }
    return {**data, **over}


def letter(**over) -> AppealInput:
    data = {
        "channel": "paper",
        "kind": "appeal_59fz",
        "received_at": _now(),
        "text": "Просим отремонтировать кровлю дома 12 по ул. Ленина: течёт в подъезде.",
        "legal_entity": True,
        "legal_name": "ООО «Управляющая компания Дом»",
        "inn": INN,
        "ogrn": OGRN,
        "name": "Сидоров Иван Петрович",
        "postal_address": "400005, г. Волгоград, пр. Ленина, 12, оф. 3",
        "incoming_number": "Вх-123/2026",
        "letter_date": timezone.localdate() - dt.timedelta(days=2),
        "address": "ул. Ленина, 12",
        "files": [FileIn(name="скан.pdf", content=PDF)],
    }
    return AppealInput(**{**data, **over})


def test_a_phone_call_of_a_person_becomes_a_message_with_its_case(
    client, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("channels_desk:register"), call_form(), follow=True)

    message = Message.objects.select_related("author", "case").get()
    assert (message.channel.code, message.kind.code) == ("phone", "message")
    assert message.external_id.startswith("ТЛФ-")
    assert message.author.name == "Петрова Анна Сергеевна"
    assert message.author.phone == "+7 961 000-00-01"
    assert message.author.consent_personal_data and message.author.consent_channel == "phone"
    assert message.case is not None and message.case.channel.code == "phone"
    assert message.raw["desk"]["registered_by"] == "analyst"
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PARSED and delivery.message == message
    assert f"Зарегистрировано: сообщение № {message.external_id}" in response.content.decode()


def test_a_paper_letter_of_a_legal_entity_keeps_its_contact_and_scan(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = appeal_register(actor=personas["executor"], data=letter())

    message = Message.objects.select_related("author", "case").get()
    assert result.status == "created" and result.message == message
    assert (message.channel.code, message.kind.code) == ("paper", "appeal_59fz")
    contact = message.author
    assert (contact.legal_name, contact.inn, contact.ogrn, contact.name) == (
        "ООО «Управляющая компания Дом»",
        INN,
        OGRN,
        "Сидоров Иван Петрович",
    )
    assert contact.postal_address.startswith("400005")
    assert not contact.consent_personal_data  # an appeal under 59-ФЗ asks none
    (scan,) = message.attachments.all()
    assert (scan.name, scan.content_type, scan.size) == ("скан.pdf", "application/pdf", len(PDF))
    assert scan.file.read() == PDF
    assert message.raw["desk"]["incoming_number"] == "Вх-123/2026"
    assert message.case is not None and result.reread().case_number == message.case.number

    # the same company's next letter finds it by its ИНН, not a citizen with that phone
    with django_capture_on_commit_callbacks(execute=True):
        appeal_register(actor=personas["executor"], data=letter(name="Новое Лицо"))
    assert Message.objects.filter(author=contact).count() == 2
    contact.refresh_from_db()
    assert contact.name == "Новое Лицо"


def test_a_form_sent_twice_registers_once(personas, django_capture_on_commit_callbacks):
    data = letter()
    with django_capture_on_commit_callbacks(execute=True):
        first = appeal_register(actor=personas["head"], data=data)
        again = appeal_register(actor=personas["head"], data=data)
    assert again.status == "duplicate" and again.message == first.message
    assert Delivery.objects.count() == 1 and Message.objects.count() == 1


@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        ({"inn": "7707083894"}, "inn", "ИНН с ошибкой: не сходится контрольная цифра."),
        ({"ogrn": "1027700132196"}, "ogrn", "ОГРН с ошибкой: не сходится контрольная цифра."),
        ({"inn": "77070838"}, "inn", "ИНН юридического лица — 10 цифр."),
        (
            {"received_at": timezone.now() + dt.timedelta(hours=2)},
            "received_at",
            "Дата и время поступления не могут быть в будущем.",
        ),
        (
            {"postal_address": "", "email": ""},
            "postal_address",
            "Укажите почтовый адрес (ответ на письмо направляется почтой) или эл. почту.",
        ),
        (
            {"files": [FileIn(name="письмо.docx", content=b"PK\x03\x04 word")]},
            "files",
            "Файл «письмо.docx»: подходят скан в PDF, JPEG или PNG.",
        ),
        ({"channel": "phone", "kind": "complaint_210fz"}, "kind", "возможны"),
        ({"kind": "message"}, "consent", "согласие заявителя"),
    ],
)
def test_a_wrong_registration_is_refused_and_nothing_is_stored(personas, over, field, words):
    with pytest.raises(ApplicationError) as refused:
        appeal_register(actor=personas["analyst"], data=letter(**over))
    assert any(words in text for text in refused.value.extra["errors"][field])
    assert not Delivery.objects.exists() and not Message.objects.exists()


def test_a_letter_with_only_an_email_needs_no_postal_address(personas):
    result = appeal_register(
        actor=personas["analyst"], data=letter(postal_address="", email="uk@example.ru")
    )
    assert result.status == "created"


def test_the_page_shows_the_errors_in_russian_and_stores_nothing(client, personas):
    client.force_login(personas["analyst"])
    form = call_form(
        channel="paper",
        kind="appeal_59fz",
        applicant="legal",
        legal_name="ООО «Ромашка»",
        inn="7707083894",
        ogrn=OGRN,
        incoming_number="12",
        received_at=_local(timezone.now() + dt.timedelta(days=1)),
    )
    response = client.post(reverse("channels_desk:register"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "ИНН с ошибкой: не сходится контрольная цифра." in page
    assert "Дата и время поступления не могут быть в будущем." in page
    assert "Укажите почтовый адрес (ответ на письмо направляется почтой) или эл. почту." in page
    assert not Delivery.objects.exists() and not Message.objects.exists()


def test_a_scan_goes_up_with_the_page(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas["executor"])
    form = call_form(
        channel="paper",
        kind="appeal_59fz",
        postal_address="400066, г. Волгоград, ул. Мира, 5, кв. 1",
        incoming_number="Вх-7",
        letter_date=str(timezone.localdate()),
        files=[SimpleUploadedFile("лист1.png", PNG, "image/png")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("channels_desk:register"), form)
    message = Message.objects.get()
    assert message.channel.code == "paper"
    assert [a.content_type for a in message.attachments.all()] == ["image/png"]


def test_a_failure_after_storing_leaves_the_delivery_in_the_quarantine(
    personas, monkeypatch, django_capture_on_commit_callbacks
):
    from otklik.intake.services import receive

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(receive, "ingest_parsed", broken)
    result = appeal_register(actor=personas["analyst"], data=letter())

    delivery = Delivery.objects.get()
    assert result.status == "rejected" and result.message is None
    assert delivery.status == DeliveryStatus.QUARANTINED
    assert delivery.channel_code == "paper" and delivery.source == "channel:paper"
    assert "Внутренняя ошибка при разборе: RuntimeError" in delivery.error
    assert "ждёт в карантине" in result.summary and delivery.error in result.summary
    assert not Message.objects.exists()
    # the auditor reads the quarantined body without the applicant
    shown, redacted = delivery_body_for(user=personas["auditor"], body=delivery.body)
    assert redacted and "400005" not in shown and "Сидоров" not in shown and "Вх-123" in shown

    # the ЦУР retries it later through the desk's converter: the same message as the page makes
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        delivery_retry(actor=personas["analyst"], delivery=delivery)
    message = Message.objects.select_related("author").get()
    assert (message.channel.code, message.author.inn) == ("paper", INN)
    assert message.raw["desk"]["incoming_number"] == "Вх-123/2026"
    assert message.case_id is not None


def test_an_organisations_operator_registers_only_for_its_own(
    personas, django_capture_on_commit_callbacks
):
    operator = personas["org_operator"]
    other = Organization.objects.exclude(pk=operator.organization_id).first()
    with pytest.raises(ApplicationError, match="только в свою организацию"):
        appeal_register(actor=operator, data=letter(), organization=other)
    assert not Delivery.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = appeal_register(actor=operator, data=letter())
    message = Message.objects.select_related("case").get()
    assert message.organization == operator.organization
    assert result.message == message
    # its case goes to that organisation, whatever the routing rules say
    assert route_case(message.case) == operator.organization


@pytest.mark.parametrize("role", ["curator", "sector_lead", "municipal_coordinator", "auditor"])
def test_other_roles_do_not_register(personas, role, client):
    with pytest.raises(AccessDenied):
        appeal_register(actor=personas[role], data=letter())
    client.force_login(personas[role])
    assert client.get(reverse("channels_desk:register")).status_code == 403
    assert not Delivery.objects.exists()


def test_the_api_registers_with_the_same_checks(
    client, personas, django_capture_on_commit_callbacks
):
    import base64

    client.force_login(personas["org_operator"])
    url = reverse("desk-appeals")
    body = {
        "channel": "phone",
        "kind": "appeal_59fz",
        "received_at": _now().isoformat(),
        "text": "Не вывозят мусор с контейнерной площадки у дома 3 по ул. Садовой.",
        "name": "Кузнецов Олег",
        "phone": "+79610000002",
        "files": [
            {"name": "фото.jpg", "content": base64.b64encode(b"\xff\xd8\xff" + b"1" * 10).decode()}
        ],
    }
    bad = {**body, "legal_entity": True, "legal_name": "АО «Вода»", "inn": "7707083894"}
    refused = client.post(url, bad, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["inn"] == ["ИНН с ошибкой: не сходится контрольная цифра."]
    assert "ogrn" in refused.json()["errors"]
    assert not Delivery.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    message = Message.objects.select_related("case").get()
    assert response.json()["number"] == message.external_id
    assert message.organization == personas["org_operator"].organization
    assert message.kind.code == "appeal_59fz" and message.attachments.count() == 1

    client.force_login(personas["auditor"])
    assert client.post(url, body, content_type="application/json").status_code == 403


def test_the_answer_to_a_letter_goes_by_post(client, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal_register(actor=personas["org_operator"], data=letter())
    message = Message.objects.select_related("case").get()
    case = message.case
    case.organization = personas["org_operator"].organization
    case.save(update_fields=["organization"])
    answer = Answer.objects.create(
        case=case,
        organization=case.organization,
        author=personas["org_operator"],
        text="Кровля будет отремонтирована до 20 декабря.\n\nПодрядчик назначен.",
        status=AnswerStatus.APPROVED,
        published_at=timezone.now(),
    )
    url = reverse("cases:detail", args=[case.number])

    client.force_login(personas["executor"])
    page = client.get(url).content.decode()
    assert "Ответ направляется почтой по адресу: 400005, г. Волгоград, пр. Ленина, 12" in page
    assert f"ООО «Управляющая компания Дом», ИНН {INN}, ОГРН {OGRN}" in page

    # the organisation's operator sees the company, not the address nor the contact person
    client.force_login(personas["org_operator"])
    page = client.get(url).content.decode()
    assert "почтой по адресу" not in page and "Сидоров" not in page
    assert f"ИНН {INN}" in page

    printed = answer_letter(answer=answer)
    assert printed.postal_address.startswith("400005")
    assert printed.addressee[0] == "ООО «Управляющая компания Дом»"
    assert printed.reference.startswith("На № Вх-123/2026 от ")
    assert "Подрядчик назначен." in printed.paragraphs
    assert letter_pdf(printed).startswith(b"%PDF")


def test_the_api_is_documented(client, personas):
    client.force_login(personas["analyst"])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/desk/appeals"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert {"channel", "kind", "received_at", "inn", "ogrn", "postal_address", "files"} <= set(
        fields
    )
    assert {"201", "202", "400", "403"} <= set(operation["responses"])
