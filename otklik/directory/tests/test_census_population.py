"""Population of the municipalities comes from one source: the 2021 census (ВПН-2021).

Every municipality either carries its census figure with ``population_year = 2021`` or is named
in ``CENSUS_PENDING``: its figure in territory.toml has not been checked against the census
table yet (see the file's header). While that list is not empty, the sum check is an expected
failure that names the pending OKATO codes, so the gap shows in every test run.
"""

import shutil
import tomllib

import pytest

from otklik.directory.models import Municipality
from otklik.directory.services import DATA_DIR, reference_data_load

# Постоянное население Волгоградской области по ВПН-2021 (на 1 октября 2021 г.), Росстат,
# «Итоги ВПН-2020», том 1 «Численность и размещение населения». Сверено по двум текстам Википедии
# (прочитаны через копии): en.wikipedia «Volgograd Oblast» — «The population of the oblast was
# 2,500,781 in the 2021 Census» (http://techsciencenews.com/wikisearch/view_html.php?sq=Envato&lang=en&q=Volgograd_Oblast);
# ru.wikipedia «Население Волгоградской области» — 2 500 781 (2021), рост против оценки 2020 г.
# 2 491 036 (https://perceptionl.com/Население_Волгоградской_области). Оценка Росстата на 1 января
# 2021 г. была ≈2 474 500 (https://zhirnoe.ru/chislennost-naseleniya-volgogradskoj-oblasti-na-segodnyashnij-den-sostavlyaet-2-446-461-chelovek/),
# поэтому сумма отличает перепись от оценки.
OBLAST_CENSUS_TOTAL = 2_500_781

# Municipalities whose figure in territory.toml is NOT yet a verified ВПН-2021 figure
# (absent, another year, or Rosstat's estimate of 1 January 2021). Remove a code only when its
# census figure, with population_year = 2021, is in the file.
#
# Research of 2026-12-07 (issue 13): no copy of the census table by municipality (Росстат
# «Итоги ВПН-2020», т. 1, or Волгоградстат) was reachable, nor a news item listing every
# municipality. Copies of Wikipedia were, and their «(2021)» is the census in recent copies
# (wikiwand, ru.m.wikipedia, wiki7 translations) but Rosstat's estimate of 1 January 2021 in the
# perceptio*.com mirrors and other copies of 2021-2022: Городищенский 60 125 (recent) against
# 62 440 (perceptiode), Кумылженский 18 189 against 18 694. A figure from one such source is a
# lead, not a census figure; the leads below are for the next pass to confirm (in the Росстат
# table, ideally) or drop. en.wikipedia's «2021 Census» of a district is no proof on its own: it
# gives Калачёвский 47 566, while Волгоградстат's census-based figure for 1 January 2023 is
# 51 061 (vlg.aif.ru, 31.05.2023).
CENSUS_PENDING = frozenset(
    {
        # urban okrugs
        # Волжский: 2024. The city had 321 479 (en.wikipedia table, github metr1cs/rent), but the
        # ГО also holds рп Краснооктябрьский (de.wikipedia), so the ГО figure is larger
        "18410",
        # Камышин: 2024 (105 471 is Волгоградстат's 1.01.2023, bloknot-kamyshin.ru). Lead: 107 927
        # (github metr1cs/rent only; the mayor's «в 2021 году — 108 тыс.» agrees in round figures,
        # it.wikipedia's 103 843 «(2021)» does not)
        "18415",
        # Михайловка: 2024. The city had 56 031 (github metr1cs/rent), but the ГО also holds the
        # former Михайловский район; no ГО figure found
        "18420",
        # Урюпинск: 2010. Lead: 36 669 (github metr1cs/rent only; 36 186 «(2021)» in the wiki7
        # copy is the 1.01.2021 estimate)
        "18425",
        # municipal districts
        "18202",  # Алексеевский: 2010
        "18204",  # Быковский: 2010
        "18205",  # Городищенский: 2023. Lead: 60 125 (wikiwand ru, one source)
        "18206",  # Даниловский: 2023
        "18208",  # Дубовский: 2010
        "18210",  # Еланский: 2010 (28 673 «(2021)» only in a perceptio mirror)
        "18212",  # Жирновский: нет (37 334 «(2021)» only in perceptio mirrors)
        "18214",  # Иловлинский: 2010. Lead: 32 164 (a later ru.wikipedia copy, one source)
        "18216",  # Калачёвский: 2023 (51 144 in perceptio mirrors, en.wikipedia 47 566: see above)
        "18218",  # Камышинский: нет (39 440 «(2021)» only in perceptio mirrors)
        "18220",  # Киквидзенский: нет
        "18222",  # Клетский: нет
        "18224",  # Котельниковский: нет
        # Котовский: нет. Lead: 30 242 (ru.wikipedia copy dated 01.01.2023; 29 453 in the wiki7 and
        # perceptio copies is the 1.01.2021 estimate)
        "18226",
        "18246",  # Кумылженский: нет. Lead: 18 189 (ru.m.wikipedia, one source)
        "18230",  # Ленинский: нет (28 967 only in perceptio mirrors)
        "18234",  # Нехаевский: 2023
        "18236",  # Николаевский: нет (28 579 only in perceptio mirrors)
        "18238",  # Новоаннинский: нет
        "18240",  # Новониколаевский: нет
        "18242",  # Октябрьский: нет (20 676 «(2021)» in hu.wikipedia, unsourced)
        "18243",  # Ольховский: нет
        "18245",  # Палласовский: нет
        "18247",  # Руднянский: нет
        "18249",  # Светлоярский: 2010
        "18250",  # Серафимовичский: нет
        # Среднеахтубинский: 2023. Lead: 61 967 «(2021)» (es. and hu.wikipedia, both from Wikidata,
        # so one source)
        "18251",
        "18252",  # Старополтавский: нет
        "18253",  # Суровикинский: нет
        "18254",  # Урюпинский: нет
        "18256",  # Фроловский: 2010
        "18258",  # Чернышковский: нет
    }
)

# The census figures entered so far, each from two sources named at its entry in territory.toml.
CENSUS = {"18401": 1_028_036, "18428": 35_661}


def _municipalities() -> list[dict]:
    with (DATA_DIR / "territory.toml").open("rb") as handle:
        return tomllib.load(handle)["municipality"]


def test_the_pending_list_names_real_municipalities():
    codes = {m["okato"] for m in _municipalities()}
    assert len(codes) == 38
    assert not CENSUS_PENDING - codes, sorted(CENSUS_PENDING - codes)


def test_the_entered_census_figures_are_the_ones_found():
    got = {m["okato"]: (m.get("population"), m.get("population_year")) for m in _municipalities()}
    assert {okato: got[okato] for okato in CENSUS} == {
        "18401": (1_028_036, 2021),
        "18428": (35_661, 2021),
    }
    assert not CENSUS.keys() & CENSUS_PENDING
    assert len(CENSUS) + len(CENSUS_PENDING) == 38


def test_every_census_municipality_has_a_2021_figure():
    done = [m for m in _municipalities() if m["okato"] not in CENSUS_PENDING]
    for m in done:
        assert m.get("population_year") == 2021, m["name"]
        assert isinstance(m.get("population"), int), m["name"]
        assert m["population"] > 0, m["name"]


def test_the_municipalities_add_up_to_the_oblast_census_total():
    if CENSUS_PENDING:
        pytest.xfail(
            f"{len(CENSUS_PENDING)} of 38 municipalities have no verified ВПН-2021 figure yet: "
            + ", ".join(sorted(CENSUS_PENDING))
        )
    assert sum(m["population"] for m in _municipalities()) == OBLAST_CENSUS_TOTAL


@pytest.mark.xfail(
    strict=True,
    reason="the city districts carry Rosstat's estimate of 1 January 2021 (1 004 763 in all), "
    "labelled 2021, not the census (1 028 036 for the city): replace them with the census's "
    "figures, then remove this mark",
)
def test_the_city_districts_add_up_to_the_citys_census():
    """Volgograd's eight city districts (not municipalities) carry ``population_year = 2021``;
    a census figure of each would add up to the city's census figure. Found in the research of
    issue 13 (third session): they add up to the estimate, so the label says more than the
    figures are. Strict: the day they are census figures, this passes and the mark must go."""
    with (DATA_DIR / "territory.toml").open("rb") as handle:
        districts = tomllib.load(handle)["city_district"]
    assert len(districts) == 8
    assert sum(d["population"] for d in districts) == CENSUS["18401"]


def _set_population(text: str, okato: str, population: int | None, year: int | None) -> str:
    """territory.toml with one municipality's population lines replaced (or removed)."""
    head, sep, rest = text.partition(f'okato = "{okato}"\n')
    assert sep, okato
    block, nxt, tail = rest.partition("\n[[")
    lines = [ln for ln in block.split("\n") if not ln.startswith("population")]
    if population is not None:
        at = next(i for i, ln in enumerate(lines) if ln.startswith("lon = "))
        lines[at + 1 : at + 1] = [f"population = {population}", f"population_year = {year}"]
    return head + sep + "\n".join(lines) + nxt + tail


def test_a_reload_updates_population_on_an_existing_database(region, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "territory.toml"
    text = path.read_text("utf-8")
    text = _set_population(text, "18212", 30_000, 2021)  # had none
    text = _set_population(text, "18202", 14_000, 2021)  # had a 2010 figure
    text = _set_population(text, "18204", None, None)  # figure withdrawn
    path.write_text(text, "utf-8")
    assert Municipality.objects.get(okato="18212").population is None

    report = reference_data_load(actor=None, data_dir=data)

    assert report.updated == {"Municipality": 3}
    assert report.created == {}
    got = {
        m.okato: (m.population, m.population_year)
        for m in Municipality.objects.filter(okato__in=["18212", "18202", "18204"])
    }
    assert got == {"18212": (30_000, 2021), "18202": (14_000, 2021), "18204": (None, None)}
