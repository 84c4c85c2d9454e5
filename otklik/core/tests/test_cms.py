"""The check of qualified signatures with real GOST keys, certificates and signatures made by
OpenSSL: each refusal has its own reason and a Russian message with the specifics."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re

import pytest

from otklik.core import cms
from otklik.core.cms import CmsReason, cms_verify, signer_matches, trusted_certificates
from otklik.core.tests.gost_pki import (
    GOST_SKIP,
    IVANOV_SNILS,
    PETROV_SNILS,
    make_ca,
    openssl,
    sign_detached,
)

pytestmark = GOST_SKIP

DOC = b"%PDF-1.7\n\xd0\x9f\xd1\x80\xd0\xb8\xd0\xba\xd0\xb0\xd0\xb7 \xe2\x84\x96 1\n%%EOF\n"
CYRILLIC = re.compile("[а-яё]", re.I)


def check(pki, person, *, content=DOC, pem=False, trusted=None, **kw):
    signature = sign_detached(person, DOC, pem=pem)
    return cms_verify(
        content=content,
        signature=signature,
        trusted=[pki.ca.pem] if trusted is None else trusted,
        **kw,
    )


def test_a_valid_der_signature_passes_with_the_signers_certificate(gost_pki):
    result = check(gost_pki, gost_pki.ivanov)
    assert result.ok, result.message
    assert result.reason == CmsReason.OK
    signer = result.signer
    assert (signer.surname, signer.given_name) == ("Иванов", "Иван Петрович")
    assert signer.common_name == "Иванов Иван Петрович"
    assert signer.full_name == "Иванов Иван Петрович"
    assert (signer.snils, signer.inn, signer.ogrn) == (IVANOV_SNILS, "500100732259", "")
    assert signer.issuer_cn == "Тестовый УЦ ЦУР"
    # the fingerprint and serial are those OpenSSL reads from the certificate file itself
    printed = openssl("x509", "-in", gost_pki.ivanov.cert, "-noout", "-fingerprint", "-sha256")
    assert signer.sha256 == printed.decode().split("=")[1].strip().replace(":", "").lower()
    serial = openssl("x509", "-in", gost_pki.ivanov.cert, "-noout", "-serial").decode()
    assert signer.serial == serial.split("=")[1].strip()
    assert signer.pem.strip() == gost_pki.ivanov.pem.decode().strip()
    assert signer.not_before < result.signing_time < signer.not_after
    assert abs(result.signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert "Иванов Иван Петрович" in result.message
    assert "112-233-445 95" in result.message
    stored = json.loads(json.dumps(result.as_json()))
    assert stored["reason"] == "ok" and stored["signer"]["snils"] == IVANOV_SNILS
    assert stored["signer"]["not_after"] == signer.not_after.isoformat()


def test_pem_and_bare_base64_signatures_pass(gost_pki):
    pem = sign_detached(gost_pki.ivanov, DOC, pem=True)
    assert pem.startswith(b"-----BEGIN CMS-----")
    assert cms_verify(content=DOC, signature=pem, trusted=[gost_pki.ca.pem]).ok
    der = sign_detached(gost_pki.ivanov, DOC)
    bare = base64.encodebytes(der)  # cryptcp's default: base64 lines without armour
    result = cms_verify(content=DOC, signature=b"\xef\xbb\xbf" + bare, trusted=[gost_pki.ca.pem])
    assert result.ok, result.message


def test_a_signature_of_other_bytes_is_content_mismatch(gost_pki):
    result = check(gost_pki, gost_pki.ivanov, content=DOC + b" ")
    assert not result.ok
    assert result.reason == CmsReason.CONTENT_MISMATCH
    assert result.message.startswith("Подпись сделана не для этого документа")


def test_an_expired_certificate_is_refused_with_its_period(gost_pki):
    result = check(gost_pki, gost_pki.expired)
    assert result.reason == CmsReason.EXPIRED
    assert result.message.startswith("Срок действия сертификата истёк")
    # Volgograd lived on UTC+4 in 2020
    assert "с 01.01.2020 04:00 по 01.01.2021 03:00" in result.message
    assert "время из подписи" in result.message
    assert result.signer.snils == IVANOV_SNILS


def test_a_certificate_not_yet_valid_is_refused(gost_pki):
    result = check(gost_pki, gost_pki.future)
    assert result.reason == CmsReason.NOT_YET_VALID
    assert "ещё не начался" in result.message


def test_the_moment_is_at_when_the_signature_has_no_signing_time(gost_pki):
    signature = sign_detached(gost_pki.expired, DOC, attributes=False)
    within = dt.datetime(2020, 6, 1, tzinfo=dt.UTC)
    result = cms_verify(content=DOC, signature=signature, trusted=[gost_pki.ca.pem], at=within)
    assert result.ok, result.message
    assert result.signing_time is None and result.checked_at == within
    late = cms_verify(content=DOC, signature=signature, trusted=[gost_pki.ca.pem])
    assert late.reason == CmsReason.EXPIRED
    assert "время проверки" in late.message


def test_a_signing_time_before_the_document_existed_is_refused(gost_pki):
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    result = check(gost_pki, gost_pki.ivanov, signed_not_before=tomorrow)
    assert result.reason == CmsReason.BAD_SIGNING_TIME


def test_a_certificate_of_an_unconfigured_centre_is_untrusted(gost_pki):
    result = check(gost_pki, gost_pki.foreign)
    assert result.reason == CmsReason.UNTRUSTED
    assert "«Посторонний УЦ»" in result.message
    # configured together with the right one, the other centre's certificate passes
    both = check(gost_pki, gost_pki.foreign, trusted=[gost_pki.ca.pem, gost_pki.other_ca.pem])
    assert both.ok, both.message


def test_the_systems_trusted_certificates_are_not_trusted(gost_pki, tmp_path, monkeypatch):
    # a centre in the machine's CA directory (OpenSSL's default, /etc/ssl/certs) is not one
    # the ЦУР configured
    system = tmp_path / "system-certs"
    system.mkdir()
    (system / "uc.pem").write_bytes(gost_pki.ca.pem)
    openssl("rehash", system)
    monkeypatch.setenv("SSL_CERT_DIR", str(system))
    monkeypatch.setenv("SSL_CERT_FILE", str(gost_pki.ca.cert))
    result = check(gost_pki, gost_pki.ivanov, trusted=[gost_pki.other_ca.pem])
    assert result.reason == CmsReason.UNTRUSTED


def test_no_configured_centre_accepts_nothing(gost_pki):
    result = check(gost_pki, gost_pki.ivanov, trusted=[])
    assert result.reason == CmsReason.NO_TRUSTED
    assert "OTKLIK_TRUSTED_CA_DIR" in result.message


@pytest.mark.parametrize(
    "garbage",
    [b"", b"not a signature at all", bytes(range(256)), b"\x30\x03\x02\x01\x01", b"MIIBIjAN"],
)
def test_garbage_is_bad_format(gost_pki, garbage):
    result = cms_verify(content=DOC, signature=garbage, trusted=[gost_pki.ca.pem])
    assert result.reason == CmsReason.BAD_FORMAT
    assert result.message.startswith("Файл не является подписью CMS")


def test_a_certificate_instead_of_a_signature_is_bad_format(gost_pki):
    result = cms_verify(content=DOC, signature=gost_pki.ivanov.pem, trusted=[gost_pki.ca.pem])
    assert result.reason == CmsReason.BAD_FORMAT


def test_every_reason_has_a_russian_label():
    for reason in CmsReason:
        assert CYRILLIC.search(str(reason.label)), reason


def test_without_the_engine_the_reason_is_no_engine(gost_pki, monkeypatch):
    monkeypatch.setattr(cms, "gost_engine_available", lambda: False)
    result = check(gost_pki, gost_pki.ivanov)
    assert result.reason == CmsReason.NO_ENGINE
    assert "libengine-gost-openssl" in result.message


# --- the owner ----------------------------------------------------------------------------------


def test_the_owner_is_the_user_by_snils(gost_pki):
    signer = check(gost_pki, gost_pki.ivanov).signer
    # the name in Otklik may be written differently: the СНИЛС decides
    assert signer_matches(signer, full_name="Иванов И. П.", snils="112-233-445 95")[0]
    ok, reason = signer_matches(signer, full_name="Петров Пётр Сергеевич", snils=PETROV_SNILS)
    assert not ok
    assert reason.startswith("сертификат выдан другому лицу: Иванов Иван Петрович")
    assert "112-233-445 95" in reason


def test_another_persons_certificate_is_refused_by_snils(gost_pki):
    signer = check(gost_pki, gost_pki.petrov).signer
    ok, reason = signer_matches(signer, full_name="Иванов Иван Петрович", snils=IVANOV_SNILS)
    assert not ok
    assert "Петров Пётр Сергеевич" in reason and "987-654-321 83" in reason


def test_without_the_users_snils_the_name_decides(gost_pki):
    signer = check(gost_pki, gost_pki.petrov).signer
    assert signer_matches(signer, full_name="  петров   ПЕТР сергеевич ", snils="")[0]
    ok, reason = signer_matches(signer, full_name="Иванов Иван Петрович", snils="")
    assert not ok
    assert reason == (
        "сертификат выдан другому лицу: Петров Пётр Сергеевич, а пользователь — "
        "Иванов Иван Петрович."
    )
    assert not signer_matches(signer, full_name="", snils="")[0]


def test_a_certificate_without_snils_does_not_match_a_user_with_one(gost_pki):
    signer = check(gost_pki, gost_pki.nosnils).signer
    assert signer.snils == ""
    ok, reason = signer_matches(signer, full_name="Сидорова Анна Ильинична", snils=IVANOV_SNILS)
    assert not ok and "нет СНИЛС" in reason
    assert signer_matches(signer, full_name="Сидорова Анна Ильинична", snils="")[0]


# --- the configured centres ---------------------------------------------------------------------


def test_trusted_certificates_reads_pem_bundles_and_der(gost_pki, tmp_path, settings):
    other = make_ca(tmp_path, "Третий УЦ")
    folder = tmp_path / "trusted"
    folder.mkdir()
    (folder / "bundle.pem").write_bytes(gost_pki.ca.pem + gost_pki.other_ca.pem)
    (folder / "third.cer").write_bytes(openssl("x509", "-in", other.cert, "-outform", "DER"))
    (folder / "readme.txt").write_text("not a certificate")
    settings.OTKLIK_TRUSTED_CA_DIR = str(folder)
    found = trusted_certificates()
    assert len(found) == 3
    assert found[0].strip() == gost_pki.ca.pem.strip()
    assert check(gost_pki, gost_pki.foreign, trusted=found).ok
    settings.OTKLIK_TRUSTED_CA_DIR = ""
    assert trusted_certificates() == []
    settings.OTKLIK_TRUSTED_CA_DIR = str(tmp_path / "missing")
    assert trusted_certificates() == []


def test_a_centre_expired_at_the_signing_moment_breaks_the_chain(gost_pki, tmp_path):
    from otklik.core.tests.gost_pki import make_person

    old = make_ca(
        tmp_path,
        "Закрытый УЦ",
        not_before=dt.datetime(2019, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2022, 1, 1, tzinfo=dt.UTC),
    )
    person = make_person(old, tmp_path, surname="Иванов", given_name="Иван Петрович")
    result = check(gost_pki, person, trusted=[old.pem])
    assert result.reason == CmsReason.CHAIN_INVALID
    assert "истёк срок действия сертификата в цепочке" in result.message


def test_a_signature_without_the_signers_certificate_is_no_certificate(gost_pki):
    signature = sign_detached(gost_pki.ivanov, DOC, certificate=False)
    result = cms_verify(content=DOC, signature=signature, trusted=[gost_pki.ca.pem])
    assert result.reason == CmsReason.NO_CERTIFICATE
    assert result.message.startswith("В подписи нет сертификата подписанта")


def test_something_else_than_certificates_in_trusted_is_ignored(gost_pki):
    assert check(gost_pki, gost_pki.ivanov, trusted=[b"junk", gost_pki.ca.pem]).ok
    result = check(gost_pki, gost_pki.ivanov, trusted=[b"junk"])
    assert result.reason == CmsReason.NO_TRUSTED


def test_a_naive_at_is_taken_in_the_local_time_zone(gost_pki):
    # Volgograd lived on UTC+4 then: 2020-01-01 02:30 there is 2019-12-31 22:30 UTC, before the
    # certificate's period (from 00:00 UTC); 04:30 there is within it
    signature = sign_detached(gost_pki.expired, DOC, attributes=False)
    trusted = [gost_pki.ca.pem]
    early = cms_verify(
        content=DOC,
        signature=signature,
        trusted=trusted,
        at=dt.datetime(2020, 1, 1, 2, 30),  # noqa: DTZ001 — naive on purpose
    )
    assert early.reason == CmsReason.NOT_YET_VALID
    assert "подпись сделана 01.01.2020 02:30 (время проверки)" in early.message
    late = cms_verify(
        content=DOC,
        signature=signature,
        trusted=trusted,
        at=dt.datetime(2020, 1, 1, 4, 30),  # noqa: DTZ001 — naive on purpose
    )
    assert late.ok, late.message
