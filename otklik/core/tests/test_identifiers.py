"""Check digits of ИНН, ОГРН, ОГРНИП and СНИЛС on numbers worked out by hand."""

import pytest

from otklik.core.identifiers import inn_valid, ogrn_valid, snils_format, snils_valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        # 7·2+7·4+0·10+7·3+0·5+8·9+3·4+8·6+9·8 = 14+28+0+21+0+72+12+48+72 = 267;
        # 267 mod 11 = 3 → the tenth digit is 3
        ("7707083893", True),
        ("7707083894", False),
        # a person's ИНН: 11th digit (weights 7 2 4 10 3 5 9 4 6 8) 5, 12th (3 7 2 …) 9
        ("500100732259", True),
        ("500100732258", False),
        ("77 0708 3893", True),  # written with spaces
        ("770708389", False),  # nine digits
        ("", False),
    ],
)
def test_inn(value, valid):
    assert inn_valid(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("1027700132195", True),  # 102770013219 mod 11 = 5 → 5
        ("1027700132196", False),
        ("304345100000600", True),  # ОГРНИП: 30434510000060 mod 13 = 10 → 0
        ("304345100000601", False),
        ("10277001321", False),
    ],
)
def test_ogrn(value, valid):
    assert ogrn_valid(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        # 1·9+1·8+2·7+2·6+3·5+3·4+4·3+4·2+5·1 = 9+8+14+12+15+12+12+8+5 = 95 → 95
        ("112-233-445 95", True),
        ("112-233-445 96", False),
        # 9·9+2·8+1·2+1·1 = 100 → 00
        ("920-000-011 00", True),
        # 9·(9+8+…+1) = 405; 405 mod 101 = 1 → 01
        ("999-999-999 01", True),
        ("999-999-999 05", False),
        ("001-001-998 77", True),  # up to 001-001-998 no check is made
        ("1122334459", False),
    ],
)
def test_snils(value, valid):
    assert snils_valid(value) is valid


def test_snils_is_printed_with_its_dashes():
    assert snils_format("11223344595") == "112-233-445 95"
