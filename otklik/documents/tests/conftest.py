"""A document kind of the tests' own (the real kinds belong to the apps above): a letter that
travels the route head (agree) → curator (approve) and is registered on approval with the
renderer registered here. Personas sign with the test password."""

from __future__ import annotations

import subprocess

import pytest
from django.db import transaction

from otklik.approvals.registry import DocumentKind, kind_register
from otklik.approvals.services import approval_decide, approval_open, approval_submit, routes_load
from otklik.core.permissions import Action
from otklik.core.printing import Printed, Table
from otklik.directory.models import Sector
from otklik.documents.registry import PREFIXES, renderer_register

KIND = "test_letter"
PREFIXES.setdefault(KIND, ("ТП", "Тестовое письмо"))

kind_register(
    DocumentKind(
        code=KIND,
        label="тестовое письмо",
        view_action=Action.OFFICE_VIEW,
        prepare_action=Action.OFFICE_PREPARE,
        url=lambda a: f"/test/{a.target_id}",
    )
)


def _render(approval) -> Printed:
    return Printed(
        title=f"ПИСЬМО «{approval.title}»",
        subtitle=f"версия {approval.version}",
        stamp=["УТВЕРЖДАЮ", "Куратор ЦУР"],
        blocks=[
            ("text", "Просим представить сведения о подготовке к отопительному сезону."),
            ("table", Table(["№", "Мера"], [["1", "Промывка сетей"]], [10, 90])),
        ],
        footer=f"Письмо {approval.target_id}",
    )


renderer_register(KIND, _render, series=lambda a: f"letter:{a.target_id}")

ROUTE = """
version = "t"
[[route]]
kind = "test_letter"
steps = [
  { verb = "agree", role = "head", label = "Согласование руководителем", days = 3 },
  { verb = "approve", role = "curator", label = "Утверждение куратором", days = 2 },
]
"""


@pytest.fixture
def route(tmp_path, region):
    path = tmp_path / "routes.toml"
    path.write_text(ROUTE, "utf-8")
    routes_load(path=path)
    return path


def letter(personas, *, sector="zhkh", target=1, title="О подготовке к зиме", approve=True):
    """A letter drafted by the lead (the head for another block), agreed by the head and
    approved by the curator with a password: registered on approval."""
    sector_obj = Sector.objects.get(code=sector)
    author = personas["sector_lead"] if sector == "zhkh" else personas["head"]
    with transaction.atomic():
        approval = approval_open(
            actor=author, kind=KIND, target_id=target, title=title, sector=sector_obj
        )
    approval = approval_submit(actor=author, approval=approval)
    approval = approval_decide(actor=personas["head"], approval=approval, decision="agree")
    if approve:
        approval = approval_decide(
            actor=personas["curator"],
            approval=approval,
            decision="approve",
            confirmation="password",
        )
    return approval


def pdf_text(content: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


from otklik.core.tests.gost_pki import gost_pki  # noqa: E402, F401 — the GOST test PKI, shared by name
