import pytest

from otklik.cases.models import RoutingRule
from otklik.cases.services.routing import route, routing_rule_save, routing_rules_load
from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Channel, Municipality, Organization, Sector, Topic


def ids(**codes):
    out = {"sector_id": None, "topic_id": None, "municipality_id": None, "channel_id": None}
    if "topic" in codes:
        topic = Topic.objects.get(code=codes["topic"])
        out["topic_id"], out["sector_id"] = topic.pk, topic.sector_id
    if "okato" in codes:
        out["municipality_id"] = Municipality.objects.get(okato=codes["okato"]).pk
    out["channel_id"] = Channel.objects.get(code=codes.get("channel", "pos")).pk
    return out


@pytest.fixture
def shipped_rules(region):
    return routing_rules_load()


def test_shipped_rules_load_once(shipped_rules):
    assert shipped_rules["created"] == RoutingRule.objects.count()
    assert routing_rules_load() == {"created": 0, "kept": shipped_rules["created"]}


@pytest.mark.parametrize(
    ("topic", "okato", "expected"),
    [
        ("zhkh-heating-outage", "18401", "rso-konc-teplo"),  # Volgograd concessionaire
        ("zhkh-heating-outage", "18415", "adm-18415"),  # elsewhere: the administration
        ("zhkh-hot-water", "18202", "adm-18202"),  # a municipal district
        ("tko-container-not-emptied", "18410", "ro-ekocentr"),  # Volzhsky's own operator
        ("tko-container-not-emptied", "18415", "ro-uo-volgograd"),
        ("tko-illegal-dump", "18410", "adm-18410"),  # the dump rule is above Volzhsky's
        ("health-appointment", "18401", "kom-zdrav"),
        ("roads-potholes", "18420", "adm-18420"),
        ("roads-regional-highways", "18420", "kom-transport"),
        ("energy-gas-outage", "18254", "rso-gazprom-gr"),
    ],
)
def test_route(shipped_rules, topic, okato, expected):
    assert route(**ids(topic=topic, okato=okato)).code == expected


def test_no_municipality_skips_the_administration_rule(shipped_rules):
    assert route(**ids(topic="zhkh-hot-water")) is None
    assert route(**ids(topic="health-appointment")).code == "kom-zdrav"


def test_an_edited_rule_survives_reload(shipped_rules, personas):
    rule = RoutingRule.objects.get(code="health")
    routing_rule_save(
        actor=personas["curator"],
        rule=rule,
        organization=Organization.objects.get(code="cur-volgograd"),
    )
    routing_rules_load()
    assert RoutingRule.objects.get(code="health").organization.code == "cur-volgograd"


def test_rule_needs_exactly_one_target(personas):
    with pytest.raises(ApplicationError, match="одно из двух"):
        routing_rule_save(actor=personas["curator"], sector=Sector.objects.get(code="zhkh"))
    with pytest.raises(ApplicationError, match="одно из двух"):
        routing_rule_save(
            actor=personas["curator"],
            to_municipal_administration=True,
            organization=Organization.objects.get(code="kom-zdrav"),
        )
    assert not RoutingRule.objects.filter(code__isnull=True).exists()
