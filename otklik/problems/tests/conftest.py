from __future__ import annotations

import pytest

from otklik.directory.models import Municipality, Sector, Topic


@pytest.fixture
def zhkh(region):
    return Sector.objects.get(code="zhkh")


@pytest.fixture
def hot_water(region):
    return Topic.objects.get(code="zhkh-hot-water")


@pytest.fixture
def volzhsky(region):
    return Municipality.objects.get(okato="18410")


@pytest.fixture
def kamyshin(region):
    return Municipality.objects.get(okato="18415")
