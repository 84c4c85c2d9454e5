"""The channel health page on a 1440 px screen: the table fits, with long error texts too."""

from __future__ import annotations

import pytest

from otklik.channels.services import health_error, health_inbound, health_outbound
from otklik.directory.models import Channel

pytestmark = pytest.mark.browser

# what a transport error looks like: long words without a blank to break at
ERROR = (
    "HTTPSConnectionPool(host='api.telegram.org', port=443): Max retries exceeded with url: "
    "/bot7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage?chat_id=-1001234567890"
    "&reply_to_message_id=123456 (Caused by NewConnectionError('<urllib3.connection."
    "HTTPSConnection object at 0x7f3a2c1d9e50>: Failed to establish a new connection'))"
)
FITS = """() => {
  const table = document.querySelector("[data-testid=channel-health]");
  return {
    page: [document.documentElement.scrollWidth, window.innerWidth],
    table: [table.scrollWidth, table.parentElement.clientWidth],
  };
}"""


def test_the_channel_table_fits_a_1440_px_screen(page, login, personas):
    for channel in Channel.objects.all():
        health_inbound(channel.code)
        health_outbound(channel.code)
        health_error(channel.code, ERROR)
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, "curator")

    page.goto(f"{page.base_url}/channels/")
    sizes = page.evaluate(FITS)

    # nothing is wider than the screen, and the table needs no scrolling of its own
    assert sizes["page"][0] <= sizes["page"][1], sizes
    assert sizes["table"][0] <= sizes["table"][1], sizes
    assert page.locator("[data-testid=channel-health] tbody tr").count() == Channel.objects.count()
