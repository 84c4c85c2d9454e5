"""``otklik office`` and ``otklik approvals``: what an administrator types."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from otklik.office.models import Indicator


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_office_commands(region, tmp_path):
    assert run("office", "indicators-load") == (
        "Обязательные показатели: добавлено 6, обновлено 0.\n"
    )
    assert Indicator.objects.filter(kind="mandatory").count() == 6
    out = run("office", "compute", "--period", "2026-10")
    # five of the six are computed; no data in October → no value, never a false 0
    assert out.splitlines()[0] == "Показатели за октябрь 2026: 5"
    assert "  ЦУР-01           нет данных" in out.splitlines()
    assert run("office", "reports-sweep") == (
        "Отчёты: открыто черновиков 0, доложено о просрочке 0; отчёты блоков: открыто 0, "
        "доложено 0.\n"
    )
    with pytest.raises(CommandError, match="ожидается «2026-11», «2026-Q4» или «2026»"):
        run("office", "compute", "--period", "ноябрь")
    with pytest.raises(CommandError, match="нет такого файла"):
        run("office", "indicators-load", str(tmp_path / "none.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_text('[[indicator]]\ncode = "X"\nname = "x"\nunit = "процент"\nmeasure = "nope"\n')
    with pytest.raises(CommandError, match="неизвестная мера платформы «nope»"):
        run("office", "indicators-load", str(bad))
    assert not Indicator.objects.filter(code="X").exists()


def test_approvals_commands(region):
    assert run("approvals", "routes") == (
        "Маршруты (2026-12-08): видов документов 9, изменены: нет.\n"
    )
    assert run("approvals", "sweep") == "Напоминаний 0, докладов о просрочке 0.\n"
