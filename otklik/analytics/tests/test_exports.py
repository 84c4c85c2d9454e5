"""Exports of the analytics tables: the XLSX and CSV of a table hold the figures its page shows,
in the page's slice; case lists are masked for roles that may not see personal data."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from otklik.analytics import exports
from otklik.analytics.services import methodology_seed
from otklik.analytics.tests.conftest import D
from otklik.cases.models import Case
from otklik.directory.models import Organization, Sector

pytestmark = pytest.mark.django_db
RANGE = {"from": D.isoformat(), "to": (D + dt.timedelta(days=10)).isoformat()}
TITLE = "Звонил Петров Иван Сергеевич, тел. +7 904 123-45-67: нет горячей воды"


def _xlsx(content: bytes) -> tuple[list, list[tuple]]:
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[exports.HEADER_ROW - 1]
    return list(header), [tuple(r) for r in rows[exports.HEADER_ROW :]]


def _csv(content: bytes) -> tuple[list, list[list]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    return rows[0], rows[1:]


def _get(client, key, fmt, **params):
    response = client.get(reverse("analytics:export", args=[key, fmt]), {**RANGE, **params})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content


def _org_name(code):
    o = Organization.objects.get(code=code)
    return o.short_name or o.name


def test_processing_table_equals_the_page(client, personas, world):
    client.force_login(personas["analyst"])
    page = client.get(reverse("analytics:processing"), RANGE)
    shown = page.context["data"]["by_organization"]
    html = page.content.decode()
    assert reverse("analytics:export", args=["processing-organizations", "xlsx"]) in html

    header, rows = _xlsx(_get(client, "processing-organizations", "xlsx"))
    assert header == [
        "Организация", "Ответов", "Ответов в срок", "Ответов с нарушением срока", "В срок, %",
        "Медиана до ответа, дн.", "Срок истёк", "Нарушен срок", "Доля нарушений, %",
        "Возвращено", "Качество (1–5)",
    ]  # fmt: skip
    assert len(rows) == len(shown)
    for row, r in zip(rows, shown, strict=True):
        assert row[1:5] == (
            r["answered"],
            r["answered_on_time"],
            r["answered_late"],
            round(r["on_time_share"] * 100),
        )
        assert row[6:8] == (r["due"], r["breached"])
    by_name = {r[0]: r for r in rows}
    # the hand-computed figures of the world: Волжский 2 answered (A 73 h, B 191 h), 1 on
    # time, 1 late; the median 137.52 h (test_ratings) = 5.7 days; due A, B, C, breached B, C
    assert by_name[_org_name("adm-18410")][1:11] == (2, 1, 1, 50, 5.7, 3, 2, 67, 1, 3)
    # Камышин: D answered on time (24 h ∈ (23.23, 25.55] → 24.39 h = 1.0 day), due, not breached
    assert by_name[_org_name("adm-18415")][1:9] == (1, 1, 0, 100, 1, 1, 0, 0)

    header_csv, rows_csv = _csv(_get(client, "processing-organizations", "csv"))
    assert header_csv == header
    volzhsky = next(r for r in rows_csv if r[0] == _org_name("adm-18410"))
    # quality (2+4+3)/3 = 3.0
    assert volzhsky[1:] == ["2", "1", "1", "50", "5,7", "3", "2", "67", "1", "3"]


def test_picture_tables_follow_the_slice(client, personas, world):
    client.force_login(personas["analyst"])
    zhkh = Sector.objects.get(code="zhkh")
    _, rows = _xlsx(_get(client, "picture-sectors", "xlsx"))
    assert sorted((r[0], r[1]) for r in rows) == sorted(
        [(zhkh.name, 3), (Sector.objects.get(code="roads").name, 1)]
    )
    assert {r[2] for r in rows} == {75, 25}
    # narrowed to ЖКХ: the same table holds ЖКХ only, as the page does
    _, rows = _xlsx(_get(client, "picture-sectors", "xlsx", sector="zhkh"))
    assert [(r[0], r[1]) for r in rows] == [(zhkh.name, 3)]
    _, weeks = _csv(_get(client, "picture-weeks", "csv"))
    page = client.get(reverse("analytics:picture"), RANGE).context["data"]
    assert weeks == [[f"{monday:%d.%m.%Y}", str(n)] for monday, n in page["weeks"]]
    assert weeks == [["02.11.2026", "4"], ["09.11.2026", "0"]]  # days with answers only


@pytest.mark.parametrize("key", exports.KEYS)
def test_every_table_downloads_in_both_formats(client, personas, world, key):
    methodology_seed()
    client.force_login(personas["head"])
    extra = {"month": "2026-11"} if key.startswith("ratings-") else {}
    if key == "cases":
        extra = {"metric": "breached"}
    header_x, rows_x = _xlsx(_get(client, key, "xlsx", **extra))
    header_c, rows_c = _csv(_get(client, key, "csv", **extra))
    assert header_x == header_c and header_x
    assert len(rows_x) == len(rows_c)


def test_ratings_table_equals_the_page(client, personas, world):
    methodology_seed()
    client.force_login(personas["analyst"])
    page = client.get(reverse("analytics:ratings"), {"month": "2026-11"})
    group = next(g for g in page.context["board"]["groups"] if g["code"] == "urban_okrug")
    _, rows = _xlsx(_get(client, "ratings-urban_okrug", "xlsx", month="2026-11"))
    assert [(r[0], r[1], r[9]) for r in rows] == [
        (g["rank"], g["name"], g["figures"]["answered"]) for g in group["rows"]
    ]
    volzhsky = next(
        r for r in rows if r[1] == next(u["name"] for u in group["rows"] if u["key"] == "mo:18410")
    )
    assert volzhsky[9] == 2


def test_case_list_is_masked_for_a_role_that_may_not_see_personal_data(
    client, personas, world, make_user
):
    Case.objects.filter(pk=world["b"].pk).update(title=TITLE)
    params = {"metric": "breached"}
    # the analyst (a ЦУР role) sees the case text as it is
    client.force_login(personas["analyst"])
    _, rows = _xlsx(_get(client, "cases", "xlsx", **params))
    assert sorted(r[0] for r in rows) == sorted([world["b"].number, world["c"].number])
    assert TITLE in [r[2] for r in rows]
    # the organisation's operator sees the same cases, the name and phone masked
    client.force_login(personas["org_operator"])
    for fmt in ("xlsx", "csv"):
        content = _get(client, "cases", fmt, **params)
        _, rows = _xlsx(content) if fmt == "xlsx" else _csv(content)
        assert sorted(r[0] for r in rows) == sorted([world["b"].number, world["c"].number])
        title = next(r[2] for r in rows if r[0] == world["b"].number)
        assert "нет горячей воды" in title
        for secret in ("Петров", "Иван", "123-45-67", "904"):
            assert secret not in title
        # the authors' names are never in an export
        assert "Иванов" not in (content.decode("utf-8-sig") if fmt == "csv" else str(rows))


# role: the title of case B in the case list (the start of the author's text, masked for a role
# that may not see the applicant: core.applicant)
MASKED_TITLE = "Звонил [ФИО], тел. [ТЕЛЕФОН]: нет горячей воды"
EXPORT_TITLE = {
    "curator": TITLE,
    "executor": TITLE,
    "head": TITLE,
    "analyst": TITLE,
    "sector_lead": MASKED_TITLE,
    "org_operator": MASKED_TITLE,
    "municipal_coordinator": MASKED_TITLE,
    "auditor": MASKED_TITLE,
}


@pytest.mark.parametrize("role", list(EXPORT_TITLE))
def test_case_list_export_by_role_never_carries_the_applicant(client, personas, world, role):
    Case.objects.filter(pk=world["b"].pk).update(title=TITLE)
    author = world["b"].author
    client.force_login(personas[role])
    for fmt in ("xlsx", "csv"):
        content = _get(client, "cases", fmt, metric="breached")
        _, rows = _xlsx(content) if fmt == "xlsx" else _csv(content)
        assert sorted(r[0] for r in rows) == sorted([world["b"].number, world["c"].number])
        assert next(r[2] for r in rows if r[0] == world["b"].number) == EXPORT_TITLE[role]
        text = content.decode("utf-8-sig") if fmt == "csv" else str(rows)
        for secret in (author.name, author.phone):
            assert secret not in text, secret


def test_export_is_scoped_like_the_page(client, world, make_user):
    roads = make_user("sector_lead", sector=Sector.objects.get(code="roads"))
    client.force_login(roads)
    _, rows = _xlsx(_get(client, "picture-sectors", "xlsx"))
    assert [(r[0], r[1]) for r in rows] == [(Sector.objects.get(code="roads").name, 1)]
    _, rows = _csv(_get(client, "cases", "csv", metric="cases_opened"))
    assert [r[0] for r in rows] == [world["d"].number]


def test_unknown_table_and_anonymous(client, personas, world):
    client.force_login(personas["analyst"])
    assert client.get(reverse("analytics:export", args=["nope", "xlsx"])).status_code == 404
    client.logout()
    url = reverse("analytics:export", args=["picture-sectors", "csv"])
    assert client.get(url).status_code == 302  # to the login page


def test_a_long_case_list_is_cut_and_says_so(client, personas, world, monkeypatch):
    monkeypatch.setattr(exports, "CASES_LIMIT", 2)
    client.force_login(personas["analyst"])
    content = _get(client, "cases", "xlsx", metric="messages")
    ws = load_workbook(io.BytesIO(content)).active
    assert "показаны первые 2 инцидентов" in ws.cell(2, 1).value
    assert len(_xlsx(content)[1]) == 2


@pytest.mark.parametrize(
    "page, keys",
    [
        ("picture", ["picture-sectors", "picture-weeks", "picture-top", "picture-municipalities"]),
        ("processing", ["processing-organizations"]),
        ("satisfaction", ["satisfaction-organizations", "satisfaction-topics"]),
        ("conflicts", ["conflicts-municipalities"]),
    ],
)
def test_each_table_links_its_downloads_in_the_slice(client, personas, world, page, keys):
    client.force_login(personas["analyst"])
    html = client.get(reverse(f"analytics:{page}"), {**RANGE, "sector": "zhkh"}).content.decode()
    for key in keys:
        for fmt in ("xlsx", "csv"):
            url = reverse("analytics:export", args=[key, fmt])
            assert f"{url}?from=2026-11-02&amp;to=2026-11-12&amp;sector=zhkh" in html, key


def test_the_report_command_refuses_a_role_without_the_right(personas, world, tmp_path):
    from django.core.management import CommandError, call_command

    out = tmp_path / "r.pdf"
    with pytest.raises(CommandError, match="may not make the report"):
        call_command("analytics", "report", "--month", "2026-11", "--out", str(out), "--user",
                     "org_operator")  # fmt: skip
    assert not out.exists()


def test_links_of_a_filtered_page_keep_its_slice(client, personas, world):
    """The drill-down and download links of a page narrowed to a sector and of a row narrowed
    to an organisation are read back as the same slice (not the default one)."""
    import re
    from html import unescape

    client.force_login(personas["analyst"])
    html = client.get(reverse("analytics:processing"), {**RANGE, "sector": "zhkh"}).content.decode()
    kamyshin = Organization.objects.get(code="adm-18415")
    links = [unescape(u) for u in re.findall(r'href="(/analytics/cases/\?[^"]+)"', html)]
    # the page is narrowed to ЖКХ: Камышин (roads) has no row, so no breach link of its own
    breached = [u for u in links if "metric=breached" in u and "organization=" in u]
    assert len(breached) == 1
    drilled = client.get(breached[0])
    assert {c.number for c in drilled.context["page_obj"]} == {
        world["b"].number,
        world["c"].number,
    }
    assert drilled.context["slice"].sector == Sector.objects.get(code="zhkh").pk
    # a row link of the whole region narrowed to Камышин: its one answer, not everybody's
    html = client.get(reverse("analytics:processing"), RANGE).content.decode()
    links = [unescape(u) for u in re.findall(r'href="(/analytics/cases/\?[^"]+)"', html)]
    answered = [u for u in links if u.endswith("metric=answered") and "organization=" in u]
    numbers = [{c.number for c in client.get(u).context["page_obj"]} for u in sorted(answered)]
    assert sorted(numbers, key=len) == [{world["d"].number}, {world["a"].number, world["b"].number}]
    assert kamyshin.code in "".join(answered)
    export = [unescape(u) for u in re.findall(r'href="(/analytics/export/[^"]+)"', html)]
    assert all("from=2026-11-02" in u for u in export)
