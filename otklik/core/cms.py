"""The check of a qualified electronic signature (УКЭП): a detached CMS SignedData (CAdES-BES,
ГОСТ Р 34.10-2012 keys) over a document's bytes, as КриптоПро's ``cryptcp`` and OpenSSL with
the GOST engine make it, DER or base64 (with or without PEM armour).

``cms_verify`` runs ``openssl cms`` with the GOST engine (Debian's ``libengine-gost-openssl``,
``make gost``) as a subprocess — an argument list, never a shell string, with a timeout, in a
temporary directory — and says why a signature is refused, one reason per step, in this order:

1. the file is a CMS SignedData (``bad_format``) carrying the signer's certificate
   (``no_certificate``);
2. the signature is over these very bytes (``content_mismatch``; checked with ``-noverify`` so
   that «other bytes» is never confused with a certificate problem);
3. the chain leads to a certification centre the ЦУР configured (``no_trusted`` when none is,
   ``untrusted``, ``chain_invalid``; time is left out here);
4. the signer's certificate was valid at the signing moment (``not_yet_valid``, ``expired``):
   the signed ``signingTime`` attribute when present, else ``at`` (now by default); then the
   whole chain once more at that moment (``-attime``).

``signer_matches`` then says whether the certificate's owner is the user (СНИЛС, else ФИО).
The trusted centres come from ``OTKLIK_TRUSTED_CA_DIR`` (``trusted_certificates``).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import re
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone

from otklik.core.gost import OPENSSL, gost_engine_available
from otklik.core.identifiers import digits, snils_format

# A detached signature with the signer's chain is a few kilobytes; more is not a signature.
SIGNATURE_MAX_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 60

OID_SNILS = "1.2.643.100.3"
OID_INN = "1.2.643.3.131.1.1"
OID_INN_LE = "1.2.643.100.4"  # ИНН of a legal entity in certificates issued since 2021
OID_OGRN = "1.2.643.100.1"
OID_OGRNIP = "1.2.643.100.5"
OID_CN = "2.5.4.3"
OID_SN = "2.5.4.4"
OID_GN = "2.5.4.42"

# The names OpenSSL prints; one option set so that every value comes out as UTF-8 text, one
# attribute a line, under its numeric OID.
_NAMEOPT = "sep_multiline,utf8,esc_ctrl,oid"
# Verify errors (``X509_verify_cert_error_string``) that mean «no trusted centre issued it».
_UNTRUSTED_ERRORS = (
    "unable to get local issuer certificate",
    "unable to get issuer certificate",
    "self-signed certificate",
    "self signed certificate",
    "unable to verify the first certificate",
)

# Common verify errors in Russian; OpenSSL's text follows in parentheses.
_VERIFY_ERRORS_RU = {
    "certificate has expired": "истёк срок действия сертификата в цепочке",
    "certificate is not yet valid": "срок действия сертификата в цепочке ещё не начался",
    "certificate signature failure": "подпись сертификата в цепочке неверна",
    "invalid CA certificate": "сертификат удостоверяющего центра не предназначен для выдачи "
    "сертификатов",
    "unsupported certificate purpose": "сертификат не предназначен для подписи",
}


def _ru(error: str) -> str:
    for english, russian in _VERIFY_ERRORS_RU.items():
        if english in error:
            return f"{russian} (OpenSSL: {error})"
    return f"OpenSSL: {error}"


class CmsReason(models.TextChoices):
    OK = "ok", "подпись верна"
    NO_ENGINE = (
        "no_engine",
        "на сервере нет средств проверки подписей ГОСТ (OpenSSL с модулем gost)",
    )
    BAD_FORMAT = "bad_format", "файл не является подписью CMS"
    NO_CERTIFICATE = "no_certificate", "в подписи нет сертификата подписанта"
    CONTENT_MISMATCH = "content_mismatch", "подпись сделана не для этого документа"
    NO_TRUSTED = "no_trusted", "не настроены доверенные удостоверяющие центры"
    UNTRUSTED = (
        "untrusted",
        "сертификат выдан удостоверяющим центром, которого нет в списке доверенных",
    )
    CHAIN_INVALID = "chain_invalid", "цепочка сертификатов не прошла проверку"
    BAD_SIGNING_TIME = "bad_signing_time", "время подписи в подписи невозможно"
    NOT_YET_VALID = "not_yet_valid", "срок действия сертификата ещё не начался"
    EXPIRED = "expired", "срок действия сертификата истёк"
    ERROR = "error", "проверка подписи не выполнена"


@dataclasses.dataclass(frozen=True)
class CertInfo:
    """The signer's certificate as Otklik shows and stores it."""

    common_name: str
    surname: str  # SN: фамилия
    given_name: str  # GN: имя и отчество in Russian qualified certificates
    snils: str  # digits, "" when absent
    inn: str
    ogrn: str
    serial: str  # hex, upper case, as OpenSSL prints it
    issuer_cn: str
    not_before: dt.datetime
    not_after: dt.datetime
    sha256: str  # hex of the SHA-256 of the certificate's DER
    pem: str

    @property
    def full_name(self) -> str:
        """«Фамилия Имя Отчество» from SN and GN, else the common name."""
        joined = " ".join(p for p in (self.surname, self.given_name) if p)
        return joined if self.surname and self.given_name else self.common_name or joined

    @property
    def snils_display(self) -> str:
        return snils_format(self.snils) if self.snils else ""

    def as_json(self) -> dict:
        """A JSON-serialisable copy (dates in ISO 8601) for a ``JSONField``."""
        data = dataclasses.asdict(self)
        data["not_before"] = self.not_before.isoformat()
        data["not_after"] = self.not_after.isoformat()
        return data


@dataclasses.dataclass(frozen=True)
class CmsCheck:
    ok: bool
    reason: CmsReason
    message: str  # Russian, with the specifics (dates, the OpenSSL error)
    signer: CertInfo | None = None
    signing_time: dt.datetime | None = None  # the signed attribute, when the signature has it
    checked_at: dt.datetime | None = None  # the moment the certificate was checked at

    @property
    def reason_label(self) -> str:
        return self.reason.label

    def as_json(self) -> dict:
        """A JSON-serialisable copy (the signature check result stored beside a document)."""
        return {
            "ok": self.ok,
            "reason": str(self.reason),
            "message": self.message,
            "signer": self.signer.as_json() if self.signer else None,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
        }


class _Refused(Exception):
    def __init__(self, reason: CmsReason, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


# --- helpers ------------------------------------------------------------------------------------


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def _day(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            [OPENSSL, *args],
            cwd=cwd,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise _Refused(CmsReason.ERROR, f"OpenSSL не ответил за {TIMEOUT_SECONDS} с") from exc
    except OSError as exc:
        raise _Refused(CmsReason.ERROR, f"OpenSSL не запустился: {exc}") from exc


def _openssl_error(done: subprocess.CompletedProcess) -> str:
    """The meaningful part of OpenSSL's stderr (the verify error, else the last error line)."""
    text = done.stderr.decode("utf-8", "replace")
    found = re.search(r"Verify error: *(.+)", text)
    if found:
        return found.group(1).strip()
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("Engine ")]
    if not lines:
        return ""
    # «40…:error:1700009E:CMS routines:CMS_SignerInfo_verify_content:verification failure:…»
    parts = lines[-1].split(":")
    return parts[5] if len(parts) > 5 else lines[-1]


def signature_der(signature: bytes) -> bytes | None:
    """The DER of a detached signature given as DER, as bare base64 (``cryptcp`` without
    ``-der``) or as PEM (``-----BEGIN CMS-----``/``PKCS7``/``SIGNATURE``); None when neither."""
    if signature[:1] == b"\x30":
        return signature
    text = signature.removeprefix(b"\xef\xbb\xbf")
    try:
        decoded = text.decode("ascii")
    except UnicodeDecodeError:
        return None
    body = "".join(
        line.strip() for line in decoded.splitlines() if not line.strip().startswith("-----")
    )
    try:
        der = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None
    return der if der[:1] == b"\x30" else None


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def _openssl_time(text: str) -> dt.datetime:
    """«Dec  8 04:40:00 2026 GMT» (OpenSSL's print of an ASN.1 time) as an aware datetime."""
    month, day, clock, year, *_ = text.split()
    hour, minute, second = (int(p) for p in clock.split(".")[0].split(":"))
    return dt.datetime(int(year), _MONTHS[month], int(day), hour, minute, second, tzinfo=dt.UTC)


def _signing_time(printed: str) -> dt.datetime | None:
    found = re.search(
        r"signingTime \(1\.2\.840\.113549\.1\.9\.5\)\s*\n\s*set:\s*\n\s*"
        r"(?:UTCTIME|GENERALIZEDTIME):(.+)",
        printed,
    )
    if not found:
        return None
    try:
        return _openssl_time(found.group(1))
    except (ValueError, KeyError):
        return None


def _name_fields(lines: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in lines:
        oid, sep, value = line.strip().partition("=")
        if sep and oid not in fields:
            fields[oid] = value.strip()
    return fields


_PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def _cert_info(pem: bytes | str) -> CertInfo:
    """The fields of the first certificate in ``pem`` (read with ``openssl x509``)."""
    text = pem.decode("ascii", "replace") if isinstance(pem, bytes) else pem
    first = _PEM_CERT.search(text)
    if not first:
        raise _Refused(CmsReason.NO_CERTIFICATE)
    with tempfile.TemporaryDirectory(prefix="otklik-x509-") as tmp:
        path = Path(tmp) / "cert.pem"
        path.write_text(first.group(0) + "\n", encoding="ascii")
        done = _run(
            [
                "x509",
                "-in",
                str(path),
                "-noout",
                "-nameopt",
                _NAMEOPT,
                "-subject",
                "-issuer",
                "-dates",
                "-serial",
                "-fingerprint",
                "-sha256",
            ],
            Path(tmp),
        )
    if done.returncode != 0:
        raise _Refused(CmsReason.BAD_FORMAT, _openssl_error(done))
    sections: dict[str, list[str]] = {}
    current = ""
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line[:1].isspace() and current:
            sections[current].append(line)
            continue
        key, _, value = line.partition("=")
        current = key.strip()
        sections[current] = [value] if value.strip() else []
    subject = _name_fields(sections.get("subject", []))
    issuer = _name_fields(sections.get("issuer", []))
    inn = digits(subject.get(OID_INN, "") or subject.get(OID_INN_LE, ""))
    if len(inn) == 12 and inn.startswith("00"):
        inn = inn[2:]  # an organisation's 10-digit ИНН in the old 12-character field
    return CertInfo(
        common_name=subject.get(OID_CN, ""),
        surname=subject.get(OID_SN, ""),
        given_name=subject.get(OID_GN, ""),
        snils=digits(subject.get(OID_SNILS, "")),
        inn=inn,
        ogrn=digits(subject.get(OID_OGRN, "") or subject.get(OID_OGRNIP, "")),
        serial=(sections.get("serial") or [""])[0].strip().upper(),
        issuer_cn=issuer.get(OID_CN, ""),
        not_before=_openssl_time((sections.get("notBefore") or [""])[0]),
        not_after=_openssl_time((sections.get("notAfter") or [""])[0]),
        sha256=(sections.get("sha256 Fingerprint") or [""])[0].replace(":", "").lower(),
        pem=first.group(0) + "\n",
    )


# --- the check ----------------------------------------------------------------------------------


def _message(reason: CmsReason, detail: str) -> str:
    text = str(reason.label)
    text = text[:1].upper() + text[1:]
    return f"{text}: {detail}" if detail else f"{text}."


def cms_verify(
    *,
    content: bytes,
    signature: bytes,
    trusted: list[bytes],
    at: dt.datetime | None = None,
    signed_not_before: dt.datetime | None = None,
) -> CmsCheck:
    """Check a detached CMS signature of ``content`` against the trusted centres ``trusted``
    (PEM certificates). ``at`` is the moment to check the certificate at when the signature
    carries no ``signingTime`` (now by default). ``signed_not_before``: the earliest moment the
    signature can have been made (when the document was frozen); a ``signingTime`` before it
    is a false claim and is refused — so a certificate that expired since cannot pass with a
    back-dated signature."""
    now = at or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    state: dict = {"signer": None, "signing_time": None, "checked_at": None}
    try:
        _check(content, signature, trusted, now, signed_not_before, state)
    except _Refused as refused:
        return CmsCheck(
            ok=False,
            reason=refused.reason,
            message=_message(refused.reason, refused.detail),
            **state,
        )
    signer: CertInfo = state["signer"]
    return CmsCheck(
        ok=True,
        reason=CmsReason.OK,
        message=(
            f"Подпись верна: подписал {signer.full_name}"
            f"{', СНИЛС ' + signer.snils_display if signer.snils else ''}; сертификат "
            f"№ {signer.serial} выдан «{signer.issuer_cn}», действует с {_day(signer.not_before)} "
            f"по {_day(signer.not_after)}; подписано {_local(state['checked_at'])}."
        ),
        **state,
    )


def _check(
    content: bytes,
    signature: bytes,
    trusted: list[bytes],
    now: dt.datetime,
    signed_not_before: dt.datetime | None,
    state: dict,
) -> None:
    if not gost_engine_available():
        raise _Refused(
            CmsReason.NO_ENGINE,
            "установите пакет libengine-gost-openssl (make gost) и повторите проверку.",
        )
    if len(signature) > SIGNATURE_MAX_BYTES:
        raise _Refused(
            CmsReason.BAD_FORMAT, f"файл подписи больше {SIGNATURE_MAX_BYTES // 1024} КБ."
        )
    der = signature_der(signature)
    if der is None:
        raise _Refused(
            CmsReason.BAD_FORMAT,
            "ожидается отсоединённая подпись (.sig, .p7s) в DER или base64.",
        )
    with tempfile.TemporaryDirectory(prefix="otklik-cms-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "sig.der").write_bytes(der)
        (tmp / "content.bin").write_bytes(content)
        common = ["-engine", "gost", "-inform", "DER", "-in", "sig.der"]

        # 1. the structure
        printed = _run(["cms", "-cmsout", "-print", "-noout", *common], tmp)
        if printed.returncode != 0:
            raise _Refused(CmsReason.BAD_FORMAT, "файл не читается как CMS (ASN.1).")
        text = printed.stdout.decode("utf-8", "replace")
        if not re.search(r"contentType: pkcs7-signedData", text):
            raise _Refused(CmsReason.BAD_FORMAT, "это CMS, но не подписанные данные (SignedData).")
        state["signing_time"] = _signing_time(text)

        # 2. the signature over these bytes, the certificate aside
        verify = ["cms", "-verify", "-binary", *common, "-content", "content.bin"]
        done = _run([*verify, "-noverify", "-signer", "signer.pem", "-out", "/dev/null"], tmp)
        if done.returncode != 0:
            error = _openssl_error(done)
            if "signer certificate not found" in error:
                raise _Refused(CmsReason.NO_CERTIFICATE, "подпись сделана без сертификата.")
            if "verification failure" in error or "content verify error" in error:
                raise _Refused(
                    CmsReason.CONTENT_MISMATCH,
                    "файл подписи относится к другому файлу или документ изменён после подписи.",
                )
            raise _Refused(CmsReason.BAD_FORMAT, f"подпись не проверяется (OpenSSL: {error}).")
        signer = _cert_info((tmp / "signer.pem").read_bytes())
        state["signer"] = signer

        # 3. the chain to the configured centres, time aside
        anchors = "".join(
            m.group(0) + "\n"
            for c in trusted
            for m in _PEM_CERT.finditer(c.decode("ascii", "replace"))
        ).encode("ascii")
        if not anchors:
            raise _Refused(
                CmsReason.NO_TRUSTED,
                "квалифицированные подписи не принимаются, пока администратор не укажет "
                "сертификаты удостоверяющих центров (OTKLIK_TRUSTED_CA_DIR).",
            )
        (tmp / "trusted.pem").write_bytes(anchors)
        # only the configured centres: never the system's CA directory or store (OpenSSL adds
        # them unless told not to)
        chain = [
            *verify,
            *("-CAfile", "trusted.pem", "-no-CApath", "-no-CAstore"),
            *("-partial_chain", "-purpose", "any"),
        ]
        done = _run([*chain, "-no_check_time", "-out", "/dev/null"], tmp)
        if done.returncode != 0:
            error = _openssl_error(done)
            if any(e in error for e in _UNTRUSTED_ERRORS):
                raise _Refused(
                    CmsReason.UNTRUSTED,
                    f"сертификат выдан «{signer.issuer_cn}» (OpenSSL: {error}).",
                )
            raise _Refused(CmsReason.CHAIN_INVALID, f"{_ru(error)}.")

        # 4. the certificate at the signing moment
        signing_time = state["signing_time"]
        # signingTime is UTCTime, to the second: a signature made in the second of the
        # registration must not look older than it
        floor = signed_not_before.replace(microsecond=0) if signed_not_before else None
        if signing_time is not None and floor and signing_time < floor:
            raise _Refused(
                CmsReason.BAD_SIGNING_TIME,
                f"в подписи указано время {_local(signing_time)}, а документ создан "
                f"{_local(signed_not_before)}.",
            )
        moment = signing_time or now
        state["checked_at"] = moment
        source = "время из подписи" if signing_time else "время проверки"
        period = f"с {_local(signer.not_before)} по {_local(signer.not_after)}"
        signed = f"а подпись сделана {_local(moment)} ({source})"
        if moment < signer.not_before:
            raise _Refused(CmsReason.NOT_YET_VALID, f"сертификат действует {period}, {signed}.")
        if moment > signer.not_after:
            raise _Refused(CmsReason.EXPIRED, f"сертификат действовал {period}, {signed}.")
        done = _run([*chain, "-attime", str(int(moment.timestamp())), "-out", "/dev/null"], tmp)
        if done.returncode != 0:
            raise _Refused(
                CmsReason.CHAIN_INVALID,
                f"на момент подписи {_local(moment)} {_ru(_openssl_error(done))}.",
            )


# --- the signer against the user ----------------------------------------------------------------


def _normal_name(value: str) -> str:
    return " ".join(value.casefold().replace("ё", "е").split())


def signer_matches(cert: CertInfo, *, full_name: str, snils: str) -> tuple[bool, str]:
    """Whether the certificate's owner is the user: the СНИЛС decides when the user has one,
    else the name (SN + GN against «Фамилия Имя Отчество»; case, «ё» and spaces aside)."""
    user_snils = digits(snils)
    if user_snils:
        if not cert.snils:
            return False, (
                f"сертификат выдан другому лицу: в сертификате ({cert.full_name}) нет СНИЛС, "
                "а у пользователя он указан."
            )
        if cert.snils != user_snils:
            return False, (
                f"сертификат выдан другому лицу: {cert.full_name}, СНИЛС {cert.snils_display} "
                "не совпадает со СНИЛС пользователя."
            )
        return True, f"владелец сертификата — пользователь (СНИЛС {cert.snils_display})."
    if not _normal_name(full_name):
        return False, (
            "владельца сертификата не с чем сверить: у пользователя не указаны ни СНИЛС, ни ФИО."
        )
    if _normal_name(cert.full_name) != _normal_name(full_name):
        return False, (
            f"сертификат выдан другому лицу: {cert.full_name}, а пользователь — "
            f"{' '.join(full_name.split())}."
        )
    return True, f"владелец сертификата — пользователь ({cert.full_name})."


# --- the configured centres ---------------------------------------------------------------------


def trusted_certificates(directory: str | Path | None = None) -> list[bytes]:
    """The PEM certificates of the trusted certification centres: every certificate in the
    ``*.pem``/``*.crt``/``*.cer`` files of ``OTKLIK_TRUSTED_CA_DIR`` (a bundle is split); an
    empty list when the setting is empty or the directory has none. DER files are converted."""
    folder = directory if directory is not None else settings.OTKLIK_TRUSTED_CA_DIR
    if not folder:
        return []
    path = Path(folder)
    if not path.is_dir():
        return []
    found: list[bytes] = []
    for file in sorted(path.iterdir()):
        if file.suffix.lower() not in {".pem", ".crt", ".cer"} or not file.is_file():
            continue
        data = file.read_bytes()
        if data[:1] == b"\x30":  # a DER certificate, as УЦ publish them (.cer)
            body = base64.encodebytes(data).decode("ascii")
            data = f"-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n".encode()
        text = data.decode("ascii", "replace")
        found.extend((m.group(0) + "\n").encode("ascii") for m in _PEM_CERT.finditer(text))
    return found
