"""Files of requests, answers and incoming requests: kept by content in the default storage
(``correspondence/<ab>/<sha256><ext>``, as the intake keeps attachments), described by a
``StoredFile`` row with the name, the type, the size and the SHA-256."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from otklik.core.exceptions import ApplicationError
from otklik.correspondence.models import StoredFile

MAX_FILE = 20 * 1024 * 1024
MAX_FILES = 20


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes
    content_type: str = ""


def uploads_from(files) -> list[Upload]:
    """Django's uploaded files (a form's) as ``Upload``s."""
    return [Upload(f.name, f.read(), getattr(f, "content_type", "") or "") for f in files or []]


def uploads_check(files: list[Upload]) -> None:
    if len(files) > MAX_FILES:
        raise ApplicationError(f"Не больше {MAX_FILES} файлов за раз.")
    for f in files:
        if not f.content:
            raise ApplicationError(f"Файл «{f.name}» пустой.")
        if len(f.content) > MAX_FILE:
            raise ApplicationError(f"Файл «{f.name}» больше {MAX_FILE // (1024 * 1024)} МБ.")


def files_store(files: list[Upload], **owner) -> list[StoredFile]:
    """Store ``files`` for ``owner`` (``assignment=``, ``reply=`` or ``incoming=``, and
    ``in_answer=``); call inside the owner's transaction."""
    stored = []
    for f in files:
        digest = hashlib.sha256(f.content).hexdigest()
        name = Path(f.name.replace("\\", "/")).name[:255] or "файл"
        content_type = f.content_type or mimetypes.guess_type(name)[0] or ""
        ext = Path(name).suffix.lower()
        ext = ext if re.fullmatch(r"\.[a-z0-9]{1,10}", ext) else ""
        path = f"correspondence/{digest[:2]}/{digest}{ext}"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(f.content))
        stored.append(
            StoredFile.objects.create(
                name=name,
                content_type=content_type,
                size=len(f.content),
                sha256=digest,
                file=path,
                **owner,
            )
        )
    return stored
