"""Cases read for the queues and the case page take their reference rows from the process's
reference books (no joins): the same rows the database holds, current after a change."""

from __future__ import annotations

from otklik.cases.selectors import CaseFilters, case_get, case_list, case_messages
from otklik.directory.cache import reference_snapshot
from otklik.directory.models import Channel, InputKind, Municipality, Sector, Topic
from otklik.directory.services import topic_update

LINKS = ("sector", "topic", "municipality", "organization", "channel", "kind")


def test_listed_cases_carry_their_reference_rows_without_queries(
    personas, make_case, django_assert_num_queries
):
    made = make_case(topic="roads-potholes", okato="18401", channel="telegram")
    rows = list(case_list(user=personas["analyst"], filters=CaseFilters(queue="all")))

    with django_assert_num_queries(0):
        seen = {name: getattr(rows[0], name) for name in LINKS}

    assert {name: getattr(r, "pk", None) for name, r in seen.items()} == {
        name: getattr(made, f"{name}_id") for name in LINKS
    }
    assert (seen["topic"].code, seen["topic"].sector.code) == ("roads-potholes", "roads")
    assert (seen["municipality"].okato, seen["channel"].code) == ("18401", "telegram")


def test_the_case_page_reads_show_a_renamed_topic(personas, make_case):
    case = make_case()
    analyst = personas["analyst"]
    assert case_get(user=analyst, pk=case.number).topic.name != "Горячая вода (ГВС)"

    topic_update(actor=personas["curator"], topic=case.topic, name="Горячая вода (ГВС)")

    assert case_get(user=analyst, pk=case.number).topic.name == "Горячая вода (ГВС)"
    listed = case_list(user=analyst, filters=CaseFilters(queue="all"))
    assert [c.topic.name for c in listed] == ["Горячая вода (ГВС)"]
    assert [m.channel.code for m in case_messages(case=case)] == ["web"]


def test_a_row_the_books_do_not_hold_yet_is_read_from_the_database(personas, make_case):
    reference_snapshot()  # the books as they are now
    # a row added without telling the caches (a shell session): the books do not know it
    sector = Sector.objects.create(code="new", name="Новый блок", order=99)
    topic = Topic.objects.create(code="new-topic", sector=sector, name="Новая тема")
    case = make_case(topic="new-topic", channel=Channel.objects.get(code="web").code)

    found = case_get(user=personas["analyst"], pk=case.number)

    assert topic.pk not in reference_snapshot().by_id[Topic]
    assert (found.topic.name, found.sector.name) == ("Новая тема", "Новый блок")
    assert found.kind == InputKind.objects.get(code="message")
    assert found.municipality == Municipality.objects.get(okato="18410")
