"""Files sent inside ingestion items (base64 ``content``): decoded, checked against the size
limits, hashed and stored; the raw delivery keeps them as they arrived; what is malformed or too
big is answered 400 and stays in the quarantine. (On the case page a file is downloadable only
by those who see the case: ``otklik/cases/tests/test_message_files.py``.)"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from django.urls import reverse

from otklik.intake.models import Attachment, Delivery, DeliveryStatus, Message
from otklik.intake.parsing import body_files_shortened
from otklik.intake.services import delivery_retry
from otklik.intake.tests.test_ingest_api import post

# ``api`` (a client with an external system's API key) comes from the package's conftest.

# A 1×1 PNG and a small PDF-like document: real bytes, not text.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
DOC = b"%PDF-1.4\n" + bytes(range(256)) * 3

ITEM = {
    "channel": "web",
    "external_id": "web-30017",
    "text": "Во дворе дома ул. Мира, 12 (Волжский) третий день нет горячей воды. Фото счётчика.",
    "author": {"name": "Петрова Анна", "phone": "+79610000099", "consent": True},
    "municipality": "18410",
    "topic": "zhkh-hot-water",
}


def with_files(*files: tuple[str, str, bytes], **item) -> dict:
    return {
        **ITEM,
        **item,
        "attachments": [
            {"name": name, "content_type": ctype, "content": base64.b64encode(data).decode()}
            for name, ctype, data in files
        ],
    }


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def test_inline_files_are_decoded_hashed_and_stored(api, media):
    item = with_files(("schetchik.png", "image/png", PNG), ("akt.pdf", "", DOC))
    response = post(api, item)
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["message_id"])
    png, pdf = message.attachments.order_by("pk")
    png_sha, pdf_sha = hashlib.sha256(PNG).hexdigest(), hashlib.sha256(DOC).hexdigest()
    assert (png.name, png.content_type, png.size, png.sha256) == (
        "schetchik.png",
        "image/png",
        len(PNG),
        png_sha,
    )
    # no content type sent: guessed from the name
    assert (pdf.name, pdf.content_type, pdf.size, pdf.sha256) == (
        "akt.pdf",
        "application/pdf",
        len(DOC),
        pdf_sha,
    )
    with png.file.open("rb") as handle:
        assert handle.read() == PNG
    with pdf.file.open("rb") as handle:
        assert handle.read() == DOC
    assert stored_files(media) == sorted(
        [f"attachments/{png_sha[:2]}/{png_sha}.png", f"attachments/{pdf_sha[:2]}/{pdf_sha}.pdf"]
    )
    # the raw delivery keeps the item exactly as it arrived, base64 included …
    delivery = Delivery.objects.get(pk=response.json()["delivery_id"])
    assert json.loads(delivery.body) == item
    # … the message's copy of it names the files by their hash instead of repeating them
    assert message.raw["attachments"] == [
        {"name": "schetchik.png", "content_type": "image/png", "content_sha256": png_sha},
        {"name": "akt.pdf", "content_type": "", "content_sha256": pdf_sha},
    ]


def test_base64_with_line_breaks_and_matching_checksum_is_accepted(api):
    encoded = base64.encodebytes(DOC).decode()  # MIME style: a line break every 76 characters
    assert "\n" in encoded
    item = {
        **ITEM,
        "attachments": [
            {
                "name": "akt.pdf",
                "content": encoded,
                "sha256": hashlib.sha256(DOC).hexdigest(),
                "size": len(DOC),
            }
        ],
    }
    assert post(api, item).status_code == 201
    assert Attachment.objects.get().size == len(DOC)


def test_a_repeated_delivery_with_the_same_file_changes_nothing(api, media):
    item = with_files(("schetchik.png", "image/png", PNG))
    first = post(api, item)
    files = stored_files(media)
    counts = (Message.objects.count(), Delivery.objects.count(), Attachment.objects.count())
    again = post(api, item)
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert again.json()["message_id"] == first.json()["message_id"]
    assert (
        Message.objects.count(),
        Delivery.objects.count(),
        Attachment.objects.count(),
    ) == counts
    assert stored_files(media) == files
    # another message with the same photo: its own attachment, the file stored once
    other = post(api, with_files(("foto.png", "image/png", PNG), external_id="web-30018"))
    assert other.status_code == 201
    assert Attachment.objects.count() == 2
    assert stored_files(media) == files


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("это не base64!", "attachments.0.content: не base64: лишние символы."),
        ("iVBORw0KGgoAAAANSUhEUgAAAAE", "attachments.0.content: не base64: длина не кратна 4."),
        ("", "attachments.0.content: пустой файл."),
        (12345, "attachments.0.content: ожидается строка base64."),
    ],
)
def test_malformed_base64_is_400_and_kept_in_the_quarantine(api, media, content, reason):
    item = {**ITEM, "attachments": [{"name": "x.png", "content": content}]}
    response = post(api, item)
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["errors"]) == ("rejected", reason)
    delivery = Delivery.objects.get(pk=body["delivery_id"])
    assert (delivery.status, delivery.error) == (DeliveryStatus.QUARANTINED, reason)
    assert json.loads(delivery.body) == item
    assert (Message.objects.count(), Attachment.objects.count()) == (0, 0)
    assert stored_files(media) == []


def test_a_checksum_that_does_not_match_is_refused(api):
    item = with_files(("schetchik.png", "image/png", PNG))
    item["attachments"][0]["sha256"] = hashlib.sha256(b"other").hexdigest()
    response = post(api, item)
    assert response.status_code == 400
    assert response.json()["errors"] == (
        "attachments.0.sha256: не совпадает с SHA-256 присланного файла (файл повреждён?)."
    )


def test_oversized_files_are_refused_then_taken_after_the_limit_is_raised(
    api, settings, media, personas
):
    settings.OTKLIK_ATTACHMENT_MAX_BYTES = 700
    settings.OTKLIK_MESSAGE_ATTACHMENTS_MAX_BYTES = 1000
    big = post(api, with_files(("akt.pdf", "application/pdf", DOC)))  # 777 bytes
    assert big.status_code == 400
    assert big.json()["errors"] == (
        "attachments.0.content: файл 777 байт — больше допустимых 700 байт на файл."
    )
    two = post(
        api,
        with_files(("a.pdf", "", DOC[:600]), ("b.pdf", "", DOC[:600]), external_id="web-30018"),
    )
    assert two.status_code == 400
    assert two.json()["errors"] == (
        "attachments: файлы сообщения вместе — 1,2 КБ, больше допустимых 1000 байт на сообщение."
    )
    assert Message.objects.count() == 0
    assert stored_files(media) == []
    # nothing was dropped: once the ЦУР raises the limit, the quarantined delivery goes through
    settings.OTKLIK_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    delivery = Delivery.objects.get(pk=big.json()["delivery_id"])
    result = delivery_retry(actor=personas["analyst"], delivery=delivery)
    assert result.status == "created"
    attachment = Attachment.objects.get(message_id=result.message_id)
    assert (attachment.size, attachment.sha256) == (len(DOC), hashlib.sha256(DOC).hexdigest())
    with attachment.file.open("rb") as handle:
        assert handle.read() == DOC


def test_an_oversized_file_is_refused_without_decoding_it(api, settings):
    settings.OTKLIK_ATTACHMENT_MAX_BYTES = 1024 * 1024
    huge = "A" * (2 * 1024 * 1024)  # 1,5 МБ once decoded
    response = post(api, {**ITEM, "attachments": [{"name": "big.bin", "content": huge}]})
    assert response.status_code == 400
    assert response.json()["errors"] == (
        "attachments.0.content: файл 1,5 МБ — больше допустимых 1 МБ на файл."
    )


def test_a_photo_of_several_megabytes_goes_through(api, settings):
    """Bigger than Django's 2,5 МБ in-memory limit for form data, within the file limit."""
    photo = bytes(range(256)) * (12 * 1024)  # 3 МБ
    assert len(photo) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = post(api, with_files(("dvor.jpg", "image/jpeg", photo)))
    assert response.status_code == 201, response.content
    assert Attachment.objects.get().size == len(photo)


def test_the_quarantine_page_shows_a_note_for_a_file_and_a_corrected_body_keeps_it(
    api, client, personas
):
    no_text = with_files(("akt.pdf", "application/pdf", DOC))
    del no_text["text"]
    response = post(api, no_text)
    assert (response.status_code, response.json()["errors"]) == (
        400,
        "text: Обязательное поле.",
    )
    delivery = Delivery.objects.get(pk=response.json()["delivery_id"])
    encoded = base64.b64encode(DOC).decode()
    note = f"[файл base64: {len(encoded)} символов — сохраняется как пришёл]"

    client.force_login(personas["analyst"])
    page = client.get(reverse("intake:quarantine")).content.decode()
    assert encoded not in page
    assert page.count(note) == 2  # the raw body shown, and the body to correct

    corrected = json.loads(body_files_shortened(delivery.body))
    corrected["text"] = "Нет горячей воды, акт управляющей компании приложен."
    response = client.post(
        reverse("intake:quarantine_verb", args=[delivery.pk, "retry"]),
        {"body": json.dumps(corrected, ensure_ascii=False)},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"Поступление #{delivery.pk} разобрано: сообщение создано."
    ]
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as handle:
        assert handle.read() == DOC
    delivery.refresh_from_db()
    assert json.loads(delivery.body) == no_text  # the original stays as it arrived


def test_the_schema_documents_the_inline_file(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    content = schema["components"]["schemas"]["AttachmentInRequest"]["properties"]["content"]
    assert (content["type"], content["format"]) == ("string", "byte")
