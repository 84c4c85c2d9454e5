"""What needs this user now: the tasks on the home page, read from the apps below (cases; the
office's roadmap for the responsible executor).

Every count is of cases the user may see (``cases.selectors.case_list`` applies the scope), each
links to the list that shows the same cases, and each is counted up to the queues' cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from otklik.cases.selectors import queue_counts
from otklik.core.paging import COUNT_CAP
from otklik.core.permissions import Action, Scope, can, scope_for


@dataclass(frozen=True)
class Task:
    key: str
    label: str
    count: int
    note: str
    url: str
    urgent: bool = False  # shown in red while not 0

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _cases_url(**params: str) -> str:
    return f"{reverse('cases:list')}?{urlencode(params)}"


def home_tasks(*, user: Any) -> list[Task]:
    """The cards «что требует вашего внимания» for this user's role and scope, most pressing
    first; an empty list for a user who may not see cases."""
    if not can(user, Action.CASE_VIEW):
        return []
    region_wide = scope_for(user, Action.CASE_VIEW) is Scope.ALL
    moderates = can(user, Action.CASE_MODERATE)
    reviews_answers = can(user, Action.ANSWER_MODERATE)
    operates = bool(getattr(user, "organization_id", None))

    queues = ["overdue", "near_deadline"]
    if moderates:
        queues.append("triage")
    if reviews_answers:
        queues.append("answer_review")
    if operates:
        queues.append("mine")
    counts = queue_counts(user=user, queues=queues)
    zone = "в вашей организации" if operates else ("по области" if region_wide else "в вашей зоне")

    tasks: list[Task] = []
    if moderates:
        tasks.append(
            Task(
                "triage",
                "Ждут разбора ЦУР",
                counts["triage"],
                "новые сообщения: принять, направить в организацию или отклонить",
                _cases_url(queue="triage"),
            )
        )
    if reviews_answers:
        tasks.append(
            Task(
                "answer_review",
                "Ответы на модерации",
                counts["answer_review"],
                "проверьте и одобрите или верните на доработку",
                _cases_url(queue="answer_review"),
            )
        )
    if operates:
        tasks.append(
            Task(
                "mine",
                "В работе у организации",
                counts["mine"],
                "открытые инциденты вашей организации, по сроку",
                _cases_url(queue="mine"),
            )
        )
    tasks.append(
        Task(
            "overdue",
            "Просрочено",
            counts["overdue"],
            f"срок ответа прошёл — {zone}",
            _cases_url(queue="overdue"),
            urgent=True,
        )
    )
    tasks.append(
        Task(
            "near_deadline",
            "Близко к сроку",
            counts["near_deadline"],
            f"пора отвечать — {zone}",
            _cases_url(queue="near_deadline"),
        )
    )
    if can(user, Action.ROADMAP_MANAGE):  # the responsible executor's own roadmap
        tasks.append(_roadmap_task(user))
    tasks.extend(_correspondence_tasks(user))
    return tasks


def _correspondence_tasks(user: Any) -> list[Task]:
    """Requests and tasks of the ЦУР: an organisation's open ones (its queue next to its
    cases); on the ЦУР's side the answers waiting to be checked."""
    if not can(user, Action.CORR_VIEW):
        return []
    from otklik.correspondence.selectors import queue_counts
    from otklik.correspondence.services import corr_today

    counts = queue_counts(user=user, today=corr_today())
    url = reverse("correspondence:list")
    if getattr(user, "organization_id", None):
        return [
            Task(
                "correspondence",
                "Запросы и поручения ЦУР",
                counts["open"],
                f"ждут ответа организации; просрочено: {counts['overdue']}",
                url,
                urgent=counts["overdue"] > 0,
            )
        ]
    if not can(user, Action.CORR_CHECK):
        return []
    return [
        Task(
            "correspondence",
            "Ответы на запросы и поручения",
            counts["to_check"],
            f"проверьте: принять или вернуть; просрочено у организаций: {counts['overdue']}",
            url,
        )
    ]


def _roadmap_task(user: Any) -> Task:
    from otklik.office.selectors_roadmap import roadmap_overdue
    from otklik.office.services_risks import office_today

    return Task(
        "roadmap_overdue",
        "Дорожная карта ЦУР: просрочено",
        len(roadmap_overdue(user=user, today=office_today())),
        "пункты дорожной карты после срока: выполните или перенесите",
        f"{reverse('office:roadmap')}?overdue=on",
        urgent=True,
    )
