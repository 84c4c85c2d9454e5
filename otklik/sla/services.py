"""Writes on the deadline policies: the idempotent loader of ``sla/data/policies.toml``.

Same approach as ``directory.services.reference_data_load``: every policy has a stable ``code``;
loading again updates changed rows and duplicates nothing; an error anywhere leaves the table as
it was. Policies missing from the file are left alone (close them with ``valid_to`` in the file).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.db import transaction

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.directory.choices import InputKindCode
from otklik.directory.models import Channel, Topic
from otklik.directory.services import LoadReport
from otklik.sla.choices import CASE_PRIORITIES, Basis, Unit
from otklik.sla.models import DEFAULT_WARNING_THRESHOLDS, DeadlinePolicy

DATA_FILE = Path(__file__).resolve().parent / "data" / "policies.toml"

# The states in which a case waits for someone outside the organisation: only they may stop the
# clock. The cases app owns the states and names these in its ``ready()``.
_PAUSABLE_STATES: set[str] = set()


def pausable_states_register(states: frozenset[str] | set[str]) -> None:
    _PAUSABLE_STATES.update(states)


def priorities_register(priorities: frozenset[str] | set[str] | list[str]) -> None:
    """The priorities of a case a policy may name (``choices.CASE_PRIORITIES``)."""
    CASE_PRIORITIES.update(priorities)


_KEYS = {
    "code",
    "name",
    "input_kind",
    "channel",
    "topic",
    "priority",
    "applies_automatically",
    "basis",
    "unit",
    "resolution",
    "max_extension",
    "registration",
    "first_response",
    "redirect",
    "warning_thresholds",
    "pause_states",
    "legal_basis",
    "description",
    "valid_from",
    "valid_to",
}


class PolicyDataError(ApplicationError):
    pass


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise PolicyDataError(f"{path}: файл сроков не найден") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyDataError(f"{path}: ошибка в файле: {exc}") from exc


def _need(entry: dict, key: str, where: str) -> Any:
    if entry.get(key) in (None, ""):
        raise PolicyDataError(f"{where}: нет обязательного поля «{key}»")
    return entry[key]


def _choice(value: Any, choices: type, key: str, where: str) -> str:
    if value not in choices.values:
        raise PolicyDataError(
            f"{where}: «{key}» = {value!r}, возможны: {', '.join(choices.values)}"
        )
    return value


def _count(value: Any, key: str, where: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise PolicyDataError(f"{where}: «{key}» должно быть целым числом не меньше {minimum}")
    return value


def _period(entry: dict, key: str, where: str) -> tuple[int | None, str]:
    """``key = { length = 3, unit = "calendar_days" }`` or absent → (None, "")."""
    value = entry.get(key)
    if value is None:
        return None, ""
    if not isinstance(value, dict) or set(value) != {"length", "unit"}:
        raise PolicyDataError(f'{where}: «{key}» пишется как {{ length = 3, unit = "..." }}')
    return (
        _count(value["length"], f"{key}.length", where, minimum=1),
        _choice(value["unit"], Unit, f"{key}.unit", where),
    )


def _date(value: Any, key: str, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise PolicyDataError(f"{where}: «{key}» не дата: {value!r}") from exc


def _thresholds(value: Any, where: str) -> list[float]:
    if value is None:
        return list(DEFAULT_WARNING_THRESHOLDS)
    ok = isinstance(value, list) and all(
        isinstance(t, int | float) and not isinstance(t, bool) and 0 < t < 1 for t in value
    )
    if not ok or value != sorted(set(value)):
        raise PolicyDataError(
            f"{where}: «warning_thresholds» — возрастающие доли срока между 0 и 1, "
            "например [0.7, 0.9]"
        )
    return [float(t) for t in value]


def _states(value: Any, where: str) -> list[str]:
    # Only the states in which a case waits for someone outside the organisation may stop the
    # clock (a typo would otherwise silently never pause).
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(s, str) and s for s in value):
        raise PolicyDataError(f"{where}: «pause_states» — список кодов состояний")
    unknown = sorted(set(value) - _PAUSABLE_STATES)
    if unknown:
        raise PolicyDataError(
            f"{where}: «pause_states»: {', '.join(unknown)} — не состояние ожидания; "
            f"допустимы: {', '.join(sorted(_PAUSABLE_STATES))}"
        )
    return list(value)


def _values(entry: dict, where: str, channels: set[str], topics: set[str]) -> dict[str, Any]:
    unknown = set(entry) - _KEYS
    if unknown:
        raise PolicyDataError(f"{where}: неизвестные поля: {', '.join(sorted(unknown))}")
    channel = entry.get("channel", "")
    if channel and channel not in channels:
        raise PolicyDataError(f"{where}: неизвестный канал «{channel}»")
    topic = entry.get("topic", "")
    if topic and topic not in topics:
        raise PolicyDataError(f"{where}: неизвестная тема «{topic}»")
    priority = entry.get("priority", "")
    if priority and priority not in CASE_PRIORITIES:
        raise PolicyDataError(
            f"{where}: неизвестный приоритет «{priority}», возможны: "
            f"{', '.join(sorted(CASE_PRIORITIES))}"
        )
    registration_length, registration_unit = _period(entry, "registration", where)
    first_response_length, first_response_unit = _period(entry, "first_response", where)
    redirect_length, redirect_unit = _period(entry, "redirect", where)
    valid_from = _date(entry.get("valid_from"), "valid_from", where)
    valid_to = _date(entry.get("valid_to"), "valid_to", where)
    if valid_from and valid_to and valid_to < valid_from:
        raise PolicyDataError(f"{where}: «valid_to» раньше «valid_from»")
    automatic = entry.get("applies_automatically", True)
    if not isinstance(automatic, bool):
        raise PolicyDataError(f"{where}: «applies_automatically» — true или false")
    return {
        "name": _need(entry, "name", where),
        "input_kind": _choice(
            _need(entry, "input_kind", where), InputKindCode, "input_kind", where
        ),
        "channel": channel,
        "topic": topic,
        "priority": priority,
        "applies_automatically": automatic,
        "basis": _choice(_need(entry, "basis", where), Basis, "basis", where),
        "unit": _choice(_need(entry, "unit", where), Unit, "unit", where),
        "resolution_length": _count(
            _need(entry, "resolution", where), "resolution", where, minimum=1
        ),
        "max_extension_length": _count(
            entry.get("max_extension", 0), "max_extension", where, minimum=0
        ),
        "registration_length": registration_length,
        "registration_unit": registration_unit,
        "first_response_length": first_response_length,
        "first_response_unit": first_response_unit,
        "redirect_length": redirect_length,
        "redirect_unit": redirect_unit,
        "warning_thresholds": _thresholds(entry.get("warning_thresholds"), where),
        "pause_states": _states(entry.get("pause_states"), where),
        "legal_basis": _need(entry, "legal_basis", where),
        "description": entry.get("description", ""),
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


def _upsert(report: LoadReport, code: str, values: dict[str, Any]) -> DeadlinePolicy:
    policy = DeadlinePolicy.objects.filter(code=code).first()
    if policy is None:
        report.count("DeadlinePolicy", "created")
        return DeadlinePolicy.objects.create(code=code, **values)
    changed = [name for name, value in values.items() if getattr(policy, name) != value]
    if changed:
        for name in changed:
            setattr(policy, name, values[name])
        policy.save(update_fields=[*changed, "updated_at"])
        report.count("DeadlinePolicy", "updated")
    else:
        report.count("DeadlinePolicy", "unchanged")
    return policy


def _check_no_overlap() -> None:
    """Two automatic policies for the same kind/channel/topic/priority must not be valid on
    one day."""
    groups: dict[tuple[str, str, str, str], list[DeadlinePolicy]] = defaultdict(list)
    for policy in DeadlinePolicy.objects.filter(applies_automatically=True):
        groups[(policy.input_kind, policy.channel, policy.topic, policy.priority)].append(policy)
    for (kind, channel, topic, priority), policies in groups.items():
        policies.sort(key=lambda p: p.valid_from or dt.date.min)
        for earlier, later in pairwise(policies):
            if (
                earlier.valid_to is None
                or later.valid_from is None
                or (earlier.valid_to >= later.valid_from)
            ):
                raise PolicyDataError(
                    f"Сроки «{earlier.code}» и «{later.code}» действуют одновременно для вида "
                    f"«{kind}», канала «{channel or '—'}», темы «{topic or '—'}», "
                    f"приоритета «{priority or '—'}»: "
                    "разведите их по датам действия."
                )


@transaction.atomic
def policies_load(*, actor: Any = None, path: Path = DATA_FILE) -> LoadReport:
    """Load the deadline policies from ``path``; loading again changes nothing.

    Channel and topic codes must exist in the reference model (load it first). All or nothing.
    """
    data = _read(path)
    report = LoadReport()
    report.versions[path.name] = str(data.get("version", ""))
    channels = set(Channel.objects.values_list("code", flat=True))
    topics = set(Topic.objects.values_list("code", flat=True))
    seen: set[str] = set()
    for i, entry in enumerate(data.get("policy", []), 1):
        where = f"{path.name} policy #{i} ({entry.get('code', '?')})"
        code = _need(entry, "code", where)
        if code in seen:
            raise PolicyDataError(f"{where}: код «{code}» встречается дважды")
        seen.add(code)
        _upsert(report, code, _values(entry, where, channels, topics))
    _check_no_overlap()
    audit_log(
        actor=actor,
        action="sla.policies_load",
        data={"versions": report.versions, "created": report.created, "updated": report.updated},
    )
    return report


def policies_load_if_empty(*, actor: Any = None) -> LoadReport | None:
    """Load the policies file when the table is empty (a database set up before the sla app)."""
    if DeadlinePolicy.objects.exists():
        return None
    return policies_load(actor=actor)
