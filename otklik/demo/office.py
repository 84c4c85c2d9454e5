"""The demo's project office: a lead for every block, two or three projects per block with
passports in different states of the route (drafts, returned with a reason, at the head's and
at the curator's step, approved, a change request on its way), block indicators, and — once the
demo's history has filled the analytics — computed indicator values and monthly reports
(approved, returned, overdue), and the reports of three blocks (approved, returned, overdue).

Everything goes through the services, as the people would do it, at past moments where the
story needs them (``timezone.now`` is moved, as the demo's history does for cases)."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

from django.db import transaction
from django.utils import timezone

from otklik.accounts.identity import Confirmation
from otklik.accounts.models import User
from otklik.approvals.choices import Decision
from otklik.approvals.services import approval_comment, approval_decide, approval_submit
from otklik.core.roles import Role
from otklik.directory.models import Sector
from otklik.office import periods, services
from otklik.office.choices import IndicatorSource, IndicatorState, ProjectState
from otklik.office.models import Block, Indicator, IndicatorTarget, Project
from otklik.office.passport import content_to_text


@contextlib.contextmanager
def _at(moment: dt.datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@dataclass(frozen=True)
class DemoProject:
    name: str
    goal: str
    tasks: tuple[str, ...]
    points: tuple[tuple[str, int, str], ...]  # name, months from now (may be < 0), responsible
    story: str  # draft | returned | at_head | at_curator | approved | changed


# Two or three projects per block, each at its own place in the route.
PROJECTS: dict[str, tuple[DemoProject, ...]] = {
    "zhkh": (
        DemoProject(
            "Тёплый дом: замена ветхих сетей горячего водоснабжения",
            "Перерывы горячего водоснабжения не дольше суток в городах области",
            ("Заменить 40 км ветхих сетей", "Наладить учёт отключений и уведомление жителей"),
            (
                ("Перечень участков сетей утверждён", -3, "Комитет ЖКХ"),
                ("Договоры подряда заключены", -1, "Администрация г. Волжского"),
                ("Заменено 20 км сетей", 4, "МУП «Водоканал»"),
                ("Заменено 40 км сетей", 10, "МУП «Водоканал»"),
            ),
            "changed",
        ),
        DemoProject(
            "Чистый двор: благоустройство дворовых территорий",
            "Благоустроить 120 дворов по заявкам жителей",
            ("Собрать заявки жителей", "Провести работы в сезон 2027 года"),
            (
                ("Заявки собраны и ранжированы", 1, "Администрации МО"),
                ("Работы в 60 дворах", 7, "Администрации МО"),
            ),
            "at_curator",
        ),
        DemoProject(
            "Капремонт без жалоб",
            "Снизить число жалоб на качество капитального ремонта вдвое",
            ("Приёмка работ с участием жителей",),
            (("Порядок приёмки утверждён", 2, "Фонд капремонта"),),
            "returned",
        ),
    ),
    "tko": (
        DemoProject(
            "Контейнерные площадки по нормативу",
            "Все контейнерные площадки в реестре и по нормативу",
            ("Инвентаризация площадок", "Оборудовать недостающие"),
            (
                ("Инвентаризация завершена", -2, "Региональный оператор"),
                ("Оборудовано 300 площадок", 5, "Администрации МО"),
            ),
            "approved",
        ),
        DemoProject(
            "Вывоз без срывов графика",
            "Вывоз отходов по графику в 98 % случаев",
            ("Контроль графика по данным ГЛОНАСС",),
            (("Контроль графика запущен", 2, "Региональный оператор"),),
            "at_head",
        ),
    ),
    "energy": (
        DemoProject(
            "Надёжное электроснабжение сёл",
            "Сократить время восстановления электроснабжения до 6 часов",
            ("Резервные источники в 30 сёлах", "Дежурные бригады"),
            (
                ("Перечень сёл утверждён", -1, "Комитет ТЭК"),
                ("Резервные источники установлены", 6, "Сетевая компания"),
            ),
            "approved",
        ),
        DemoProject(
            "Уличное освещение",
            "Освещены все улицы населённых пунктов с населением более 1000 человек",
            ("Обследовать сети освещения",),
            (("Обследование завершено", 3, "Администрации МО"),),
            "draft",
        ),
    ),
    "education": (
        DemoProject(
            "Место в детском саду рядом с домом",
            "Очередь в детские сады без ожидания дольше 3 месяцев",
            ("Открыть 12 групп", "Электронная очередь с уведомлениями"),
            (("12 групп открыты", 8, "Комитет образования"),),
            "at_curator",
        ),
        DemoProject(
            "Безопасная дорога в школу",
            "Оборудовать подходы к 50 школам",
            ("Обследовать подходы", "Установить ограждения и освещение"),
            (
                ("Обследование проведено", -2, "Комитет образования"),
                ("Подходы к 25 школам", 3, "Администрации МО"),
            ),
            "approved",
        ),
    ),
    "health": (
        DemoProject(
            "Запись к врачу без очередей",
            "Запись к терапевту в течение 24 часов",
            ("Расширить электронную запись", "Выездные бригады в сёла"),
            (
                ("Электронная запись во всех поликлиниках", -1, "Комитет здравоохранения"),
                ("Выездные бригады в 20 районах", 4, "Комитет здравоохранения"),
            ),
            "approved",
        ),
        DemoProject(
            "Лекарственное обеспечение льготников",
            "Выдача льготных лекарств без отсрочки",
            ("Мониторинг остатков",),
            (("Мониторинг запущен", 2, "Комитет здравоохранения"),),
            "returned",
        ),
    ),
    "roads": (
        DemoProject(
            "Ямочный ремонт по сообщениям жителей",
            "Ремонт ям по сообщениям жителей в течение 10 дней",
            ("Реестр ям по сообщениям", "Контракты на ямочный ремонт"),
            (
                ("Контракты заключены", -2, "Комитет транспорта и дорог"),
                ("Отремонтировано 80 % ям из реестра", 2, "Администрации МО"),
            ),
            "approved",
        ),
        DemoProject(
            "Безопасные и качественные дороги: региональная сеть",
            "Доля региональных дорог в нормативном состоянии — 60 %",
            ("Ремонт 150 км дорог",),
            (("Отремонтировано 75 км", 6, "Комитет транспорта и дорог"),),
            "at_head",
        ),
        DemoProject(
            "Тротуары в малых городах",
            "Тротуары вдоль всех школьных маршрутов",
            ("Проектирование", "Строительство"),
            (("Проекты готовы", 4, "Администрации МО"),),
            "draft",
        ),
    ),
    "transport": (
        DemoProject(
            "Автобус по расписанию",
            "Соблюдение расписания пригородных автобусов в 95 % рейсов",
            ("Мониторинг рейсов", "Новые контракты с перевозчиками"),
            (
                ("Мониторинг рейсов запущен", -1, "Комитет транспорта и дорог"),
                ("Новые контракты по 20 маршрутам", 5, "Комитет транспорта и дорог"),
            ),
            "approved",
        ),
        DemoProject(
            "Остановки с павильонами",
            "Павильоны на всех остановках в населённых пунктах",
            ("Установить 200 павильонов",),
            (("Установлено 100 павильонов", 6, "Администрации МО"),),
            "at_curator",
        ),
    ),
    "social": (
        DemoProject(
            "Социальное такси",
            "Социальное такси в каждом районе области",
            ("Договоры с перевозчиками", "Запись через ЦУР"),
            (
                ("Договоры в 16 районах", -1, "Комитет социальной защиты"),
                ("Договоры во всех районах", 5, "Комитет социальной защиты"),
            ),
            "approved",
        ),
        DemoProject(
            "Выплаты без повторных обращений",
            "Назначение мер поддержки без повторного обращения заявителя",
            ("Проактивное назначение выплат",),
            (("Проактивное назначение запущено", 3, "Комитет социальной защиты"),),
            "returned",
        ),
    ),
}

# A lead for every block (the demo users of otklik.demo.services include them).
RETURN_REASONS = {
    "returned": "Нет базовых значений показателей и ответственных за контрольные точки.",
}


def _months(day: dt.date, n: int) -> dt.date:
    month = day.month - 1 + n
    year = day.year + month // 12
    return dt.date(year, month % 12 + 1, min(day.day, 28))


def _texts(p: DemoProject, indicator_codes: list[str], today: dt.date) -> dict[str, str]:
    year = today.year
    return {
        "goal": p.goal,
        "tasks": "\n".join(p.tasks),
        "timing": f"01.01.{year} — 31.12.{year + 1}",
        "indicators": "\n".join(f"{code} | | {year}=85; {year + 1}=92" for code in indicator_codes),
        "control_points": "\n".join(
            f"{name} | {_months(today, n):%d.%m.%Y} | {who}" for name, n, who in p.points
        ),
        "participants": "\n".join(sorted({who for _, _, who in p.points})),
        "national": "Национальный проект «Инфраструктура для жизни»",
    }


def _lead(sector: Sector) -> User | None:
    return User.objects.filter(role=Role.SECTOR_LEAD, sector=sector, is_active=True).first()


def _block_indicators(sector: Sector) -> list[str]:
    """A computed indicator of the block (answers on time) and an entered one."""
    code = services.CODE_PREFIX.get(sector.code, sector.code.upper())
    computed, _ = Indicator.objects.get_or_create(
        code=f"{code}-1",
        defaults={
            "name": f"Доля ответов в срок — {sector.name}",
            "unit": "процент",
            "sector": sector,
            "source": IndicatorSource.COMPUTED,
            "measure": "on_time_share",
            "state": IndicatorState.APPROVED,
            "method": "Ответы блока, опубликованные в месяце не позже срока, к опубликованным.",
        },
    )
    entered, _ = Indicator.objects.get_or_create(
        code=f"{code}-2",
        defaults={
            "name": f"Выполнено мероприятий проектов блока «{sector.name}»",
            "unit": "процент",
            "sector": sector,
            "state": IndicatorState.APPROVED,
            "method": "Выполненные в срок мероприятия к запланированным на период.",
        },
    )
    for ind in (computed, entered):
        IndicatorTarget.objects.get_or_create(
            indicator=ind, period=str(timezone.localdate().year), defaults={"value": 85}
        )
    return [computed.code, entered.code]


def demo_office_present() -> bool:
    return Project.objects.exists()


def demo_office_load(*, now: dt.datetime | None = None) -> int:
    """Leads, projects and passports along the route; returns the projects created."""
    if demo_office_present():
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    head = User.objects.filter(role=Role.HEAD, is_active=True).first()
    curator = User.objects.filter(role=Role.CURATOR, is_active=True).first()
    executor = User.objects.filter(role=Role.EXECUTOR, is_active=True).first()
    created = 0
    for block in Block.objects.select_related("sector"):
        lead = _lead(block.sector)
        if lead and executor:
            services.block_lead_set(actor=executor, block=block, lead=lead)
        codes = _block_indicators(block.sector)
        for i, p in enumerate(PROJECTS.get(block.sector.code, ())):
            author = lead or head
            start = now - dt.timedelta(days=40 - 3 * i)
            with _at(start):
                project = services.project_create(
                    actor=author, sector=block.sector, name=p.name, texts=_texts(p, codes, today)
                )
            created += 1
            _story(project, p, author, head, curator, start, today)
    demo_office_risks(now=now)
    demo_office_roadmap(now=now)
    return created


def _story(project, p, author, head, curator, start, today) -> None:
    approval = services.passport_approval(project.versions.get())
    if p.story == "draft":
        return
    with _at(start + dt.timedelta(days=1)):
        approval = approval_submit(actor=author, approval=approval, text="Прошу согласовать")
    if p.story == "at_head":
        return
    if p.story == "returned":
        with _at(start + dt.timedelta(days=3)):
            approval_decide(
                actor=head,
                approval=approval,
                decision=Decision.RETURN,
                text=RETURN_REASONS["returned"],
            )
        return
    with _at(start + dt.timedelta(days=2)):
        approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    if p.story == "at_curator":
        with _at(start + dt.timedelta(days=3)):
            approval_comment(
                actor=curator, approval=approval, text="Доложите на совещании в четверг."
            )
        return
    with _at(start + dt.timedelta(days=4)):
        approval_decide(
            actor=curator,
            approval=approval,
            decision=Decision.APPROVE,
            confirmation=Confirmation.PASSWORD,
        )
        services.project_state_set(actor=author, project=project, state=ProjectState.IN_PROGRESS)
    if p.story == "changed":
        in_force = project.versions.get(number=1)
        texts = content_to_text(in_force.content)
        texts["control_points"] = texts["control_points"].replace(
            "Заменено 20 км сетей", "Заменено 25 км сетей"
        )
        with _at(start + dt.timedelta(days=20)):
            v2 = services.passport_change_request(
                actor=author,
                project=project,
                reason="Подрядчик готов увеличить объём работ первого этапа.",
                texts=texts,
            )
            approval2 = approval_submit(actor=author, approval=services.passport_approval(v2))
        with _at(start + dt.timedelta(days=21)):
            approval_decide(actor=head, approval=approval2, decision=Decision.AGREE)


def demo_office_reports(*, now: dt.datetime | None = None) -> int:
    """Once the analytics are filled: the indicators' values of the last months, and the
    monthly reports of the projects in progress — last month's approved for most, one
    returned, one left overdue. Returns the reports prepared."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last = periods.previous_month(today)
    before = periods.previous_month(periods.bounds(last)[0])
    for period in (*periods.months_to(last, 12), periods.month_of(today)):  # a year of charts
        services.indicators_compute(period=period)
    head = User.objects.filter(role=Role.HEAD, is_active=True).first()
    curator = User.objects.filter(role=Role.CURATOR, is_active=True).first()
    prepared = 0
    running = Project.objects.filter(state=ProjectState.IN_PROGRESS).select_related("sector")
    for n, project in enumerate(running.order_by("pk")):
        if project.reports.exists():
            continue
        author = _lead(project.sector) or head
        for ind in Indicator.objects.filter(sector=project.sector, source="entered"):
            services.indicator_fact_enter(
                actor=author,
                indicator=ind,
                period=last,
                value=Decimal(70 + 5 * (n % 4)),
                evidence="Сводка исполнителей мероприятий за месяц",
            )
        if n % 5 == 4:  # left overdue: the report of the month before last is still a draft
            services.report_prepare(actor=author, project=project, period=before)
            prepared += 1
            continue
        report = services.report_prepare(actor=author, project=project, period=last)
        prepared += 1
        points = [
            {"reached": True, "reason": "", "new_date": ""}
            if cp["date"] <= today.isoformat()
            else {"reached": False, "reason": "Сдвиг поставки", "new_date": str(today)}
            for cp in report.content["control_points"]
        ]
        with transaction.atomic():
            services.report_update(
                actor=author,
                report=report,
                comment="Работы идут по плану; отставание по срокам ответов разбирается.",
                risks="Сезонные ограничения работ",
                points=points,
            )
        approval = services.approval_of_report(report)
        approval = approval_submit(actor=author, approval=approval)
        if n % 5 == 3:
            approval_decide(
                actor=head,
                approval=approval,
                decision=Decision.RETURN,
                text="Поясните отставание по доле ответов в срок.",
            )
            continue
        approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
        if n % 5 != 2:  # one waits for the curator
            approval_decide(
                actor=curator,
                approval=approval,
                decision=Decision.APPROVE,
                confirmation=Confirmation.PASSWORD,
            )
    _block_reports(head, curator, last, before)
    if head and prepared:  # last month's assessment of the blocks' leads, published
        from otklik.office.services_assessment import assessment_compute, assessment_publish

        assessment_publish(actor=head, assessment=assessment_compute(actor=head, period=last))
    return prepared


def _block_reports(head, curator, last: str, before: str) -> int:
    """The reports of three blocks with projects in progress: last month's approved, last
    month's returned by the head, the month before last's left a draft (overdue)."""
    from otklik.office import services_block_reports as blocks

    running = Project.objects.filter(state=ProjectState.IN_PROGRESS).values("sector_id")
    due = Block.objects.filter(sector__in=running).exclude(reports__isnull=False)
    prepared = 0
    for n, block in enumerate(due.select_related("sector").order_by("sector__order")[:3]):
        author = _lead(block.sector) or head
        if n == 2:
            blocks.block_report_prepare(actor=author, block=block, period=before)
            prepared += 1
            continue
        report = blocks.block_report_prepare(actor=author, block=block, period=last)
        prepared += 1
        blocks.block_report_update(
            actor=author,
            report=report,
            comment="Проекты блока идут по плану; отставания разобраны в отчётах проектов.",
        )
        approval = approval_submit(actor=author, approval=blocks.approval_of_block_report(report))
        if n == 1:
            approval_decide(
                actor=head,
                approval=approval,
                decision=Decision.RETURN,
                text="Дополните причины по непредставленным отчётам проектов.",
            )
            continue
        approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
        approval_decide(
            actor=curator,
            approval=approval,
            decision=Decision.APPROVE,
            confirmation=Confirmation.PASSWORD,
        )
    return prepared


RISKS = (
    ("Подрядчик не выйдет на объекты в срок из-за торгов", "medium", "high"),
    ("Сезонные ограничения работ сдвинут контрольную точку", "high", "medium"),
    ("Недостаточно средств в бюджете МО на софинансирование", "low", "high"),
)


def demo_office_risks(*, now: dt.datetime | None = None) -> int:
    """A risk on each project in progress, a question for the curator from one of them (and
    another from a risk already decided, with its tasks), and a working group of the ЖКХ block
    approved. Returns the risks created."""
    from otklik.office.composition import Member
    from otklik.office.models import Risk
    from otklik.office.services_groups import group_propose
    from otklik.office.services_risks import Task, question_decide, question_raise, risk_create

    if Risk.objects.exists():
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    head = User.objects.filter(role=Role.HEAD, is_active=True).first()
    curator = User.objects.filter(role=Role.CURATOR, is_active=True).first()
    created = []
    running = Project.objects.filter(state=ProjectState.IN_PROGRESS).select_related("sector")
    for n, project in enumerate(running.order_by("pk")):
        owner = _lead(project.sector) or head
        text, probability, impact = RISKS[n % len(RISKS)]
        created.append(
            risk_create(
                actor=owner,
                project=project,
                description=text,
                owner=owner,
                probability=probability,
                impact=impact,
                due=today + dt.timedelta(days=20 + 7 * n),
                measures="Еженедельный контроль хода работ; резервный подрядчик.",
            )
        )
    if len(created) >= 2 and head and curator:
        question_raise(
            actor=head,
            text="Согласовать перенос срока контрольной точки на следующий квартал?",
            proposal="Перенести срок при условии еженедельного доклада о ходе работ.",
            due=today + dt.timedelta(days=10),
            risk=created[0],
        )
        decided = question_raise(
            actor=head,
            text="Выделить резерв на софинансирование работ в МО?",
            proposal="Перераспределить экономию по торгам.",
            due=today + dt.timedelta(days=5),
            risk=created[1],
        )
        lead = _lead(created[1].project.sector) or head
        question_decide(
            actor=curator,
            question=decided,
            decision="Поддержать: подготовить предложения по перераспределению экономии.",
            tasks=[
                Task("Подготовить расчёт экономии по торгам", lead, today + dt.timedelta(days=7)),
                Task("Доложить на совещании у куратора", head, today + dt.timedelta(days=14)),
            ],
        )
    zhkh = Block.objects.filter(sector__code="zhkh").select_related("sector").first()
    lead = zhkh and _lead(zhkh.sector)
    if lead and head and curator:
        group = group_propose(
            actor=lead,
            sector=zhkh.sector,
            kind="working",
            name="Рабочая группа по горячему водоснабжению",
            purpose="Координация замены сетей и уведомления жителей об отключениях",
            members=[
                Member(role="chair", user=lead),
                Member(role="secretary", name="Сидорова Е. В.", position="консультант",
                       organisation="Комитет ЖКХ"),
                Member(role="member", name="Орлов П. Н.", position="главный инженер",
                       organisation="МУП «Водоканал»"),
            ],
        )  # fmt: skip
        approval = _group_approval(group)
        approval = approval_submit(actor=lead, approval=approval)
        approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
        approval_decide(
            actor=curator,
            approval=approval,
            decision=Decision.APPROVE,
            confirmation=Confirmation.PASSWORD,
        )
    return len(created)


def _group_approval(group):
    from otklik.approvals.selectors import approval_of

    version = group.versions.order_by("-number").first()
    return approval_of(kind="group", target_id=version.pk)


# --------------------------------------------------------------------------- roadmap
# The demo's indicators of national projects (plan and fact of the demo region, not official
# figures), imported as the federal system's file would be: code, name, project, unit, period,
# target, actual.
NATIONAL_CSV = """code;name;project;project_kind;unit;period;target;actual
ФКГС-1;Благоустроено общественных территорий;Формирование комфортной городской среды;national;единица;{year};24;18
ФКГС-2;Доля граждан, принявших участие в голосовании за объекты благоустройства;Формирование комфортной городской среды;national;процент;{year};30;31,5
МКИ-1;Заменено ветхих сетей;Модернизация коммунальной инфраструктуры;national;километр;{year};40;31
РМДС-1;Доля региональных дорог в нормативном состоянии;Региональная и местная дорожная сеть;national;процент;{year};55;52,3
ЭТС-1;Доля рейсов пригородных автобусов по расписанию;Эффективная транспортная система;regional;процент;{year};95;88
"""  # noqa: E501

# Which projects of the blocks are linked to which programmes (by the project's name).
PROJECT_LINKS = {
    "Тёплый дом: замена ветхих сетей горячего водоснабжения": (["FP-KOMMUN"], ["МКИ-1"]),
    "Чистый двор: благоустройство дворовых территорий": (["FP-FKGS"], ["ФКГС-1", "ФКГС-2"]),
    "Безопасные и качественные дороги: региональная сеть": (["FP-ROADS"], ["РМДС-1"]),
    "Ямочный ремонт по сообщениям жителей": (["FP-ROADS"], []),
    "Безопасная дорога в школу": (["PR-SAFECITY"], []),
    "Автобус по расписанию": (["NP-TRANSPORT", "DP-SMARTCITY"], ["ЭТС-1"]),
    "Запись к врачу без очередей": (["NP-LIFE"], []),
    "Социальное такси": (["NP-FAMILY"], []),
}


@dataclass(frozen=True)
class DemoItem:
    section: str
    title: str
    owner: str  # role of the owner
    organization: str  # code, or ""
    due: int  # days from now (< 0: in the past)
    story: str  # planned | in_work | done | done_late | cancelled
    programmes: tuple[str, ...] = ()


ROADMAP = (
    DemoItem("Организационное обеспечение", "Положение о ЦУР и его структура утверждены",
             "executor", "adm-oblast", -150, "done"),
    DemoItem("Организационное обеспечение",
             "Назначены ответственные за отраслевые блоки и их заместители",
             "executor", "", -120, "done"),
    DemoItem("Организационное обеспечение",
             "Регламент взаимодействия ЦУР с ОИВ и ОМСУ согласован со всеми органами",
             "head", "adm-oblast", -12, "in_work"),
    DemoItem("Кадры и обучение", "Штат центра компетенций укомплектован (аналитики, модераторы)",
             "head", "cur-volgograd", -90, "done_late"),
    DemoItem("Кадры и обучение", "Обучены ответственные за работу с ПОС во всех ОМСУ",
             "head", "cur-volgograd", 45, "in_work"),
    DemoItem("Кадры и обучение", "Созданы учётные записи представителей ОИВ на платформе",
             "executor", "kom-it", -5, "planned"),
    DemoItem("Информационные системы", "Все ОМСУ подключены к Платформе обратной связи",
             "executor", "kom-it", -60, "done", ("NP-DATA",)),
    DemoItem("Информационные системы", "Подключён мониторинг соцсетей (Инцидент Менеджмент)",
             "executor", "kom-it", -45, "done", ("NP-DATA",)),
    DemoItem("Информационные системы",
             "Обмен сведениями об авариях с АПК «Безопасный город» (система-112)",
             "executor", "kom-bezopasnost", 60, "planned", ("PR-SAFECITY",)),
    DemoItem("Синхронизация с национальными проектами",
             "Проекты блоков связаны с федеральными проектами нацпроекта «Инфраструктура для "
             "жизни»", "executor", "", -3, "in_work", ("FP-FKGS", "FP-KOMMUN", "FP-ROADS")),
    DemoItem("Синхронизация с национальными проектами",
             "Сообщения жителей о дворах учтены в отборе территорий по ФКГС",
             "lead-zhkh", "kom-zhkh", 30, "planned", ("FP-FKGS",)),
    DemoItem("Синхронизация с национальными проектами",
             "Сервисы ЖКХ ЦУР заявлены в проект «Умный город»",
             "executor", "kom-zhkh", 20, "cancelled", ("DP-SMARTCITY",)),
)  # fmt: skip
EVIDENCE = {
    1: ("Постановление Губернатора Волгоградской области № 755 от 01.12.2020", ""),
    2: ("Приказ руководителя ЦУР о составе отраслевых блоков", "/office/"),
    4: ("Штатное расписание ЦУР, приказ о приёме сотрудников", ""),
    7: ("Акты подключения ОМСУ к ПОС (38 из 38)", ""),
    8: ("", "/channels/"),
}


def _roadmap_owner(role: str, head, executor) -> User | None:
    if role.startswith("lead-"):
        return User.objects.filter(username=role, is_active=True).first() or executor
    return {"head": head, "executor": executor}[role]


def demo_office_roadmap(*, now: dt.datetime | None = None) -> int:
    """The ЦУР's roadmap kept by the executor: twelve items by section, some done with their
    evidence (one late), some in work, two overdue, one cancelled; the catalogue of programmes
    with the demo's national indicators, linked to the blocks' projects. Returns the items."""
    from otklik.directory.models import Organization
    from otklik.office.models import Programme, RoadmapItem
    from otklik.office.services_roadmap import (
        programmes_load,
        project_links_set,
        roadmap_item_create,
        roadmap_item_done,
        roadmap_item_status_set,
    )
    from otklik.problems.imports import indicators_import
    from otklik.problems.models import ProjectIndicator

    executor = User.objects.filter(role=Role.EXECUTOR, is_active=True).first()
    head = User.objects.filter(role=Role.HEAD, is_active=True).first()
    if executor is None or head is None or RoadmapItem.objects.exists():
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not ProjectIndicator.objects.exists():
        csv = NATIONAL_CSV.format(year=today.year).encode("utf-8")
        indicators_import(actor=executor, name="показатели-нацпроектов.csv", content=csv)
    programmes_load(actor=None)  # links the imported indicators by their project's name
    by_code = {p.code: p for p in Programme.objects.all()}
    national = {i.code: i for i in ProjectIndicator.objects.all()}
    for project in Project.objects.filter(name__in=PROJECT_LINKS):
        codes, indicators = PROJECT_LINKS[project.name]
        project_links_set(
            actor=executor,
            project=project,
            programmes=[by_code[c] for c in codes if c in by_code],
            national_indicators=[national[c] for c in indicators if c in national],
        )
    orgs = {o.code: o for o in Organization.objects.all()}
    created = 0
    for n, d in enumerate(ROADMAP, 1):
        due = today + dt.timedelta(days=d.due)
        start = now - dt.timedelta(days=max(30, 40 - d.due))  # before its due date
        with _at(start):
            item = roadmap_item_create(
                actor=executor,
                section=d.section,
                title=d.title,
                owner=_roadmap_owner(d.owner, head, executor),
                organization=orgs.get(d.organization),
                due=due,
                programmes=[by_code[c] for c in d.programmes if c in by_code],
            )
        created += 1
        if d.story in ("in_work", "done", "done_late"):
            with _at(start + dt.timedelta(days=1)):
                roadmap_item_status_set(actor=executor, item=item, status="in_work")
        if d.story in ("done", "done_late"):
            late = 6 if d.story == "done_late" else -2
            evidence, url = EVIDENCE.get(n, ("Отчёт ответственного об исполнении", ""))
            with _at(now + dt.timedelta(days=d.due + late)):
                roadmap_item_done(actor=executor, item=item, evidence=evidence, evidence_url=url)
        if d.story == "cancelled":
            with _at(start + dt.timedelta(days=2)):
                roadmap_item_status_set(
                    actor=executor,
                    item=item,
                    status="cancelled",
                    reason="Сервисы ЖКХ войдут в региональную платформу «Умного города» без "
                    "отдельной заявки ЦУР.",
                )
    return created
