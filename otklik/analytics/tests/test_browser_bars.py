"""The bars of «По отраслевым блокам» on a 1440 px screen: proportional to the number of
messages (the largest fills its track), a small one still visible, its share beside it; and
nothing wider than the screen."""

from __future__ import annotations

import pytest

from otklik.analytics.services import rollups_refresh
from otklik.analytics.tests.conftest import D, at
from otklik.intake.tests.factories import make_message

pytestmark = pytest.mark.browser
PICTURE = f"/analytics/?from={D.isoformat()}&to=2026-11-12"
BARS = """() => {
  const rows = [...document.querySelectorAll("[data-testid=by-sector] tbody tr")];
  return {
    page: [document.documentElement.scrollWidth, window.innerWidth],
    bars: rows.map((tr) => {
      const bar = tr.querySelector(".bar");
      const value = tr.querySelector(".bar-value");
      return {
        bar: bar.getBoundingClientRect().width,
        track: bar.parentElement.getBoundingClientRect().width,
        value: value ? value.innerText : "",
      };
    }),
  };
}"""


def picture(page) -> dict:
    page.goto(f"{page.base_url}{PICTURE}")
    return page.evaluate(BARS)


def test_the_sector_bars_are_proportional_visible_and_labelled(page, login, personas, world):
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, "analyst")

    # the world: ЖКХ 3 messages, roads 1 (of 4)
    shown = picture(page)
    assert shown["page"][0] <= shown["page"][1], shown["page"]
    assert min(b["bar"] for b in shown["bars"]) >= 12, shown["bars"]
    zhkh, roads = shown["bars"]
    assert zhkh["track"] >= 200, shown["bars"]
    assert (zhkh["value"], roads["value"]) == ("75 %", "25 %")
    assert zhkh["bar"] == pytest.approx(zhkh["track"], abs=1)  # the largest fills its track
    assert zhkh["bar"] / roads["bar"] == pytest.approx(3, abs=0.05)

    # 40 more ЖКХ messages and one of transport: 43, 1 and 1 of 45 — a bar of 1/43 of its
    # track (under 12 px on this screen) is drawn 12 px wide
    for _ in range(40):
        make_message(sector="zhkh", municipality="18410", received_at=at(2))
    make_message(sector="transport", municipality="18401", received_at=at(2))
    rollups_refresh(full=True, now=at(12))

    shown = picture(page)
    assert shown["page"][0] <= shown["page"][1], shown["page"]
    first, *small = shown["bars"]
    assert first["value"] == "96 %" and [b["value"] for b in small] == ["2 %", "2 %"]
    assert first["bar"] == pytest.approx(first["track"], abs=1)
    assert first["track"] / 43 < 12
    assert [b["bar"] for b in small] == [12, 12]
