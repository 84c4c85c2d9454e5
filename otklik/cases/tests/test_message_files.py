"""A file that came with a message, on the case page: downloadable only by those who see the
case (the file's ingestion is tested in ``otklik/intake/tests/test_ingest_files.py``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otklik.cases.services.lifecycle import case_accept
from otklik.cases.services.opening import case_open_or_join
from otklik.directory.models import Organization
from otklik.intake.models import Message
from otklik.intake.tests import conftest as intake_fixtures
from otklik.intake.tests import test_ingest_files as files
from otklik.intake.tests.test_ingest_api import post
from otklik.intake.tests.test_ingest_files import PNG, with_files

pytestmark = pytest.mark.django_db

# The intake's fixtures: an API client of an external system, the media kept in a temporary
# directory.
api = intake_fixtures.api
media = files.media


def test_a_file_is_downloadable_only_by_those_who_see_the_case(api, client, personas, make_user):
    response = post(api, with_files(("schetchik.png", "image/png", PNG)))
    message = Message.objects.get(pk=response.json()["message_id"])
    case, _ = case_open_or_join(message=message)
    administration = Organization.objects.get(code="adm-18410")
    case_accept(case=case, actor=personas["analyst"], organization=administration)
    attachment = message.attachments.get()
    link = reverse("cases:attachment", args=[case.number, "message", attachment.pk])

    client.force_login(personas["org_operator"])  # the administration of Волжский: its case
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert f'href="{link}"' in page
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert 'filename="schetchik.png"' in download["Content-Disposition"]

    outsider = make_user("org_operator", organization=Organization.objects.get(code="adm-18415"))
    client.force_login(outsider)
    assert client.get(link).status_code == 404
    # the file of this case under the number of another case the user may see: 404 as well
    other = post(
        api,
        with_files(
            ("foto.png", "image/png", PNG),
            external_id="web-30018",
            author={"name": "Сидоров Иван", "phone": "+79610000100"},
        ),
    )
    other_case, opened = case_open_or_join(
        message=Message.objects.get(pk=other.json()["message_id"])
    )
    assert opened
    client.force_login(personas["analyst"])
    wrong = reverse("cases:attachment", args=[other_case.number, "message", attachment.pk])
    assert client.get(wrong).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302  # to the login page
