"""The column mapping language of the imports and the cells it reads: Russian numbers and
periods, worked out by hand; a wrong mapping or a missing column explained in Russian."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from otklik.core.mapping import (
    CellError,
    MappingError,
    file_rows,
    mapped_rows,
    mapping_parse,
    number_parse,
    period_parse,
)
from otklik.core.tables import read_table

FIELDS = {"code": "код показателя", "period": "период", "target": "план", "note": "примечание"}


@pytest.mark.parametrize(
    ("value", "decimal", "number"),
    [
        ("12,5", "", Decimal("12.5")),
        ("1 234,5", "", Decimal("1234.5")),  # a space between thousands
        ("1\u00a0234\u00a0567,25", "", Decimal("1234567.25")),  # no-break spaces (Excel)
        ("1.234,5", "", Decimal("1234.5")),  # the last separator is the decimal one
        ("1,234.5", "", Decimal("1234.5")),
        ("12.5", "", Decimal("12.5")),
        ("1,234", "", Decimal("1.234")),  # a lone comma: decimal (the Russian way)
        ("1,234", ".", Decimal("1234")),  # unless the mapping says the dot is decimal
        ("1.234", ",", Decimal("1234")),  # and the other way round
        ("\u221240,5", "", Decimal("-40.5")),  # the typographic minus
        ("85,3 %", "", Decimal("85.3")),
        (" ", "", None),
        (None, "", None),
        (7, "", Decimal("7")),  # XLSX cells as they are
        (0.1, "", Decimal("0.1")),
    ],
)
def test_numbers_as_exports_write_them(value, decimal, number):
    assert number_parse(value, decimal=decimal) == number


@pytest.mark.parametrize("value", ["двенадцать", "12,5,3", "1e", "NaN"])
def test_a_non_number_is_named(value):
    with pytest.raises(CellError, match=f"не число: «{value}»"):
        number_parse(value)


@pytest.mark.parametrize(
    ("value", "period"),
    [
        ("сентябрь 2026", "2026-09"),
        ("Сентябрь 2026 г.", "2026-09"),
        ("сентября 2026 года", "2026-09"),
        ("сент. 2026", "2026-09"),
        ("май 2027", "2027-05"),
        ("мая 2027", "2027-05"),
        ("март 2027", "2027-03"),  # «мар…» is March, not May
        ("09.2026", "2026-09"),
        ("9/2026", "2026-09"),
        ("30.09.2026", "2026-09"),  # a date: its month
        ("2026-09", "2026-09"),
        ("2026-9", "2026-09"),
        ("III кв. 2026", "2026-Q3"),
        ("IV квартал 2026", "2026-Q4"),
        ("1 кв 2027", "2027-Q1"),
        ("2026-Q3", "2026-Q3"),
        ("Q2 2026", "2026-Q2"),
        ("2026", "2026"),
        ("2026 год", "2026"),
        (2026.0, "2026"),  # an XLSX number
        (dt.datetime(2026, 11, 1, tzinfo=dt.UTC), "2026-11"),  # an XLSX date
        (dt.date(2026, 2, 28), "2026-02"),
        (" ", ""),  # empty: no period (the import says whether it needs one)
        (None, ""),
    ],
)
def test_periods_as_exports_write_them(value, period):
    assert period_parse(value) == period


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("13.2026", "нет месяца 13"),
        ("2026-00", "нет месяца 0"),
        ("V кв. 2026", "не распознан"),
        ("осень 2026", "не распознан"),
        ("26", "не распознан"),
    ],
)
def test_a_wrong_period_is_explained(value, reason):
    with pytest.raises(CellError, match=reason):
        period_parse(value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Сопоставление столбцов пустое"),
        ("[columns\ncode = 1", "не читается"),
        ('label = "x"', "нет раздела columns"),
        ('[columns]\ncode = "Код"\nplan = "План"', "неизвестное поле «plan». Возможны: code, note"),
        ('[columns]\ncode = "Код"\nperiod = 5', "для поля «period» укажите столбец или список"),
        ('[columns]\ncode = "Код"\nperiod = ["Период", ""]', "для поля «period»"),
        ('[columns]\ncode = "Код"', "укажите столбец поля «period» \\(период\\)"),
        ('[columns]\ncode = "Код"\nperiod = "П"\n[values.plan]\n"a" = "b"', "values.plan"),
        ('[columns]\ncode = "Код"\nperiod = "П"\n[defaults]\nplan = "1"', "defaults.plan"),
        ('decimal_separator = ";"\n[columns]\ncode = "К"\nperiod = "П"', "decimal_separator"),
        ('{"columns": {"code": "Код"}}', "поля «period»"),  # JSON reads the same
    ],
)
def test_a_wrong_mapping_is_explained_in_russian(text, reason):
    with pytest.raises(MappingError, match=reason):
        mapping_parse(text, fields=FIELDS, required=("code", "period"))


MAPPING = """
decimal_separator = ","
[columns]
code = "Код показателя"
period = "Период"
target = "План"
note = ["Примечание", "Комментарий"]
[values.code]
"Ответы в срок" = "ЦУР-01"
[defaults]
period = "2026"
"""


def test_rows_through_a_mapping_joined_translated_and_defaulted():
    csv = (
        "Код показателя;Период;План;Примечание;Комментарий\n"
        "Ответы в срок;III кв. 2026;95;по плану;уточнить\n"
        "ЦУР-02;;1 234,5;;\n"
    ).encode("cp1251")
    mapping = mapping_parse(MAPPING, fields=FIELDS, required=("code", "period"))
    rows = mapped_rows(read_table("x.csv", csv), mapping)
    assert rows == [
        {
            "code": "ЦУР-01",
            "period": "III кв. 2026",
            "target": "95",
            "note": "по плану\n\nуточнить",
        },
        {"code": "ЦУР-02", "period": "2026", "target": "1 234,5", "note": ""},
    ]


def test_a_column_the_file_lacks_refuses_it_naming_the_column_and_field():
    csv = "Код;Период;План\nЦУР-01;2026;1\n".encode()
    mapping = mapping_parse(MAPPING, fields=FIELDS, required=("code", "period"))
    with pytest.raises(MappingError) as exc:
        mapped_rows(read_table("x.csv", csv), mapping)
    assert exc.value.message == (
        "В файле нет столбца «Код показателя» (поле code). Столбцы файла: «Код», «Период», «План»."
    )


def test_a_mappings_decimal_separator_reads_csv_text_only():
    # «12.5» in JSON is written by a machine: the mapping's «,» would make it 125
    mapping = mapping_parse(
        'decimal_separator = ","\n[columns]\ncode = "Код показателя"\nperiod = "Период"\n'
        'target = "План"',
        fields=FIELDS,
    )
    as_json = '[{"Код показателя": "ЦУР-01", "Период": "2026", "План": 12.5}]'.encode()
    rows, decimal = file_rows("x.json", as_json, mapping)
    assert (rows[0]["target"], decimal) == ("12.5", "")
    assert number_parse(rows[0]["target"], decimal=decimal) == Decimal("12.5")
    as_csv = "Код показателя;Период;План\nЦУР-01;2026;1.234\n".encode()
    rows, decimal = file_rows("x.csv", as_csv, mapping)
    assert number_parse(rows[0]["target"], decimal=decimal) == Decimal("1234")
    # without a mapping: the columns by their names, lower-cased
    rows, decimal = file_rows("x.csv", "CODE,Period\nЦУР-01,2026\n".encode(), None)
    assert (rows, decimal) == ([{"code": "ЦУР-01", "period": "2026"}], "")
