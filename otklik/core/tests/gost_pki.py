"""A test PKI with real ГОСТ Р 34.10-2012 keys (256 bits, parameter set A), made with OpenSSL and
its GOST engine in a temporary directory: certification centres, certificates of people with
СНИЛС/ИНН in the subject (as qualified certificates carry them), an expired one, and detached
CMS signatures (DER and PEM) of given bytes.

Reusable by any test::

    from otklik.core.tests.gost_pki import GOST_SKIP, make_ca, make_person, sign_detached

    pytestmark = GOST_SKIP
    ca = make_ca(tmp_path, "Тестовый УЦ")
    person = make_person(ca, tmp_path, surname="Иванов", given_name="Иван Петрович",
                         snils="112-233-445 95")
    sig = sign_detached(person, b"%PDF…")                 # DER; pem=True for base64 armour
    cms_verify(content=b"%PDF…", signature=sig, trusted=[ca.pem])

The session fixture ``gost_pki`` (registered in ``otklik/core/tests/conftest.py``; import it
into another conftest to share it) builds the usual cast once per test session: ``ca``,
``other_ca`` (not configured), ``ivanov`` (valid, СНИЛС 112-233-445 95), ``petrov`` (another
person, СНИЛС 987-654-321 83), ``nosnils`` (a name only), ``expired`` (Иванов's certificate of
2020–2021), ``future`` (valid from next year) and ``foreign`` (Иванов by ``other_ca``).
Key generation takes a few milliseconds; the whole cast about a second.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import secrets
import subprocess
from pathlib import Path

import pytest

from otklik.core.gost import OPENSSL, gost_engine_available

GOST_SKIP = pytest.mark.skipif(
    not gost_engine_available(),
    reason="OpenSSL's GOST engine is absent (Debian's libengine-gost-openssl; `make gost`)",
)

_counter = itertools.count(1)

_REQ_CONFIG = """\
[ req ]
distinguished_name = dn
string_mask = utf8only
utf8 = yes
prompt = no
[ dn ]
"""

_CA_CONFIG = """\
[ ca ]
default_ca = this
[ this ]
dir = {dir}
database = {dir}/index.txt
new_certs_dir = {dir}/issued
serial = {dir}/serial
default_md = md_gost12_256
policy = anything
unique_subject = no
email_in_dn = no
copy_extensions = none
x509_extensions = person
[ anything ]
commonName = optional
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ person ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def openssl(*args: str | Path, cwd: Path | None = None) -> bytes:
    """Run ``openssl`` with the arguments (a list, no shell); its stdout, or the error raised
    with OpenSSL's stderr."""
    done = subprocess.run(
        [OPENSSL, *map(str, args)], cwd=cwd, capture_output=True, timeout=60, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(map(str, args))}: {done.stderr.decode()}")
    return done.stdout


@dataclasses.dataclass(frozen=True)
class Ca:
    name: str
    dir: Path
    key: Path
    cert: Path

    @property
    def pem(self) -> bytes:
        return self.cert.read_bytes()


@dataclasses.dataclass(frozen=True)
class Person:
    surname: str
    given_name: str
    snils: str  # digits or ""
    key: Path
    cert: Path

    @property
    def pem(self) -> bytes:
        return self.cert.read_bytes()

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.given_name}"


def _subj_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("/", "\\/").replace("=", "\\=").replace("+", "\\+")


def _subject(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"/{oid}={_subj_value(v)}" for oid, v in pairs if v)


def _new_key(path: Path) -> Path:
    openssl(
        "genpkey", "-engine", "gost", "-algorithm", "gost2012_256",
        "-pkeyopt", "paramset:A", "-out", path,
    )  # fmt: skip
    return path


def make_ca(
    directory: Path,
    name: str = "Тестовый удостоверяющий центр",
    *,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> Ca:
    """A self-signed certification centre (ГОСТ Р 34.10-2012 256, parameter set A), valid from
    2019 for twenty years unless ``not_before``/``not_after`` say otherwise (``openssl ca
    -selfsign``: ``req -x509`` of OpenSSL 3.0 cannot date a certificate in the past)."""
    folder = Path(directory) / f"ca-{next(_counter)}"
    (folder / "issued").mkdir(parents=True)
    (folder / "index.txt").write_text("")
    (folder / "serial").write_text(secrets.token_hex(8).upper() + "\n")
    (folder / "req.cnf").write_text(_REQ_CONFIG)
    (folder / "ca.cnf").write_text(_CA_CONFIG.format(dir=folder))
    key = _new_key(folder / "ca.key")
    csr = folder / "ca.csr"
    openssl(
        "req", "-engine", "gost", "-config", folder / "req.cnf", "-new", "-key", key,
        "-md_gost12_256", "-utf8",
        "-subj", _subject([("2.5.4.3", name), ("2.5.4.10", name), ("2.5.4.6", "RU")]),
        "-out", csr,
    )  # fmt: skip
    start = not_before or dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    end = not_after or start.replace(year=start.year + 20)
    cert = folder / "ca.pem"
    openssl(
        "ca", "-engine", "gost", "-batch", "-config", folder / "ca.cnf", "-selfsign",
        "-keyfile", key, "-in", csr, "-out", cert, "-extensions", "v3_ca",
        "-startdate", _asn1_time(start), "-enddate", _asn1_time(end),
        "-preserveDN", "-utf8", "-notext",
    )  # fmt: skip
    return Ca(name=name, dir=folder, key=key, cert=cert)


def _asn1_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%d%H%M%SZ")


def make_person(
    ca: Ca,
    directory: Path,
    *,
    surname: str,
    given_name: str,
    snils: str = "",
    inn: str = "",
    ogrn: str = "",
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key: Path | None = None,
) -> Person:
    """A person's certificate issued by ``ca`` with CN, SN, GN and, when given, СНИЛС
    (1.2.643.100.3), ИНН (1.2.643.3.131.1.1) and ОГРН (1.2.643.100.1) in the subject. Valid
    from an hour ago for a year unless ``not_before``/``not_after`` say otherwise (a past
    period makes an expired certificate: ``openssl ca -startdate/-enddate``). ``key`` reuses
    a key (a second certificate of the same person)."""
    from otklik.core.identifiers import digits

    folder = Path(directory) / f"person-{next(_counter)}"
    folder.mkdir(parents=True)
    key = key or _new_key(folder / "person.key")
    subject = _subject(
        [
            ("2.5.4.3", f"{surname} {given_name}"),
            ("2.5.4.4", surname),
            ("2.5.4.42", given_name),
            ("1.2.643.100.3", digits(snils)),
            ("1.2.643.3.131.1.1", digits(inn)),
            ("1.2.643.100.1", digits(ogrn)),
            ("2.5.4.6", "RU"),
        ]
    )
    csr = folder / "person.csr"
    openssl(
        "req", "-engine", "gost", "-config", ca.dir / "req.cnf", "-new", "-key", key,
        "-md_gost12_256", "-utf8", "-subj", subject, "-out", csr,
    )  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    start = not_before or now - dt.timedelta(hours=1)
    end = not_after or start + dt.timedelta(days=365)
    cert = folder / "person.pem"
    openssl(
        "ca", "-engine", "gost", "-batch", "-config", ca.dir / "ca.cnf",
        "-cert", ca.cert, "-keyfile", ca.key, "-in", csr, "-out", cert,
        "-startdate", _asn1_time(start), "-enddate", _asn1_time(end),
        "-preserveDN", "-utf8", "-notext",
    )  # fmt: skip
    return Person(surname=surname, given_name=given_name, snils=digits(snils), key=key, cert=cert)


def sign_detached(
    person: Person,
    content: bytes,
    *,
    pem: bool = False,
    attributes: bool = True,
    certificate: bool = True,
    directory: Path | None = None,
) -> bytes:
    """A detached CMS signature (CAdES-BES with ``signingTime``) of ``content`` by ``person``,
    as ``cryptcp``/OpenSSL make it: DER, or PEM (``-----BEGIN CMS-----``) when ``pem``.
    ``attributes=False``: no signed attributes (no ``signingTime``); ``certificate=False``:
    the signer's certificate left out."""
    folder = Path(directory) if directory else person.cert.parent
    data = folder / f"content-{next(_counter)}.bin"
    out = folder / f"{data.stem}.sig"
    data.write_bytes(content)
    openssl(
        "cms", "-sign", "-engine", "gost", "-binary", "-in", data,
        "-signer", person.cert, "-inkey", person.key, "-md", "md_gost12_256",
        "-outform", "PEM" if pem else "DER", "-out", out,
        *([] if attributes else ["-noattr"]), *([] if certificate else ["-nocerts"]),
    )  # fmt: skip
    signature = out.read_bytes()
    data.unlink()
    out.unlink()
    return signature


@dataclasses.dataclass(frozen=True)
class Pki:
    ca: Ca
    other_ca: Ca
    ivanov: Person
    petrov: Person
    nosnils: Person
    expired: Person
    future: Person
    foreign: Person


IVANOV_SNILS = "11223344595"
PETROV_SNILS = "98765432183"


def build_pki(directory: Path) -> Pki:
    """The usual cast (see the module's docstring)."""
    ca = make_ca(directory, "Тестовый УЦ ЦУР")
    other_ca = make_ca(directory, "Посторонний УЦ")
    ivanov = make_person(
        ca,
        directory,
        surname="Иванов",
        given_name="Иван Петрович",
        snils=IVANOV_SNILS,
        inn="500100732259",
    )
    now = dt.datetime.now(dt.UTC)
    return Pki(
        ca=ca,
        other_ca=other_ca,
        ivanov=ivanov,
        petrov=make_person(
            ca, directory, surname="Петров", given_name="Пётр Сергеевич", snils=PETROV_SNILS
        ),
        nosnils=make_person(ca, directory, surname="Сидорова", given_name="Анна Ильинична"),
        expired=make_person(
            ca,
            directory,
            surname="Иванов",
            given_name="Иван Петрович",
            snils=IVANOV_SNILS,
            not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            not_after=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
            key=ivanov.key,
        ),
        future=make_person(
            ca,
            directory,
            surname="Иванов",
            given_name="Иван Петрович",
            snils=IVANOV_SNILS,
            not_before=now + dt.timedelta(days=365),
            key=ivanov.key,
        ),
        foreign=make_person(
            other_ca,
            directory,
            surname="Иванов",
            given_name="Иван Петрович",
            snils=IVANOV_SNILS,
            key=ivanov.key,
        ),
    )


@pytest.fixture(scope="session")
def gost_pki(tmp_path_factory) -> Pki:
    """The cast of ``build_pki``, made once per session; skips without the GOST engine."""
    if not gost_engine_available():
        pytest.skip("OpenSSL's GOST engine is absent (libengine-gost-openssl; `make gost`)")
    return build_pki(tmp_path_factory.mktemp("gost-pki"))
