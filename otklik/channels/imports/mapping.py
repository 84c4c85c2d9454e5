"""The column mapping of an export: which source column feeds which field of the ingestion format.

A mapping is a TOML or JSON document, e.g. for a ПОС export::

    system = "pos-export"          # names the source of the deliveries (import:<system>)
    channel = "pos"                # the channel of every row
    kind = "message"               # every row's kind unless a column says
    date_format = "%d.%m.%Y %H:%M" # strptime formats tried in turn; ISO-8601 always works
    timezone = "Europe/Volgograd"  # for dates written without an offset

    [columns]
    external_id = "Номер сообщения"
    text = ["Тема", "Текст сообщения"]   # several columns are joined by a blank line
    received_at = "Дата поступления"
    "author.name" = "Заявитель"
    "author.phone" = "Телефон"
    "author.email" = "Эл. почта"
    "location.address" = "Адрес"
    municipality = "Муниципальное образование"  # OKATO, name, full name or an alias
    topic = "Подкатегория"                       # topic code or name

    [values.topic]                 # source value → topic code, for names that differ
    "Отсутствие горячей воды" = "zhkh-hot-water"

Without ``external_id`` a row is keyed by a hash of its values, so a re-import of the same file
still changes nothing.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field

from otklik.core.exceptions import ApplicationError

FIELDS = {
    "external_id",
    "text",
    "received_at",
    "kind",
    "url",
    "municipality",
    "topic",
    "author.name",
    "author.phone",
    "author.email",
    "author.id",
    "author.consent",
    "location.address",
    "location.lat",
    "location.lon",
}
DEFAULT_DATE_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"]


class MappingError(ApplicationError):
    pass


@dataclass(frozen=True)
class ImportMapping:
    columns: dict[str, list[str]]
    system: str = "import"
    channel: str = ""
    kind: str = "message"
    date_formats: list[str] = field(default_factory=lambda: list(DEFAULT_DATE_FORMATS))
    timezone: str = "Europe/Volgograd"
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    sheet: str = ""
    source_text: str = ""

    @property
    def source(self) -> str:
        return f"import:{self.system}"

    def as_dict(self) -> dict:
        return {
            "system": self.system,
            "channel": self.channel,
            "kind": self.kind,
            "date_format": self.date_formats,
            "timezone": self.timezone,
            "sheet": self.sheet,
            "columns": self.columns,
            "values": self.values,
        }


def mapping_parse(text: str) -> ImportMapping:
    """A mapping from its TOML or JSON text; ``MappingError`` says what is wrong, in Russian."""
    text = text.strip()
    if not text:
        raise MappingError("Сопоставление столбцов пустое.")
    try:
        data = json.loads(text) if text.startswith("{") else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"Сопоставление столбцов не читается: {exc}") from None
    return mapping_from_dict(data, source_text=text)


def mapping_from_dict(data: dict, *, source_text: str = "") -> ImportMapping:
    if not isinstance(data, dict):
        raise MappingError("Сопоставление: ожидается объект с разделом columns.")
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise MappingError("Сопоставление: нет раздела columns (поле → столбец файла).")
    columns: dict[str, list[str]] = {}
    for target, source in raw_columns.items():
        if target not in FIELDS:
            known = ", ".join(sorted(FIELDS))
            raise MappingError(f"Сопоставление: неизвестное поле «{target}». Возможны: {known}.")
        names = [source] if isinstance(source, str) else source
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise MappingError(f"Сопоставление: для поля «{target}» укажите столбец или список.")
        columns[target] = names
    if "text" not in columns:
        raise MappingError("Сопоставление: укажите столбец текста (columns.text).")
    channel = str(data.get("channel", "")).strip()
    if not channel:
        raise MappingError("Сопоставление: укажите канал строк (channel), например pos.")
    formats = data.get("date_format", DEFAULT_DATE_FORMATS)
    formats = [formats] if isinstance(formats, str) else list(formats)
    values = data.get("values", {}) or {}
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise MappingError("Сопоставление: раздел values — таблицы «значение → код» по полям.")
    return ImportMapping(
        columns=columns,
        system=str(data.get("system", "import")).strip() or "import",
        channel=channel,
        kind=str(data.get("kind", "message")).strip() or "message",
        date_formats=[str(f) for f in formats],
        timezone=str(data.get("timezone", "Europe/Volgograd")),
        values={k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
        sheet=str(data.get("sheet", "")),
        source_text=source_text,
    )
