"""«Документы ЦУР»: who sees which registered documents (a sector lead only its block's, an
organisation none of the office's, the auditor all), the journal's filters and search, the
card and the downloads (the stored bytes), the read-only API, the ZIP with its manifest that
``sha256sum -c`` checks, and no way to change or delete what is registered."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from otklik.audit.models import AuditEvent
from otklik.core.tests.api_schema import conforms
from otklik.documents.models import RegisteredDocument, Signature
from otklik.documents.tests.conftest import letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(route, personas):
    """A letter of the ЖКХ block (registered first) and one of the roads block."""
    letter(personas, sector="zhkh", target=1, title="О подготовке к зиме")
    letter(personas, sector="roads", target=2, title="О ремонте дорог")
    zhkh, roads = RegisteredDocument.objects.order_by("serial")
    return zhkh, roads


def _numbers(client, user, **query) -> list[str]:
    client.force_login(user)
    r = client.get(reverse("documents:list"), query)
    assert r.status_code == 200
    return [d.number for d, _kind in r.context["rows"]]


def test_each_role_sees_the_documents_of_its_zone(two, personas, client):
    zhkh, roads = two
    both = [roads.number, zhkh.number]  # newest first
    for role in ("curator", "executor", "head", "analyst", "auditor"):
        assert _numbers(client, personas[role]) == both, role
    assert _numbers(client, personas["sector_lead"]) == [zhkh.number]
    # the organisation and the municipality have no documents in the registry: no journal
    for role in ("org_operator", "municipal_coordinator"):
        client.force_login(personas[role])
        assert client.get(reverse("documents:list")).status_code == 403, role
        assert client.get(reverse("documents:detail", args=[zhkh.pk])).status_code == 403, role
    client.force_login(personas["sector_lead"])
    assert client.get(reverse("documents:detail", args=[roads.pk])).status_code == 404
    assert client.get(reverse("documents:pdf", args=[roads.pk])).status_code == 404
    r = client.get(reverse("documents:detail", args=[zhkh.pk]))
    assert r.status_code == 200 and zhkh.streebog256 in r.content.decode()


def test_the_menu_shows_the_registry_to_the_roles_that_read_it(personas, client):
    client.force_login(personas["curator"])
    assert "Документы ЦУР" in client.get(reverse("documents:list")).content.decode()


def test_filters_and_full_text_search(two, personas, client):
    zhkh, roads = two
    head = personas["head"]
    assert _numbers(client, head, sector="roads") == [roads.number]
    assert _numbers(client, head, q="промывка сетей") == [roads.number, zhkh.number]
    assert _numbers(client, head, q="ремонте") == [roads.number]
    assert _numbers(client, head, q=zhkh.number) == [zhkh.number]
    assert _numbers(client, head, kind="test_letter") == [roads.number, zhkh.number]
    assert _numbers(client, head, kind="passport") == []
    day = zhkh.registered_at.date().isoformat()
    assert _numbers(client, head, date_from=day, date_to=day) == [roads.number, zhkh.number]
    assert _numbers(client, head, date_to="2000-01-01") == []
    r = client.get(reverse("documents:list"), {"date_from": "вчера"})
    assert "Проверьте фильтры" in r.content.decode()


def test_the_pdf_downloads_as_stored(two, personas, client):
    zhkh, _ = two
    client.force_login(personas["auditor"])
    r = client.get(reverse("documents:pdf", args=[zhkh.pk]))
    assert (r.status_code, r["Content-Type"], r.content) == (
        200,
        "application/pdf",
        bytes(zhkh.pdf),
    )


def test_the_api_lists_reads_and_downloads_within_the_zone(two, personas):
    zhkh, roads = two
    api = APIClient()
    api.force_authenticate(personas["sector_lead"])
    r = api.get("/api/v1/documents")
    assert r.status_code == 200
    conforms(r, "/api/v1/documents")
    assert [d["number"] for d in r.json()["results"]] == [zhkh.number]
    r = api.get(f"/api/v1/documents/{zhkh.pk}")
    assert r.status_code == 200
    conforms(r, "/api/v1/documents/{id}")
    got = r.json()
    assert (got["streebog256"], got["sha256"], got["signatures"][0]["confirmation"]) == (
        zhkh.streebog256,
        zhkh.sha256,
        "password",
    )
    assert api.get(f"/api/v1/documents/{roads.pk}").status_code == 404
    assert api.get(f"/api/v1/documents/{zhkh.pk}/pdf").content == bytes(zhkh.pdf)
    r = api.get("/api/v1/documents", {"date_from": "x"})
    assert r.status_code == 400


def test_the_export_is_a_zip_that_sha256sum_checks(two, personas, client, tmp_path):
    zhkh, roads = two
    client.force_login(personas["sector_lead"])
    r = client.post(reverse("documents:export"), {"ids": [zhkh.pk, roads.pk]})
    assert (r.status_code, r["Content-Type"]) == (200, "application/zip")
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        z.extractall(tmp_path)
        names = sorted(z.namelist())
    pdf = f"documents/{zhkh.file_name}"
    # the lead's export holds only its block's document
    assert names == sorted(
        ["README.txt", "manifest.txt", "manifest.json", "SHA256SUMS", "STREEBOG256SUMS", pdf]
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["files"] == [
        {"file": pdf, "size": zhkh.size, "sha256": zhkh.sha256, "streebog256": zhkh.streebog256}
    ]
    assert (tmp_path / "STREEBOG256SUMS").read_text() == f"{zhkh.streebog256}  {pdf}\n"
    assert "sha256sum -c SHA256SUMS" in (tmp_path / "README.txt").read_text("utf-8")
    ok = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True
    )
    assert (ok.returncode, ok.stdout.strip()) == (0, f"{pdf}: OK")
    (tmp_path / pdf).write_bytes(b"%PDF forged")
    bad = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True)
    assert bad.returncode == 1
    assert AuditEvent.objects.get(action="document.export").data["numbers"] == [zhkh.number]


def test_nothing_registered_can_be_changed_or_deleted(two, personas, client):
    zhkh, _ = two
    before = (bytes(zhkh.pdf), zhkh.streebog256, Signature.objects.count())
    api = APIClient()
    api.force_authenticate(personas["curator"])
    for method in ("post", "put", "patch", "delete"):
        for url in (f"/api/v1/documents/{zhkh.pk}", "/api/v1/documents"):
            assert getattr(api, method)(url, {}, format="json").status_code in (403, 405), (
                method,
                url,
            )
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    for model in ("registereddocument", "signature", "registeredattachment", "documentcounter"):
        assert client.get(reverse(f"admin:documents_{model}_add")).status_code == 403
    sig = Signature.objects.first()
    for url in (
        reverse("admin:documents_registereddocument_change", args=[zhkh.pk]),
        reverse("admin:documents_signature_change", args=[sig.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(url, {"title": "Подменено"}).status_code == 403
    for url in (
        reverse("admin:documents_registereddocument_delete", args=[zhkh.pk]),
        reverse("admin:documents_signature_delete", args=[sig.pk]),
    ):
        assert client.post(url, {"post": "yes"}).status_code == 403
    zhkh.refresh_from_db()
    assert (bytes(zhkh.pdf), zhkh.streebog256, Signature.objects.count()) == before
