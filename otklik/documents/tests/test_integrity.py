"""The registry in the audit chain's verification: a registered document changed, removed or
put into the table past the platform is named by ``otklik audit verify``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from otklik.audit.chain import chain_verify
from otklik.audit.services import audit_seal
from otklik.documents.models import RegisteredDocument
from otklik.documents.tests.conftest import letter

pytestmark = pytest.mark.django_db

TABLE = RegisteredDocument._meta.db_table


def _verify():
    audit_seal()  # as `otklik audit verify` and the periodic check do first
    return chain_verify()


def _kinds(result) -> list[str]:
    return [f.kind for f in result.findings]


def test_an_untouched_registry_passes(route, personas):
    letter(personas)
    result = _verify()
    assert result.ok, [f.message for f in result.findings]


def test_changed_pdf_bytes_are_named_with_the_document_number(route, personas):
    letter(personas)
    d = RegisteredDocument.objects.get()
    with connection.cursor() as c:  # the same length, one byte different
        pdf = bytearray(bytes(d.pdf))
        pdf[-10] ^= 1
        c.execute(f"UPDATE {TABLE} SET pdf = %s WHERE id = %s", [bytes(pdf), d.pk])  # noqa: S608
    result = _verify()
    assert _kinds(result) == ["document_changed"]
    assert f"№ {d.number}" in result.findings[0].message
    assert "байты PDF" in result.findings[0].message


def test_a_changed_number_and_a_foreign_row_are_named(route, personas):
    letter(personas)
    d = RegisteredDocument.objects.get()
    with connection.cursor() as c:
        c.execute(f"UPDATE {TABLE} SET number = %s WHERE id = %s", ["ТП-2026/99", d.pk])  # noqa: S608
    forged = RegisteredDocument.objects.get()
    forged.pk, forged.serial, forged.number, forged.approval = None, 2, "ТП-2026/2", None
    forged.save()  # a row written past the registry's service: no registration entry
    result = _verify()
    assert sorted(_kinds(result)) == ["document_changed", "document_unregistered"]
    out = io.StringIO()
    with pytest.raises(SystemExit) as ended:
        call_command("audit", "verify", "--json", stdout=out)
    assert ended.value.code == 1
    kinds = {f["kind"] for f in json.loads(out.getvalue())["findings"]}
    assert kinds == {"document_changed", "document_unregistered"}
