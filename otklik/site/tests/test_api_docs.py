"""/api/docs/ works inside a closed network: Swagger UI comes from our static files, and the page
draws the API with every request outside the server refused."""

from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
def test_docs_page_names_no_address_outside_the_server(client, personas):
    client.force_login(personas["analyst"])
    html = client.get("/api/docs/").content.decode()

    assert re.findall(r"""(?:src|href)=["'](?:https?:)?//""", html) == []
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html


@pytest.mark.browser
def test_docs_draw_the_api_with_the_network_unplugged(page, login, personas, closed_network):
    refused = closed_network
    login(page, "analyst")
    page.goto(f"{page.base_url}/api/docs/")
    page.wait_for_selector(".opblock-summary-path")

    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/messages" in [p.replace("\u200b", "") for p in paths]
    assert refused == []
