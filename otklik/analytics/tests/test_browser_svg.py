"""Every SVG drawn on the analytics pages has numbers a browser can draw (ru localisation once
printed the map's coordinates as «75,8», and the map came out empty)."""

from __future__ import annotations

import pytest

from otklik.analytics.tests.conftest import D

pytestmark = pytest.mark.browser
RANGE = f"from={D.isoformat()}&to=2026-11-12"
PAGES = [
    f"/analytics/?{RANGE}",
    f"/analytics/processing/?{RANGE}",
    f"/analytics/satisfaction/?{RANGE}",
    f"/analytics/conflicts/?{RANGE}",
    "/analytics/ratings/?month=2026-11",
    "/analytics/alerts/",
]

# Attributes of geometry in every <svg> on the page whose value is not a number (or a list of
# numbers where the attribute takes one); and how many shapes are drawn with a non-zero size.
SVG_CHECK = """() => {
  const single = ["cx", "cy", "r", "rx", "ry", "x", "y", "x1", "y1", "x2", "y2", "width", "height"];
  const number = /^-?(\\d+(\\.\\d+)?|\\.\\d+)(e-?\\d+)?(%|px)?$/;
  const bad = [];
  let drawn = 0;
  for (const el of document.querySelectorAll("svg, svg *")) {
    for (const name of single) {
      const v = el.getAttribute(name);
      if (v !== null && !number.test(v.trim())) bad.push(`${el.tagName} ${name}="${v}"`);
    }
    const box = el.getAttribute("viewBox");
    if (box !== null && !box.trim().split(/[\\s,]+/).every((p) => number.test(p)))
      bad.push(`${el.tagName} viewBox="${box}"`);
    const pts = el.getAttribute("points");
    if (pts !== null && !pts.trim().split(/[\\s,]+/).every((p) => number.test(p)))
      bad.push(`${el.tagName} points="${pts}"`);
    if (["circle", "rect", "path", "polyline", "line"].includes(el.tagName)) {
      const b = el.getBBox();
      if (b.width > 0 || b.height > 0) drawn += 1;
    }
  }
  return {bad, drawn, svgs: document.querySelectorAll("svg").length};
}"""


def test_every_svg_on_the_analytics_pages_has_drawable_numbers(page, login, personas, world):
    login(page, "analyst")
    seen = {}
    for path in PAGES:
        page.goto(f"{page.base_url}{path}")
        result = page.evaluate(SVG_CHECK)
        assert result["bad"] == [], path
        seen[path] = result

    picture = seen[PAGES[0]]
    # the municipality map: Волжский and Камышин have messages, so two circles at least are drawn
    assert page.goto(f"{page.base_url}{PAGES[0]}")
    circles = page.locator("[data-testid=region-map] circle")
    assert circles.count() >= 2
    assert picture["drawn"] >= 2
    box = circles.first.bounding_box()
    assert box is not None and box["width"] > 0
