"""The reference model loads from the versioned files idempotently and all-or-nothing."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from otklik.audit.models import AuditEvent
from otklik.directory.choices import MunicipalityKind, SectorCode
from otklik.directory.models import CityDistrict, Municipality, Organization, Sector, Topic
from otklik.directory.services import DATA_DIR, ReferenceDataError, reference_data_load


def test_first_load_creates_the_region(region):
    assert Municipality.objects.count() == 38
    assert Municipality.objects.filter(kind=MunicipalityKind.URBAN_OKRUG).count() == 6
    assert Municipality.objects.filter(kind=MunicipalityKind.MUNICIPAL_DISTRICT).count() == 32
    assert CityDistrict.objects.filter(municipality__okato="18401").count() == 8
    assert sorted(Sector.objects.values_list("code", flat=True)) == sorted(SectorCode.values)
    assert Topic.objects.count() >= 80
    assert Organization.objects.count() >= 45


def test_every_sector_has_topics_and_a_regional_body_or_administration(region):
    for sector in Sector.objects.all():
        assert sector.topics.count() >= 3, sector.code
        assert sector.organizations.exists(), sector.code


def test_every_municipality_has_its_administration(region):
    for municipality in Municipality.objects.all():
        assert (
            Organization.objects.filter(
                municipality=municipality, kind="municipal_administration"
            ).count()
            == 1
        ), municipality.name


def test_known_facts(region):
    volgograd = Municipality.objects.get(okato="18401")
    assert volgograd.kind == MunicipalityKind.URBAN_OKRUG
    assert (volgograd.population, volgograd.population_year) == (1_028_036, 2021)  # ВПН-2021
    assert sorted(volgograd.city_districts.values_list("name", flat=True)) == [
        "Ворошиловский",
        "Дзержинский",
        "Кировский",
        "Красноармейский",
        "Краснооктябрьский",
        "Советский",
        "Тракторозаводский",
        "Центральный",
    ]
    assert Municipality.objects.get(okato="18254").centre_in_other is True


def test_which_topics_are_public_infrastructure(region):
    public = set(Topic.objects.filter(is_public_infrastructure=True).values_list("code", flat=True))
    # zhkh 23 + tko 7 + energy 7 + roads 12 + transport 7 + other 3 (hand-counted in the file)
    assert len(public) == 59
    personal_sectors = Topic.objects.filter(sector__code__in=["health", "education", "social"])
    assert public & set(personal_sectors.values_list("code", flat=True)) == set()
    assert {"roads-potholes", "zhkh-hot-water", "energy-street-lighting"} <= public
    # one's own account, contract, job or benefit is private even in a sector of infrastructure
    assert (
        public
        & {
            "zhkh-utility-bills",
            "zhkh-meters",
            "tko-billing",
            "energy-grid-connection",
            "transport-benefits",
            "other-employment",
        }
        == set()
    )


def test_second_load_changes_nothing(region):
    counts = {
        m: m.objects.count() for m in (Municipality, CityDistrict, Sector, Topic, Organization)
    }
    report = reference_data_load(actor=None)
    assert report.created == {}
    assert report.updated == {}
    assert {m: m.objects.count() for m in counts} == counts


def test_changed_file_updates_in_place(region, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "sectors.toml"
    path.write_text(
        path.read_text("utf-8").replace('name = "Энергетика"', 'name = "Энергетика и газификация"'),
        "utf-8",
    )
    pk = Sector.objects.get(code="energy").pk
    report = reference_data_load(actor=None, data_dir=data)
    assert report.updated == {"Sector": 1}
    assert report.created == {}
    energy = Sector.objects.get(code="energy")
    assert (energy.pk, energy.name) == (pk, "Энергетика и газификация")


def test_a_broken_file_is_refused_whole(region, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "sectors.toml").write_text(
        (data / "sectors.toml")
        .read_text("utf-8")
        .replace('name = "Энергетика"', 'name = "Энергетика 2"'),
        "utf-8",
    )
    topics = (data / "topics.toml").read_text("utf-8")
    (data / "topics.toml").write_text(
        topics + '\n[[topic]]\ncode = "x"\nsector = "nope"\nname = "x"\n', "utf-8"
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ReferenceDataError, match="nope"):
        reference_data_load(actor=None, data_dir=data)
    assert Sector.objects.get(code="energy").name == "Энергетика"  # rolled back
    assert AuditEvent.objects.count() == events


def test_a_syntax_error_names_the_file(region, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "channels.toml").write_text("[[channel]\n", "utf-8")
    with pytest.raises(ReferenceDataError, match=r"channels\.toml"):
        reference_data_load(actor=None, data_dir=data)


def test_region_summary_json(region):
    out = StringIO()
    call_command("region", "summary", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["municipalities"] == 38
    assert summary["city_districts"] == 8
    assert summary["sectors"] == 9
    assert summary["topics"] >= 80
    assert summary["organizations"] >= 45
    assert summary["roles"] == 8
