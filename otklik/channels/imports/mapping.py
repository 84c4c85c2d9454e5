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

The language of mappings (``[columns]``, ``[values.field]``) is ``otklik.core.mapping``'s,
shared with the imports of problems and indicators.

Without ``external_id`` a row is keyed by a hash of its values, so a re-import of the same file
still changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from otklik.core.mapping import MappingError, mapping_columns, mapping_document, mapping_values

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
    return mapping_from_dict(mapping_document(text), source_text=text.strip())


def mapping_from_dict(data: dict, *, source_text: str = "") -> ImportMapping:
    columns = mapping_columns(data, FIELDS)
    if "text" not in columns:
        raise MappingError("Сопоставление: укажите столбец текста (columns.text).")
    channel = str(data.get("channel", "")).strip()
    if not channel:
        raise MappingError("Сопоставление: укажите канал строк (channel), например pos.")
    formats = data.get("date_format", DEFAULT_DATE_FORMATS)
    formats = [formats] if isinstance(formats, str) else list(formats)
    return ImportMapping(
        columns=columns,
        system=str(data.get("system", "import")).strip() or "import",
        channel=channel,
        kind=str(data.get("kind", "message")).strip() or "message",
        date_formats=[str(f) for f in formats],
        timezone=str(data.get("timezone", "Europe/Volgograd")),
        values=mapping_values(data),
        sheet=str(data.get("sheet", "")),
        source_text=source_text,
    )
