"""``otklik signatures check FILE SIG [--user NAME] [--trusted DIR] [--at ISO] [--json]``: the
verdict on a detached qualified signature, as Otklik gives it when a signer uploads one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from otklik.core.cms import cms_verify, signer_matches, trusted_certificates


class Command(BaseCommand):
    help = "Проверка квалифицированных электронных подписей (ГОСТ, CMS)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser("check", help="check a detached signature SIG of FILE")
        check.add_argument("file", help="the signed document")
        check.add_argument("signature", help="the detached signature (.sig/.p7s, DER or base64)")
        check.add_argument("--user", help="also check that the certificate is this user's")
        check.add_argument(
            "--trusted", help="a directory of trusted centres (default: OTKLIK_TRUSTED_CA_DIR)"
        )
        check.add_argument(
            "--at", help="the moment to check at when the signature has no signingTime (ISO)"
        )
        check.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        try:
            content = Path(o["file"]).read_bytes()
            signature = Path(o["signature"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"Файл не читается: {exc}") from exc
        at = None
        if o["at"]:
            try:
                at = dt.datetime.fromisoformat(o["at"])
            except ValueError as exc:
                raise CommandError(f"--at: неверная дата «{o['at']}»") from exc
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
        trusted = trusted_certificates(o["trusted"]) if o["trusted"] else trusted_certificates()
        result = cms_verify(content=content, signature=signature, trusted=trusted, at=at)
        owner = None
        if o["user"] and result.signer is not None:
            user = get_user_model().objects.filter(username=o["user"]).first()
            if user is None:
                raise CommandError(f"Нет пользователя «{o['user']}».")
            owner = signer_matches(
                result.signer, full_name=user.fio, snils=getattr(user, "snils", "")
            )
        accepted = result.ok and (owner is None or owner[0])
        if o["json"]:
            verdict = result.as_json()
            verdict["ok"] = accepted
            verdict["owner"] = None if owner is None else {"ok": owner[0], "message": owner[1]}
            self.stdout.write(json.dumps(verdict, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(result.message)
            signer = result.signer
            if signer is not None:
                self.stdout.write(f"  Владелец: {signer.full_name}")
                for label, value in (
                    ("СНИЛС", signer.snils_display),
                    ("ИНН", signer.inn),
                    ("ОГРН", signer.ogrn),
                ):
                    if value:
                        self.stdout.write(f"  {label}: {value}")
                self.stdout.write(f"  Сертификат № {signer.serial}, выдан «{signer.issuer_cn}»")
                self.stdout.write(f"  SHA-256 сертификата: {signer.sha256}")
            if owner is not None:
                self.stdout.write(f"Сверка с пользователем «{o['user']}»: {owner[1]}")
        if not accepted:
            raise SystemExit(1)
