"""The public report form: validation, consent, anti-abuse, photos, idempotency, hints."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from otklik.cases.models import Case
from otklik.channels.webform.models import WebReport
from otklik.intake.consent import consent_text
from otklik.intake.models import Attachment, Contact, Delivery, DeliveryStatus, Message

pytestmark = pytest.mark.django_db

URL = "/report/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def post(client, data, **extra):
    return client.post(URL, data, **extra)


def test_the_form_opens_without_login_and_shows_the_consent_text(client, region):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    consent = consent_text()
    assert consent.text in html and consent.version in html
    assert 'name="website"' in html  # the honeypot is there, hidden by CSS
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


def test_an_empty_form_is_refused_with_russian_errors_and_nothing_is_stored(client, region):
    response = post(client, {"submission": "0d9a3b5e-8c1f-4d2a-9b7e-1f2a3b4c5d6e"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["text"] == ["Опишите проблему."]
    assert errors["municipality"] == ["Выберите город или район, где проблема."]
    assert errors["consent"] == [
        "Без согласия на обработку персональных данных сообщение не принять."
    ]
    assert errors["phone"] == [
        "Укажите телефон или электронную почту: по ним ЦУР свяжется с вами, если нужно уточнить."
    ]
    assert (Delivery.objects.count(), Message.objects.count()) == (0, 0)


def test_short_text_bad_phone_and_bad_email_are_explained(client, form_data):
    response = post(client, form_data(text="Нет воды", phone="12345", email="не-почта"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["text"] == [
        "Слишком коротко: опишите проблему подробнее (не меньше 15 символов)."
    ]
    assert errors["phone"] == [
        "Проверьте номер телефона: нужен российский номер из 10 цифр после +7."
    ]
    assert errors["email"] == ["Проверьте адрес электронной почты."]


def test_without_consent_nothing_is_accepted(client, form_data):
    response = post(client, form_data(consent=None))
    assert response.status_code == 400
    assert "consent" in response.context["form"].errors
    assert (Delivery.objects.count(), Message.objects.count(), Contact.objects.count()) == (0, 0, 0)


def test_a_report_is_received_with_consent_and_its_version_and_opens_a_case(
    client, form_data, django_capture_on_commit_callbacks
):
    data = form_data()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, data)
    report = WebReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/report/track/{report.token}/"
    assert len(report.token) >= 32
    message = report.message
    assert (message.channel.code, message.external_id) == ("web", f"web-{data['submission']}")
    assert message.kind.code == "message"
    assert message.municipality.okato == "18410"
    assert message.address == "г. Волжский, ул. Ленина, 5"
    contact = message.author
    assert (contact.name, contact.phone) == ("Иванов Пётр", "+79610001122")
    assert contact.consent_personal_data is True
    assert contact.consent_text_version == consent_text().version
    assert contact.consent_at is not None
    # the consent of a new contact is an audited record too (once)
    from otklik.audit.models import AuditEvent

    consents = AuditEvent.objects.filter(action="contact.consent", target_id=str(contact.pk))
    assert [e.data for e in consents] == [{"version": consent_text().version, "channel": "web"}]
    delivery = Delivery.objects.get()
    assert (delivery.source, delivery.status) == ("channel:web", DeliveryStatus.PARSED)
    assert message.case is not None  # the pipeline ran and a case opened (task on commit)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f"Сообщение № {message.case.number}" in page.content.decode()


def test_an_existing_contact_gets_the_consent_of_this_report(client, form_data, seeded_case):
    case = seeded_case()
    earlier = case.author
    assert earlier.consent_personal_data is False
    post(client, form_data(phone=earlier.phone))
    earlier.refresh_from_db()
    assert earlier.consent_personal_data is True
    assert earlier.consent_text_version == consent_text().version


def test_a_filled_honeypot_is_kept_as_a_discarded_delivery_and_goes_no_further(client, form_data):
    response = post(client, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert response.templates[0].name == "channels_webform/received.html"
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DISCARDED
    assert "ловушка" in delivery.error
    assert (Message.objects.count(), Case.objects.count(), Contact.objects.count()) == (0, 0, 0)


def test_the_same_form_sent_twice_stores_one_report(client, form_data):
    data = form_data()
    first = post(client, data)
    second = post(client, data)
    assert first["Location"] == second["Location"]
    assert (Message.objects.count(), Delivery.objects.count(), WebReport.objects.count()) == (
        1,
        1,
        1,
    )


def test_reports_per_address_are_limited(client, form_data, settings):
    settings.OTKLIK_WEBFORM_LIMIT_PER_IP_HOUR = 2
    for n in range(2):
        assert post(client, form_data(phone=f"+7961000000{n}")).status_code == 302
    response = post(client, form_data(phone="+79610000009"))
    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [
        "Слишком много сообщений с вашего адреса за последний час. Попробуйте позже или "
        "позвоните в ЦУР."
    ]
    assert Message.objects.count() == 2
    # another address is not affected
    other = post(client, form_data(phone="+79610000008"), REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_reports_per_contact_are_limited_across_addresses(client, form_data, settings):
    settings.OTKLIK_WEBFORM_LIMIT_PER_CONTACT_DAY = 1
    assert post(client, form_data(), REMOTE_ADDR="10.0.0.1").status_code == 302
    response = post(client, form_data(phone="+7 961 000-11-22"), REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429
    assert "С этого телефона или адреса почты" in response.context["form"].non_field_errors()[0]
    assert Message.objects.count() == 1


def test_photos_are_stored_as_attachment_files(client, form_data):
    photo = SimpleUploadedFile("двор.png", PNG, content_type="image/png")
    response = post(client, form_data(photos=[photo]))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.message == WebReport.objects.get().message
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "двор.png",
        "image/png",
        len(PNG),
    )
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()
    with attachment.file.open("rb") as handle:
        assert handle.read() == PNG


def test_a_file_that_is_not_a_photo_is_refused(client, form_data):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = post(client, form_data(photos=[fake]))
    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == [
        "Файл «photo.jpg» — не фотография: подходят JPEG, PNG, WebP, HEIC, GIF."
    ]
    assert Delivery.objects.count() == 0


def test_photo_size_and_count_are_limited(client, form_data, settings):
    settings.OTKLIK_WEBFORM_MAX_PHOTO_MB = 1
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (1024 * 1024), content_type="image/png")
    response = post(client, form_data(photos=[big]))
    assert response.context["form"].errors["photos"] == [
        "Файл «big.png» больше 1 МБ: уменьшите фотографию."
    ]
    settings.OTKLIK_WEBFORM_MAX_PHOTOS = 2
    many = [SimpleUploadedFile(f"{n}.png", PNG, content_type="image/png") for n in range(3)]
    response = post(client, form_data(photos=many))
    assert response.context["form"].errors["photos"] == ["Можно приложить не больше 2 фотографий."]
    assert Delivery.objects.count() == 0


def test_hints_suggest_topic_and_place_from_the_text(client, region):
    response = client.post(
        reverse("channels_webform:hints"),
        {"text": "Третий день нет горячей воды в Волжском, ул. Мира 12, дети моются в тазике"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Похоже, это:" in html
    assert 'data-value="zhkh-hot-water"' in html
    assert 'data-pick="id_municipality" data-value="18410"' in html


def test_hints_say_nothing_for_a_few_letters_and_refuse_get(client, region):
    response = client.post(reverse("channels_webform:hints"), {"text": "Нет"})
    assert "Похоже" not in response.content.decode()
    assert client.get(reverse("channels_webform:hints")).status_code == 405


def test_the_map_is_a_schematic_without_tiles_unless_a_tile_server_is_set(client, region, settings):
    html = client.get(URL).content.decode()
    assert "data-schematic" in html and html.count('class="wf-pt') == 38 + 8
    assert "data-tile-url" not in html
    settings.OTKLIK_MAP_TILE_URL = "https://tiles.cur.local/{z}/{x}/{y}.png"
    html = client.get(URL).content.decode()
    assert 'data-tile-url="https://tiles.cur.local/{z}/{x}/{y}.png"' in html
    assert "data-schematic" not in html


def test_a_point_outside_the_oblast_is_refused(client, form_data):
    response = post(client, form_data(lat="55.75", lon="37.61"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Точка на карте вне Волгоградской области: отметьте её заново."
    ]


def test_a_point_is_stored_with_the_message(client, form_data):
    post(client, form_data(lat="48.78612", lon="44.77934"))
    message = WebReport.objects.get().message
    assert (str(message.latitude), str(message.longitude)) == ("48.78612", "44.77934")


def test_the_public_pages_open_for_a_staff_user_before_the_second_factor(client, personas):
    # given an analyst with a confirmed second factor who entered only the password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    analyst = personas["analyst"]
    TOTPDevice.objects.create(user=analyst, name="телефон", confirmed=True)
    client.force_login(analyst)
    # then staff pages want the code, the citizen's form does not
    assert client.get("/cases/")["Location"].startswith("/accounts/otp/?next=")
    assert client.get(URL).status_code == 200
