"""Demo data for `otklik setup --demo`: users of every role and a stream of messages."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from otklik.accounts.models import User
from otklik.accounts.services import user_create
from otklik.core.roles import Role
from otklik.directory.choices import OrganizationKind
from otklik.directory.models import (
    Channel,
    CityDistrict,
    InputKind,
    Municipality,
    Organization,
    Sector,
    Topic,
)
from otklik.intake.models import Message
from otklik.intake.services import AuthorData, message_ingest


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    last_name: str
    first_name: str
    position: str
    scope: dict  # field -> lookup (sector code, organisation code, municipality OKATO)


DEMO_USERS: list[DemoUser] = [
    DemoUser(
        "curator", Role.CURATOR, "Соколов", "Андрей", "Заместитель Губернатора, куратор ЦУР", {}
    ),
    DemoUser("executor", Role.EXECUTOR, "Морозова", "Елена", "Ответственный исполнитель ЦУР", {}),
    DemoUser("head", Role.HEAD, "Васильев", "Дмитрий", "Руководитель ЦУР", {}),
    DemoUser(
        "lead-zhkh",
        Role.SECTOR_LEAD,
        "Павлова",
        "Ирина",
        "Ответственный за блок ЖКХ",
        {"sector": "zhkh"},
    ),
    DemoUser(
        "lead-roads",
        Role.SECTOR_LEAD,
        "Кузнецов",
        "Сергей",
        "Ответственный за блок «Дороги»",
        {"sector": "roads"},
    ),
    *(
        DemoUser(
            f"lead-{code}",
            Role.SECTOR_LEAD,
            last,
            first,
            f"Ответственный за блок «{name}»",
            {"sector": code},
        )
        for code, last, first, name in (
            ("tko", "Белова", "Марина", "Обращение с ТКО"),
            ("energy", "Гусев", "Артём", "Энергетика"),
            ("education", "Крылова", "Ольга", "Образование"),
            ("health", "Зайцев", "Игорь", "Здравоохранение"),
            ("transport", "Миронов", "Роман", "Транспорт"),
            ("social", "Тихонова", "Вера", "Социальная защита"),
        )
    ),
    DemoUser(
        "analyst", Role.ANALYST, "Лебедева", "Анна", "Аналитик-модератор центра компетенций", {}
    ),
    DemoUser(
        "operator-volzhsky",
        Role.ORG_OPERATOR,
        "Никитин",
        "Олег",
        "Специалист администрации г. Волжского",
        {"organization": "adm-18410"},
    ),
    DemoUser(
        "coordinator-kamyshin",
        Role.MUNICIPAL_COORDINATOR,
        "Орлова",
        "Наталья",
        "Координатор ЦУР в г. Камышине",
        {"municipality": "18415"},
    ),
    DemoUser("auditor", Role.AUDITOR, "Григорьев", "Павел", "Аудитор", {}),
]


def _scope_objects(scope: dict) -> dict:
    resolved = {}
    if "sector" in scope:
        resolved["sector"] = Sector.objects.get(code=scope["sector"])
    if "organization" in scope:
        resolved["organization"] = Organization.objects.get(code=scope["organization"])
    if "municipality" in scope:
        resolved["municipality"] = Municipality.objects.get(okato=scope["municipality"])
    return resolved


def demo_users_create(*, reset_passwords: bool = False) -> list[tuple[DemoUser, str | None]]:
    """Create the demo users; returns each with its new password (None if it already existed
    and ``reset_passwords`` is false — passwords are shown once, never stored in clear)."""
    result: list[tuple[DemoUser, str | None]] = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        password = secrets.token_urlsafe(9)
        if user is None:
            user_create(
                actor=None,
                username=demo.username,
                password=password,
                role=demo.role,
                first_name=demo.first_name,
                last_name=demo.last_name,
                position=demo.position,
                validate=False,
                **_scope_objects(demo.scope),
            )
            result.append((demo, password))
        elif reset_passwords:
            user.set_password(password)
            user.save(update_fields=["password"])
            result.append((demo, password))
        else:
            result.append((demo, None))
    return result


# Which kind of organisation answers first for a sector (the routing rules of the case
# lifecycle replace this demo-only choice).
_PREFERRED_KINDS: dict[str, list[str]] = {
    "zhkh": [OrganizationKind.MUNICIPAL_ADMINISTRATION],
    "roads": [OrganizationKind.MUNICIPAL_ADMINISTRATION, OrganizationKind.REGIONAL_BODY],
    "transport": [OrganizationKind.MUNICIPAL_ADMINISTRATION, OrganizationKind.REGIONAL_BODY],
    "education": [OrganizationKind.MUNICIPAL_ADMINISTRATION, OrganizationKind.REGIONAL_BODY],
    "tko": [OrganizationKind.REGIONAL_OPERATOR, OrganizationKind.REGIONAL_BODY],
    "energy": [OrganizationKind.RESOURCE_SUPPLIER, OrganizationKind.REGIONAL_BODY],
    "health": [OrganizationKind.REGIONAL_BODY],
    "social": [OrganizationKind.REGIONAL_BODY],
    "other": [OrganizationKind.MUNICIPAL_ADMINISTRATION],
}


def _organization_chooser() -> Callable[[str, int], Organization | None]:
    orgs = list(Organization.objects.prefetch_related("sectors", "municipalities"))
    fallback = next((o for o in orgs if o.kind == OrganizationKind.CUR), None)
    cache: dict[tuple[str, int], Organization | None] = {}

    def choose(sector_code: str, municipality_id: int) -> Organization | None:
        key = (sector_code, municipality_id)
        if key not in cache:
            serving = [
                o
                for o in orgs
                if sector_code in {s.code for s in o.sectors.all()}
                and (
                    o.serves_whole_region
                    or municipality_id in {m.pk for m in o.municipalities.all()}
                )
                and o.valid_to is None
            ]
            chosen = None
            for kind in _PREFERRED_KINDS.get(sector_code, []):
                of_kind = [o for o in serving if o.kind == kind]
                # A municipality's own administration beats a region-wide one of the same kind.
                of_kind.sort(key=lambda o: (o.municipality_id != municipality_id, o.code))
                if of_kind:
                    chosen = of_kind[0]
                    break
            cache[key] = chosen or (serving[0] if serving else fallback)
        return cache[key]

    return choose


def demo_messages_load(*, count: int = 2400, days: int = 90, seed: int = 34) -> tuple[int, int]:
    """Ingest the demo stream through the intake service; returns (created, already there)."""
    from otklik.demo.stream import demo_stream

    topics = {t.code: t for t in Topic.objects.select_related("sector")}
    stream = demo_stream(
        count=count,
        days=days,
        now=timezone.now(),
        seed=seed,
        topics={code: t.sector.code for code, t in topics.items()},
    )
    channels = {c.code: c for c in Channel.objects.all()}
    kinds = {k.code: k for k in InputKind.objects.all()}
    municipalities = {m.okato: m for m in Municipality.objects.all()}
    districts = {d.okato: d for d in CityDistrict.objects.all()}
    sectors = {s.code: s for s in Sector.objects.all()}
    choose = _organization_chooser()
    created = existing = 0
    with transaction.atomic():
        for item in stream:
            municipality = municipalities[item.municipality]
            _, was_created = message_ingest(
                channel=channels[item.channel],
                kind=kinds[item.kind],
                external_id=item.external_id,
                text=item.text,
                received_at=item.received_at,
                raw={"demo": True, "text": item.text},
                process=False,
                author=AuthorData(
                    name=item.author_name,
                    phone=item.author_phone,
                    email=item.author_email,
                    channel_user_id=f"demo:{item.author_key}",
                    consent_personal_data=bool(item.author_name),
                ),
                sector=sectors[item.sector],
                topic=topics[item.topic],
                municipality=municipality,
                city_district=districts.get(item.city_district) if item.city_district else None,
                organization=choose(item.sector, municipality.pk),
                address=item.address,
                latitude=Decimal(str(round(item.latitude, 5))) if item.latitude else None,
                longitude=Decimal(str(round(item.longitude, 5))) if item.longitude else None,
            )
            created += was_created
            existing += not was_created
    return created, existing


def demo_present() -> bool:
    return Message.objects.filter(raw__demo=True).exists()
