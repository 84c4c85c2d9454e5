"""How the audit log names the reference data's events (see ``otklik/audit/registry.py``)."""

from otklik.audit.registry import actions_register, target_register

actions_register(
    {
        "reference.load": "Справочники загружены",
        "topic.update": "Тема изменена",
        "calendar.override_set": "Производственный календарь исправлен",
    }
)
for target_type, label in (
    ("directory.municipality", "муниципальное образование"),
    ("directory.citydistrict", "район города"),
    ("directory.sector", "отраслевой блок"),
    ("directory.topic", "тема"),
    ("directory.organization", "организация"),
    ("directory.channel", "канал"),
    ("directory.inputkind", "вид обращения"),
    ("directory.calendaroverride", "день календаря"),
):
    target_register(target_type, label=label)
