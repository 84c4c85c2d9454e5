"""A set of registered documents as one ZIP for a third party (the Ministry): the frozen PDFs
and their attachments, a manifest of their sizes and hashes (SHA-256 and ГОСТ Р 34.11-2012),
the checksum files in the format of ``sha256sum -c``, and a README in Russian on how to check."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.documents.models import RegisteredDocument

EXPORT_MAX = 500  # documents in one archive

# a fixed time for the members of the archive: the same set gives the same ZIP
ZIP_TIME = (2000, 1, 1, 0, 0, 0)

README = """ВЫГРУЗКА ДОКУМЕНТОВ ЦУР С МАНИФЕСТОМ ХЕШЕЙ

Сформирована: {made} пользователем {who} на портале «Отклик».
Документов: {n}. Каждый документ — замороженная копия, зарегистрированная под номером;
её байты не менялись с момента регистрации.

Состав:
  documents/…            файлы документов (PDF) и их приложения;
  manifest.txt           перечень файлов: размер, SHA-256, ГОСТ Р 34.11-2012 (256 бит);
  manifest.json          то же и реквизиты документов (номер, дата, заголовок, подписи);
  SHA256SUMS             контрольные суммы SHA-256 в формате sha256sum;
  STREEBOG256SUMS        контрольные суммы ГОСТ Р 34.11-2012 (Стрибог-256) в том же формате.

Как проверить (Linux, в каталоге, куда распакован архив):

1. SHA-256:
     sha256sum -c SHA256SUMS
   Каждая строка должна заканчиваться словом «OK» (в русской локали — «ЦЕЛ»).

2. ГОСТ Р 34.11-2012 (нужен OpenSSL с модулем ГОСТ, в Debian — пакет libengine-gost-openssl):
     openssl dgst -engine gost -md_gost12_256 documents/<файл>
   и сравнить с хешем в STREEBOG256SUMS или manifest.txt; все файлы сразу:
     while read -r hash file; do
       got=$(openssl dgst -engine gost -md_gost12_256 -r "$file" | cut -d' ' -f1)
       [ "$got" = "$hash" ] && echo "$file: OK" || echo "$file: НЕ СОВПАДАЕТ"
     done < STREEBOG256SUMS
   Утилиты gostsum / gost12sum (пакет gostsum) проверяют файл так же: gost12sum -c STREEBOG256SUMS.

3. Хеш каждого документа совпадает с указанным в его карточке на портале «Документы ЦУР»
   и в журнале действий (запись «Документ зарегистрирован»).
"""


def _path(document: RegisteredDocument) -> str:
    return f"documents/{document.file_name}"


def _attachment_path(document: RegisteredDocument, name: str) -> str:
    return f"documents/{document.file_name[:-4]}/{name.replace('/', '_')}"


@transaction.atomic
def documents_export(*, actor: Any, documents: Sequence[RegisteredDocument]) -> bytes:
    """The ZIP of ``documents`` (already narrowed to what ``actor`` may see); audited."""
    files: list[tuple[str, bytes, str, str]] = []  # path, bytes, sha256, streebog256
    entries = []
    for d in documents:
        entry = {
            "number": d.number,
            "registered_at": timezone.localtime(d.registered_at).isoformat(),
            "title": d.title,
            "kind": d.kind,
            "file": _path(d),
            "size": d.size,
            "sha256": d.sha256,
            "streebog256": d.streebog256,
            "signatures": [
                {
                    "kind": s.kind,
                    "signer": s.signer_name,
                    "role": s.role,
                    "signed_at": timezone.localtime(s.signed_at).isoformat(),
                    "confirmation": s.confirmation,
                    "signed_streebog256": s.document_streebog256,
                }
                for s in d.signatures.all()
            ],
            "attachments": [],
        }
        files.append((_path(d), bytes(d.pdf), d.sha256, d.streebog256))
        for a in d.attachments.all():
            path = _attachment_path(d, a.name)
            files.append((path, bytes(a.content), a.sha256, a.streebog256))
            entry["attachments"].append(
                {
                    "file": path,
                    "size": a.size,
                    "sha256": a.sha256,
                    "streebog256": a.streebog256,
                }
            )
        entries.append(entry)
    made = timezone.localtime(timezone.now())
    who = (actor.get_full_name() or actor.username) if getattr(actor, "pk", None) else "система"
    manifest_txt = ["# файл\tразмер, байт\tSHA-256\tГОСТ Р 34.11-2012 (256)"]
    manifest_txt += [f"{p}\t{len(b)}\t{sha}\t{gost}" for p, b, sha, gost in files]
    manifest = {
        "made_at": made.isoformat(),
        "made_by": who,
        "files": [
            {"file": p, "size": len(b), "sha256": sha, "streebog256": gost}
            for p, b, sha, gost in files
        ],
        "documents": entries,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:

        def put(path: str, data: bytes) -> None:
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)

        readme = README.format(made=f"{made:%d.%m.%Y %H:%M}", who=who, n=len(documents))
        put("README.txt", readme.encode("utf-8"))
        put("manifest.txt", ("\n".join(manifest_txt) + "\n").encode("utf-8"))
        put("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        put("SHA256SUMS", "".join(f"{sha}  {p}\n" for p, _b, sha, _g in files).encode("utf-8"))
        put(
            "STREEBOG256SUMS",
            "".join(f"{gost}  {p}\n" for p, _b, _s, gost in files).encode("utf-8"),
        )
        for path, data, _sha, _gost in files:
            put(path, data)
    audit_log(
        actor=actor,
        action="document.export",
        data={"numbers": [d.number for d in documents], "files": len(files)},
    )
    return buffer.getvalue()


def ids_parse(values: list[str]) -> list[int]:
    """Document ids from ``ids=1,2&ids=3`` (anything else is ignored)."""
    ids: list[int] = []
    for v in values:
        ids += [int(x) for x in re.split(r"[,\s]+", v) if x.isdigit() and 0 < int(x) < 2**62]
    return ids


def file_response(data: bytes, name: str, content_type: str) -> HttpResponse:
    """A download of ``data`` named ``name`` (UTF-8 names as RFC 6266 says)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    response["Content-Length"] = str(len(data))
    return response
