"""How the audit log reads in Russian: names of actions, objects and fields, links to objects.

The audit app knows no other app. Each app describes its own events in a module
``<app>/audit_labels.py``, which the audit app imports in ``ready()`` (as Django's admin finds
``admin.py``) and which calls the functions below:

* ``actions_register({"case.accept": "Инцидент принят ЦУР", ...})`` — the name of an action;
  ``action_describer_register("case.", describe)`` — a name computed from the event's data
  (``describe(action, data) -> str``) for a family of actions;
* ``target_register("cases.case", label="инцидент", resolve=...)`` — what an object is called
  and how its ids become a text and a link (``resolve(ids) -> {id: TargetRef}``, one query for a
  page of events);
* ``fields_register({"organization": "организация", ...})`` — names of the keys of ``data``;
  ``values_register("cases.case", "status", {"in_work": "В работе", ...})`` — what the codes in
  a key of an object's events mean;
* ``case_targets_register(find)`` — which objects belong to a case number (``find(number) ->
  [(target_type, [ids])]``), for the filter «по номеру инцидента».
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TargetRef:
    text: str
    url: str = ""


@dataclass(frozen=True)
class TargetKind:
    label: str
    resolve: Callable[[list[str]], Mapping[str, TargetRef]] | None = None


_ACTIONS: dict[str, str] = {}
_DESCRIBERS: dict[str, Callable[[str, dict], str]] = {}
_TARGETS: dict[str, TargetKind] = {}
_FIELDS: dict[str, str] = {}
_VALUES: dict[tuple[str, str], Mapping[str, str]] = {}
_CASE_TARGETS: list[Callable[[str], Iterable[tuple[str, list[str]]]]] = []


def actions_register(labels: Mapping[str, str]) -> None:
    _ACTIONS.update(labels)


def action_describer_register(prefix: str, describe: Callable[[str, dict], str]) -> None:
    _DESCRIBERS[prefix] = describe


def target_register(
    target_type: str,
    *,
    label: str,
    resolve: Callable[[list[str]], Mapping[str, TargetRef]] | None = None,
) -> None:
    _TARGETS[target_type] = TargetKind(label=label, resolve=resolve)


def fields_register(labels: Mapping[str, str]) -> None:
    _FIELDS.update(labels)


def values_register(target_type: str, key: str, labels: Mapping[str, str]) -> None:
    _VALUES[(target_type, key)] = labels


def case_targets_register(find: Callable[[str], Iterable[tuple[str, list[str]]]]) -> None:
    _CASE_TARGETS.append(find)


# --- reading ------------------------------------------------------------------------------------
def action_label(action: str, data: dict | None = None) -> str:
    """The Russian name of an action; the code itself only for an action nobody described."""
    if action in _ACTIONS:
        return _ACTIONS[action]
    for prefix, describe in _DESCRIBERS.items():
        if action.startswith(prefix):
            return describe(action, data or {})
    return action


def action_choices(actions: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) pairs for a filter, sorted by the label."""
    return sorted(((a, action_label(a)) for a in actions), key=lambda pair: pair[1].lower())


def target_label(target_type: str) -> str:
    kind = _TARGETS.get(target_type)
    return kind.label if kind else target_type


def target_choices(target_types: Iterable[str]) -> list[tuple[str, str]]:
    return sorted(
        ((t, target_label(t)) for t in target_types if t), key=lambda pair: pair[1].lower()
    )


def targets_resolve(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], TargetRef]:
    """Text and link of each (target_type, target_id), one resolver call per type."""
    by_type: dict[str, set[str]] = {}
    for target_type, target_id in pairs:
        if target_type and target_id:
            by_type.setdefault(target_type, set()).add(target_id)
    resolved: dict[tuple[str, str], TargetRef] = {}
    for target_type, ids in by_type.items():
        kind = _TARGETS.get(target_type)
        found = kind.resolve(sorted(ids)) if kind and kind.resolve else {}
        for target_id in ids:
            ref = found.get(target_id)
            label = kind.label if kind else target_type
            resolved[(target_type, target_id)] = ref or TargetRef(f"{label} № {target_id}")
    return resolved


def field_label(key: str) -> str:
    return _FIELDS.get(key, key)


def value_label(target_type: str, key: str, value: object) -> object:
    """A code in ``data[key]`` of this object's events as the words it stands for."""
    labels = _VALUES.get((target_type, key))
    if labels is None:
        return value
    if isinstance(value, str):
        return labels.get(value, value)
    if isinstance(value, list):  # a move «from → to» written as a pair
        return [labels.get(v, v) if isinstance(v, str) else v for v in value]
    return value


def case_targets(number: str) -> list[tuple[str, list[str]]]:
    """The objects that belong to the case with this number (the case, its answers, …)."""
    found: list[tuple[str, list[str]]] = []
    for find in _CASE_TARGETS:
        found.extend(find(number))
    return found
