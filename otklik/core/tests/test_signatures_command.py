"""``otklik signatures check``: the verdict in Russian for an operator, and its exit status."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from otklik.core.tests.gost_pki import GOST_SKIP, IVANOV_SNILS, sign_detached

pytestmark = GOST_SKIP

DOC = b"%PDF-1.7 letter\n"


@pytest.fixture
def files(gost_pki, tmp_path, settings):
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    (trusted / "uc.pem").write_bytes(gost_pki.ca.pem)
    settings.OTKLIK_TRUSTED_CA_DIR = str(trusted)
    doc = tmp_path / "letter.pdf"
    doc.write_bytes(DOC)

    def signed(person, *, pem=False):
        sig = tmp_path / "letter.pdf.sig"
        sig.write_bytes(sign_detached(person, DOC, pem=pem))
        return [str(doc), str(sig)]

    return signed


def test_a_valid_signature_is_reported_with_its_signer(files, gost_pki, capsys):
    call_command("signatures", "check", *files(gost_pki.ivanov, pem=True))
    out = capsys.readouterr().out
    assert out.startswith("Подпись верна: подписал Иванов Иван Петрович")
    assert "СНИЛС: 112-233-445 95" in out
    assert "ИНН: 500100732259" in out
    assert "«Тестовый УЦ ЦУР»" in out


def test_a_refused_signature_exits_with_1_and_says_why(files, gost_pki, capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("signatures", "check", *files(gost_pki.foreign))
    assert exited.value.code == 1
    assert capsys.readouterr().out.startswith(
        "Сертификат выдан удостоверяющим центром, которого нет в списке доверенных"
    )


@pytest.mark.django_db
def test_the_owner_is_checked_against_a_user(files, gost_pki, make_user, capsys):
    user = make_user("curator", username="ivanov")
    user.last_name, user.first_name, user.middle_name = "Иванов", "Иван", "Петрович"
    user.snils = IVANOV_SNILS
    user.save()
    petrov = make_user("curator", username="petrov")
    petrov.snils = "98765432183"
    petrov.save()

    call_command("signatures", "check", *files(gost_pki.ivanov), "--user", "ivanov", "--json")
    verdict = json.loads(capsys.readouterr().out)
    with pytest.raises(SystemExit):
        call_command("signatures", "check", *files(gost_pki.ivanov), "--user", "petrov")

    assert verdict["ok"] is True and verdict["reason"] == "ok"
    assert verdict["signer"]["snils"] == IVANOV_SNILS
    assert verdict["owner"]["ok"] is True
    assert "Сверка с пользователем «petrov»: сертификат выдан другому лицу" in (
        capsys.readouterr().out
    )
