"""Russian identifiers with check digits: ИНН (organisation and person), ОГРН, ОГРНИП, СНИЛС.

The rules are those of the Federal Tax Service and the Pension Fund (see
``../shared/domain/documents-and-signatures.md``); each function takes the number as people
write it (spaces, dashes) and says whether its check digits hold."""

from __future__ import annotations


def digits(value: str) -> str:
    """The digits of ``value`` in order (``"123-456-789 64"`` → ``"12345678964"``)."""
    return "".join(c for c in str(value) if c.isdigit())


def _weighted(ds: list[int], weights: list[int]) -> int:
    return sum(d * w for d, w in zip(ds, weights, strict=False)) % 11 % 10


def inn_valid(value: str) -> bool:
    """ИНН: 10 digits (an organisation) or 12 (a person or an individual entrepreneur)."""
    d = [int(c) for c in digits(value)]
    if len(d) == 10:
        return _weighted(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9]
    if len(d) == 12:
        return (
            _weighted(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10]
            and _weighted(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
        )
    return False


def ogrn_valid(value: str) -> bool:
    """ОГРН (13 digits): the last = (the first 12 as a number mod 11) mod 10.
    ОГРНИП (15 digits): the last = (the first 14 mod 13) mod 10."""
    s = digits(value)
    if len(s) == 13:
        return int(s[:12]) % 11 % 10 == int(s[12])
    if len(s) == 15:
        return int(s[:14]) % 13 % 10 == int(s[14])
    return False


def snils_valid(value: str) -> bool:
    """СНИЛС (11 digits, 9 + 2 check digits); numbers up to 001-001-998 carry no check."""
    s = digits(value)
    if len(s) != 11:
        return False
    if int(s[:9]) <= 1001998:
        return True
    total = sum(int(c) * (9 - i) for i, c in enumerate(s[:9]))
    while total > 101:
        total %= 101
    check = 0 if total in (100, 101) else total
    return check == int(s[9:])


def snils_format(value: str) -> str:
    """СНИЛС as it is printed: ``123-456-789 64`` (digits kept as given when not 11)."""
    s = digits(value)
    return f"{s[:3]}-{s[3:6]}-{s[6:9]} {s[9:]}" if len(s) == 11 else s
