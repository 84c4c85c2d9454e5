"""Import of exported files: dry run, real run, re-import, quarantine, encodings and formats."""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo

import pytest
from django.core.management import call_command

from otklik.audit.models import AuditEvent
from otklik.channels.imports.mapping import MappingError, mapping_parse
from otklik.channels.imports.services import import_plan, import_run
from otklik.intake.models import Delivery, DeliveryStatus, Message
from otklik.intake.services import delivery_retry

pytestmark = pytest.mark.django_db

VOLGOGRAD = zoneinfo.ZoneInfo("Europe/Volgograd")

MAPPING = """
system = "pos-export"
channel = "pos"
kind = "message"
date_format = "%d.%m.%Y %H:%M"

[columns]
external_id = "Номер"
text = ["Тема", "Текст сообщения"]
received_at = "Дата поступления"
"author.name" = "Заявитель"
"author.phone" = "Телефон"
"location.address" = "Адрес"
municipality = "Муниципальное образование"
topic = "Подкатегория"

[values.topic]
"Отсутствие горячей воды" = "zhkh-hot-water"
"""

HEADER = [
    "Номер",
    "Дата поступления",
    "Заявитель",
    "Телефон",
    "Муниципальное образование",
    "Подкатегория",
    "Адрес",
    "Тема",
    "Текст сообщения",
]
ROWS = [
    [
        "2954871",
        "27.11.2026 09:15",
        "Иванова Мария",
        "+79610000001",
        "Волжский",
        "Отсутствие горячей воды",
        "ул. Мира, 12",
        "Горячая вода",
        "Третий день нет горячей воды",
    ],
    [
        "2954872",
        "27.11.2026 10:40",
        "Петров Пётр",
        "+79610000002",
        "городской округ город-герой Волгоград",
        "zhkh-hot-water",
        "ул. Землячки, 16",
        "",
        "Нет горячей воды с понедельника",
    ],
    # rejected: an unknown municipality and a date in another format
    [
        "2954873",
        "2026/11/27",
        "Сидорова Анна",
        "+79610000003",
        "Нарния",
        "",
        "",
        "",
        "Яма на дороге",
    ],
    # rejected: no text at all
    ["2954874", "27.11.2026 12:00", "Смирнов Олег", "+79610000004", "", "", "", "", ""],
]


def csv_bytes(rows=ROWS, *, encoding="utf-8", delimiter=";") -> bytes:
    lines = [delimiter.join(HEADER)] + [delimiter.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_dry_run_reports_and_changes_nothing(region):
    report = import_plan(file_name="pos.csv", data=csv_bytes(), mapping=mapping_parse(MAPPING))
    assert report.counts == {"create": 2, "rejected": 2}
    assert [r.status for r in report.rows] == ["create", "create", "rejected", "rejected"]
    assert [r.line for r in report.rows] == [2, 3, 4, 5]
    assert report.rows[2].reason == (
        "received_at: дата «2026/11/27» не в формате %d.%m.%Y %H:%M.\n"
        "municipality: нет муниципального образования «Нарния»."
    )
    assert report.rows[3].reason == "text: пусто («Тема», «Текст сообщения»)."
    assert (report.encoding, report.delimiter) == ("utf-8-sig", ";")
    assert not Message.objects.exists() and not Delivery.objects.exists()


def test_real_run_then_reimport_changes_nothing(region):
    mapping = mapping_parse(MAPPING)
    report = import_run(actor=None, file_name="pos.csv", data=csv_bytes(), mapping=mapping)
    assert report.counts == {"created": 2, "rejected": 2}
    first = Message.objects.get(external_id="2954871")
    assert first.channel.code == "pos" and first.kind.code == "message"
    assert first.text == "Горячая вода\n\nТретий день нет горячей воды"
    assert first.received_at == dt.datetime(2026, 11, 27, 9, 15, tzinfo=VOLGOGRAD)
    assert first.municipality.okato == "18410" and first.topic.code == "zhkh-hot-water"
    assert first.address == "ул. Мира, 12"
    assert (first.author.name, first.author.phone) == ("Иванова Мария", "+79610000001")
    second = Message.objects.get(external_id="2954872")
    assert second.municipality.okato == "18401" and second.text == "Нет горячей воды с понедельника"
    # every row is a delivery of its own, the row as read kept with its mapping
    delivery = Delivery.objects.get(message=first)
    assert delivery.source == "import:pos-export" and delivery.channel_code == "pos"
    body = json.loads(delivery.body)
    assert body["line"] == 2 and body["row"]["Номер"] == "2954871"
    # the author's columns are apart, so the quarantine can hide them from the auditor
    assert body["author"] == {"Заявитель": "Иванова Мария", "Телефон": "+79610000001"}
    assert "Заявитель" not in body["row"]
    # the bad rows wait in the quarantine with their reasons
    quarantined = Delivery.objects.filter(status=DeliveryStatus.QUARANTINED).order_by("pk")
    assert [d.error for d in quarantined] == [report.rows[2].reason, report.rows[3].reason]
    assert "municipality: нет муниципального образования «Нарния»." in report.rows[2].reason
    assert AuditEvent.objects.filter(action="channel.import").count() == 1

    again = import_run(actor=None, file_name="pos.csv", data=csv_bytes(), mapping=mapping)
    assert again.counts == {"duplicate": 2, "rejected": 2}
    assert Message.objects.count() == 2 and Delivery.objects.count() == 4
    dry = import_plan(file_name="pos.csv", data=csv_bytes(), mapping=mapping)
    assert dry.counts == {"unchanged": 2, "rejected": 2}


def test_a_changed_row_is_reported_not_applied(region):
    mapping = mapping_parse(MAPPING)
    import_run(actor=None, file_name="pos.csv", data=csv_bytes(ROWS[:2]), mapping=mapping)
    changed = [list(ROWS[0]), list(ROWS[1])]
    changed[0][8] = "Горячей воды нет уже неделю"
    changed[0][6] = "ул. Мира, 14"
    report = import_plan(file_name="pos.csv", data=csv_bytes(changed), mapping=mapping)
    assert [(r.status, r.fields) for r in report.rows] == [
        ("differs", ["text", "address"]),
        ("unchanged", []),
    ]
    import_run(actor=None, file_name="pos.csv", data=csv_bytes(changed), mapping=mapping)
    assert Message.objects.get(external_id="2954871").address == "ул. Мира, 12"


def test_a_quarantined_row_is_retried_with_its_mapping(region, personas):
    mapping = mapping_parse(MAPPING)
    import_run(actor=None, file_name="pos.csv", data=csv_bytes(), mapping=mapping)
    delivery = Delivery.objects.filter(status=DeliveryStatus.QUARANTINED).order_by("pk").first()
    body = json.loads(delivery.body)
    assert body["author"]["Заявитель"] == "Сидорова Анна"
    body["row"]["Муниципальное образование"] = "Камышин"
    body["row"]["Дата поступления"] = "27.11.2026 11:00"
    result = delivery_retry(
        actor=personas["analyst"], delivery=delivery, body=json.dumps(body, ensure_ascii=False)
    )
    assert result.status == "created"
    retried = Message.objects.get(pk=result.message_id)
    assert retried.municipality.name == "Камышин" and retried.author.name == "Сидорова Анна"


def test_the_auditor_does_not_see_the_author_of_a_quarantined_row(region, personas):
    from otklik.intake.selectors import delivery_body_for

    import_run(actor=None, file_name="pos.csv", data=csv_bytes(), mapping=mapping_parse(MAPPING))
    delivery = Delivery.objects.filter(status=DeliveryStatus.QUARANTINED).order_by("pk").first()
    shown, redacted = delivery_body_for(user=personas["auditor"], body=delivery.body)
    assert redacted and "Сидорова" not in shown and "+79610000003" not in shown
    assert "Яма на дороге" in shown


def test_cp1251_csv_with_commas(region):
    data = csv_bytes(ROWS[:2], encoding="cp1251", delimiter=",")
    report = import_plan(file_name="pos.csv", data=data, mapping=mapping_parse(MAPPING))
    assert (report.encoding, report.delimiter) == ("cp1251", ",")
    assert report.counts == {"create": 2}
    import_run(actor=None, file_name="pos.csv", data=data, mapping=mapping_parse(MAPPING))
    assert Message.objects.get(external_id="2954871").author.name == "Иванова Мария"


def test_xlsx_written_by_openpyxl(region):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    row = list(ROWS[0])
    row[0] = 2954871  # a number cell
    row[1] = dt.datetime(2026, 11, 27, 9, 15)  # noqa: DTZ001 — a date cell has no zone
    sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    report = import_run(actor=None, file_name="pos.xlsx", data=data, mapping=mapping_parse(MAPPING))
    assert report.format == "xlsx" and report.counts == {"created": 1}
    message = Message.objects.get()
    assert message.external_id == "2954871"
    assert message.received_at == dt.datetime(2026, 11, 27, 9, 15, tzinfo=VOLGOGRAD)


def test_json_export_with_nested_objects_and_no_ids(region):
    mapping = mapping_parse(
        json.dumps(
            {
                "system": "mfc",
                "channel": "web",
                "columns": {
                    "text": "body",
                    "received_at": "created",
                    "author.name": "author.fio",
                    "municipality": "okato",
                },
            }
        )
    )
    data = json.dumps(
        {
            "items": [
                {
                    "body": "Сломаны качели во дворе",
                    "created": "2026-11-27T08:00:00+03:00",
                    "author": {"fio": "Орлова Вера"},
                    "okato": "18415",
                },
                {"body": "Не убран снег", "created": "2026-11-27T09:00:00+03:00", "okato": ""},
            ]
        },
        ensure_ascii=False,
    ).encode()
    report = import_run(actor=None, file_name="mfc.json", data=data, mapping=mapping)
    assert report.counts == {"created": 2}
    swings = Message.objects.get(text="Сломаны качели во дворе")
    assert swings.external_id.startswith("row-") and swings.municipality.name == "Камышин"
    assert swings.author.name == "Орлова Вера"
    again = import_run(actor=None, file_name="mfc.json", data=data, mapping=mapping)
    assert again.counts == {"duplicate": 2}


def test_a_repeated_number_in_one_file_is_rejected_in_the_dry_run(region):
    rows = [ROWS[0], ROWS[0]]
    report = import_plan(file_name="pos.csv", data=csv_bytes(rows), mapping=mapping_parse(MAPPING))
    assert [r.status for r in report.rows] == ["create", "rejected"]
    assert report.rows[1].reason == "Повтор строки 2: тот же номер «2954871»."


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "пустое"),
        ('channel = "pos"', "нет раздела columns"),
        ('channel = "pos"\n[columns]\nbody = "x"', "неизвестное поле «body»"),
        ('[columns]\ntext = "x"', "укажите канал"),
        ('channel = "pos"\n[columns]\nexternal_id = "x"', "столбец текста"),
    ],
)
def test_a_bad_mapping_is_explained(text, reason):
    with pytest.raises(MappingError, match=reason):
        mapping_parse(text)


def test_a_missing_column_rejects_every_row(region):
    mapping = mapping_parse('channel = "pos"\n[columns]\ntext = "Описание"')
    report = import_plan(file_name="pos.csv", data=csv_bytes(), mapping=mapping)
    assert report.counts == {"rejected": 4}
    assert report.rows[0].reason == "text: в файле нет столбца «Описание»."


def test_the_command_dry_run_and_run(region, tmp_path, capsys):
    (tmp_path / "pos.csv").write_bytes(csv_bytes(encoding="cp1251"))
    (tmp_path / "pos.toml").write_text(MAPPING, encoding="utf-8")
    args = [str(tmp_path / "pos.csv"), "--mapping", str(tmp_path / "pos.toml")]
    call_command("import", *args, "--dry-run", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is True and report["counts"] == {"create": 2, "rejected": 2}
    assert not Message.objects.exists()
    call_command("import", *args)
    out = capsys.readouterr().out
    assert "создано: 2" in out and "строка 4: received_at" in out
    assert Message.objects.count() == 2


# --- the ЦУР page ---------------------------------------------------------------------------------
def test_upload_dry_run_then_confirm_on_the_page(personas, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from otklik.channels.imports.models import ImportBatch

    client.force_login(personas["analyst"])
    page = client.get(reverse("channels_imports:upload"))
    assert page.status_code == 200 and "Пробный прогон" in page.content.decode()
    upload = SimpleUploadedFile("pos.csv", csv_bytes(encoding="cp1251"), "text/csv")
    response = client.post(reverse("channels_imports:upload"), {"file": upload, "mapping": MAPPING})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == f"/channels/import/{batch.pk}/"
    report = client.get(response.url).content.decode()
    assert "будет создано: <strong>2</strong>" in report
    assert "municipality: нет муниципального образования «Нарния»." in report
    assert not Message.objects.exists()

    confirm = reverse("channels_imports:confirm", args=[batch.pk])
    assert client.post(confirm).status_code == 302
    assert Message.objects.count() == 2
    batch.refresh_from_db()
    assert batch.imported_by == personas["analyst"]
    assert batch.result["counts"] == {"created": 2, "rejected": 2}
    # a second confirmation (a double click) imports nothing more
    client.post(confirm)
    assert Message.objects.count() == 2 and Delivery.objects.count() == 4


def test_a_bad_mapping_is_shown_on_the_page(personas, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(personas["analyst"])
    upload = SimpleUploadedFile("pos.csv", csv_bytes(), "text/csv")
    response = client.post(
        reverse("channels_imports:upload"), {"file": upload, "mapping": "channel = 'pos'"}
    )
    assert response.status_code == 200
    assert "нет раздела columns" in response.content.decode()
