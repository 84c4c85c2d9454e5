"""How the audit log names the route's events (see ``otklik/audit/registry.py``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from otklik.approvals.models import Approval
from otklik.approvals.registry import kinds
from otklik.audit.registry import (
    TargetRef,
    actions_register,
    fields_register,
    target_register,
    values_register,
)
from otklik.core.roles import Role


def _approvals(ids: list[str]) -> dict[str, TargetRef]:
    known = kinds()
    out = {}
    for a in Approval.objects.filter(pk__in=ids):
        kind = known.get(a.kind)
        label = kind.label if kind else a.kind
        out[str(a.pk)] = TargetRef(
            f"{label} «{a.title}», версия {a.version}", kind.url(a) if kind else ""
        )
    return out


actions_register(
    {
        "approvals.routes_load": "Маршруты согласования загружены",
        "approval.submit": "Документ направлен на согласование",
        "approval.agree": "Документ согласован",
        "approval.approve": "Документ утверждён",
        "approval.return": "Документ возвращён на доработку",
        "approval.comment": "Замечание к документу",
        "approval.escalate": "Срок согласования истёк: доложено выше",
    }
)
target_register("approvals.approval", label="согласование документа", resolve=_approvals)


class _KindLabels(Mapping):
    """The registered document kinds' labels, read when the journal is shown (the kinds are
    registered by the apps above in their ``ready()``)."""

    def __getitem__(self, code: str) -> str:
        return kinds()[code].label

    def __iter__(self) -> Iterator[str]:
        return iter(kinds())

    def __len__(self) -> int:
        return len(kinds())


values_register("approvals.approval", "kind", _KindLabels())
values_register("approvals.approval", "reported_to", dict(Role.choices))
values_register("", "kinds", _KindLabels())  # approvals.routes_load: the routes that changed
fields_register(
    {"step": "шаг", "again": "повторно", "reported_to": "доложено", "kinds": "виды документов"}
)
