"""The demo's project office: a lead for every block, two or three projects per block with
passports in different states of the route (drafts, returned with a reason, at the head's and
at the curator's step, approved, a change request on its way), block indicators, and — once the
demo's history has filled the analytics — computed indicator values and monthly reports
(approved, returned, overdue).

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
        approval_decide(actor=curator, approval=approval, decision=Decision.APPROVE)
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
            approval_decide(actor=curator, approval=approval, decision=Decision.APPROVE)
    if head and prepared:  # last month's assessment of the blocks' leads, published
        from otklik.office.services_assessment import assessment_compute, assessment_publish

        assessment_publish(actor=head, assessment=assessment_compute(actor=head, period=last))
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
        approval_decide(actor=curator, approval=approval, decision=Decision.APPROVE)
    return len(created)


def _group_approval(group):
    from otklik.approvals.selectors import approval_of

    version = group.versions.order_by("-number").first()
    return approval_of(kind="group", target_id=version.pk)
