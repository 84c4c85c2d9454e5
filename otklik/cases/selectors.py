"""Reads of cases, always narrowed to what the acting user may see."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.db.models import Case as Rank
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from otklik.cases.choices import (
    FINAL_STATES,
    OPEN_STATES,
    TRANSITIONS,
    AnswerStatus,
    CaseStatus,
    ExtensionStatus,
    Priority,
    RedirectStatus,
)
from otklik.cases.models import Case, ExtensionRequest, RedirectRequest
from otklik.core.exceptions import NotFound
from otklik.core.paging import COUNT_CAP, capped_count
from otklik.core.permissions import Action, Scope, can, ids_or_subquery, scope_for, visible_to
from otklik.core.roles import ROLE_SCOPE_FIELD
from otklik.directory.cache import reference_snapshot, with_reference_rows
from otklik.directory.models import Channel, Municipality, Organization, Sector, Topic
from otklik.intake.models import Message

# Named queues of the operator UI and the API.
QUEUES = {
    "triage": "ЦУР: модерация",
    "mine": "Моя организация",
    "overdue": "Просроченные",
    "near_deadline": "Близко к сроку",
    "answer_review": "Ответы на модерации",
    "open": "Все открытые",
    "all": "Все",
}


@dataclass
class CaseFilters:
    queue: str = "open"
    sector: str | None = None
    topic: str | None = None
    municipality: str | None = None
    organization: str | None = None
    channel: str | None = None
    status: str | None = None
    priority: str | None = None
    order: str | None = None  # "priority": accidents, then high, normal, low; else by queue
    q: str | None = None


# The queue sorted by priority: «аварийный» first (ORDERS["priority"]).
PRIORITY_RANK = {
    Priority.CRITICAL: 0,
    Priority.HIGH: 1,
    Priority.NORMAL: 2,
    Priority.LOW: 3,
}
ORDERS = {"priority": "аварийные и срочные сначала"}


def case_list(*, user: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
    filters = filters or CaseFilters()
    qs = visible_to(Case.objects.all(), user, Action.CASE_VIEW)
    now = timezone.now()
    queue = filters.queue or "open"
    if queue == "triage":
        qs = qs.filter(status=CaseStatus.NEW)
    elif queue == "mine":
        org_id = getattr(user, "organization_id", None)
        qs = (
            qs.filter(
                Q(organization_id=org_id)
                | Q(
                    pk__in=ids_or_subquery(
                        Case.co_executors.through.objects.filter(
                            organization_id=org_id
                        ).values_list("case_id", flat=True)
                    )
                )
            ).filter(status__in=OPEN_STATES)
            if org_id
            else qs.none()
        )
    elif queue == "overdue":  # a case whose clock stands still is not overdue meanwhile
        qs = qs.filter(status__in=OPEN_STATES, resolution_due__lt=now, clock_paused_at=None)
    elif queue == "near_deadline":
        qs = qs.filter(
            status__in=OPEN_STATES,
            warning_level__gte=1,
            resolution_due__gte=now,
            clock_paused_at=None,
        )
    elif queue == "answer_review":
        qs = qs.filter(status=CaseStatus.ANSWER_REVIEW)
    elif queue == "open":
        qs = qs.filter(status__in=OPEN_STATES)
    # Reference codes become ids first (small tables): the planner then sees plain equalities
    # on the case table, uses its indexes, and sees through a filter that contradicts the
    # user's scope (a sector lead asking for another sector) instead of scanning for nothing.
    references = [
        (field, model, value)
        for field, model, value in (
            ("sector_id", Sector, filters.sector),
            ("topic_id", Topic, filters.topic),
            ("municipality_id", Municipality, filters.municipality),
            ("organization_id", Organization, filters.organization),
            ("channel_id", Channel, filters.channel),
        )
        if value
    ]
    if references:
        ids = reference_snapshot().ids
        for field, model, value in references:
            ref = ids[model].get(value)
            qs = qs.filter(**{field: ref}) if ref is not None else qs.none()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(
            Q(number__iexact=term)
            | Q(title__icontains=term)
            | Q(address__icontains=term)
            | Q(
                pk__in=Message.objects.filter(text__icontains=term, case__isnull=False).values(
                    "case_id"
                )
            )
        )
    order = "resolution_due" if queue in ("overdue", "near_deadline", "mine") else "-received_at"
    if filters.order == "priority":
        rank = Rank(
            *(When(priority=p, then=Value(n)) for p, n in PRIORITY_RANK.items()),
            default=Value(len(PRIORITY_RANK)),
            output_field=IntegerField(),
        )
        return with_reference_rows(qs).order_by(rank, order, "-id")
    return with_reference_rows(qs).order_by(order, "-id")


def case_get(*, user: Any, pk: int | str) -> Case:
    """One case the user may see; NotFound otherwise (no hint that it exists). It carries
    ``has_pending_redirect`` and ``has_pending_extension`` (read in the same statement), so that
    ``case_actions`` reads a pending request only when there is one."""
    lookup = {"number": pk} if isinstance(pk, str) and not pk.isdigit() else {"pk": pk}
    pending = {"case": OuterRef("pk")}
    case = (
        with_reference_rows(visible_to(Case.objects.all(), user, Action.CASE_VIEW))
        .select_related("author", "merged_into")
        .annotate(
            has_pending_redirect=Exists(
                RedirectRequest.objects.filter(status=RedirectStatus.PENDING, **pending)
            ),
            has_pending_extension=Exists(
                ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING, **pending)
            ),
        )
        .filter(**lookup)
        .first()
    )
    if case is None:
        raise NotFound("Инцидент не найден.")
    if scope_for(user, Action.CASE_VIEW) is Scope.OWN:
        # read through the user's own zone: an action of theirs limited to that zone needs no
        # second look (``CaseActions``)
        case.read_in_own_scope_of = user.pk
    return case


def case_prefetch_details(case: Case) -> Case:
    """``case`` with the two lists of its API representation that would cost a read per row:
    the answers with their organisations and the events with their actors (``case_actions``
    then reads the answers from them too). The pauses, the co-executors and the message ids
    are one read each either way, and read as the serializer asks."""
    from django.db.models import Prefetch, prefetch_related_objects

    from otklik.cases.models import Answer, CaseEvent

    prefetch_related_objects(
        [case],
        Prefetch("answers", queryset=Answer.objects.select_related("organization")),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
    )
    return case


# --- reads of the operator UI --------------------------------------------------------------
QUEUE_COUNTS_SECONDS = 30  # how long the tab counts of one scope are reused


def _visibility_key(user: Any) -> str:
    """Users with the same key see the same cases and have the same «my organisation» queue."""
    scope = scope_for(user, Action.CASE_VIEW)
    parts = [str(scope.value)]
    if scope is Scope.OWN:
        field = ROLE_SCOPE_FIELD.get(user.role)
        parts += [str(user.role), f"{field}={getattr(user, f'{field}_id', None) if field else ''}"]
    parts.append(f"org={getattr(user, 'organization_id', None)}")
    return ":".join(parts)


def queue_counts(*, user: Any, queues: list[str], cap: int = COUNT_CAP) -> dict[str, int]:
    """How many cases each named queue holds for ``user`` (the tabs of the queue page),
    counted up to ``cap + 1``.

    The tabs are a guide, the list under them is always current: the counts are kept in the
    shared cache for ``QUEUE_COUNTS_SECONDS``, shared by every user who sees the same cases
    (seven capped counts cost more than the page itself on a large registry)."""
    keys = {
        name: f"otklik:cases:queue-count:{_visibility_key(user)}:{name}:{cap}" for name in queues
    }
    cached = cache.get_many(list(keys.values()))
    counts = {name: cached[key] for name, key in keys.items() if key in cached}
    fresh = {
        name: capped_count(case_list(user=user, filters=CaseFilters(queue=name)), cap)
        for name in queues
        if name not in counts
    }
    if fresh:
        cache.set_many({keys[name]: n for name, n in fresh.items()}, QUEUE_COUNTS_SECONDS)
    return {name: counts.get(name, fresh.get(name, 0)) for name in queues}


def case_messages(*, case: Case) -> QuerySet:
    """The messages of a case (one obtained through ``case_get``), oldest first."""
    from otklik.intake.models import Message

    return (
        with_reference_rows(Message.objects.filter(case=case))
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("received_at", "pk")
    )


def case_answers(*, case: Case) -> QuerySet:
    """The answers of a case with their files, delivery rows and moderators, oldest first."""
    from otklik.cases.models import Answer

    return (
        Answer.objects.filter(case=case)
        .select_related("organization", "author", "moderator")
        .prefetch_related("attachments", "outbox")
        .order_by("created_at", "pk")
    )


def case_events(*, case: Case) -> QuerySet:
    """The timeline of a case, oldest first."""
    from otklik.cases.models import CaseEvent

    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "pk")


def case_outbox(*, case: Case) -> QuerySet:
    from otklik.cases.models import OutboxMessage

    return OutboxMessage.objects.filter(case=case).select_related("channel").order_by("-created_at")


def case_pending_redirect(*, case: Case):
    return (
        RedirectRequest.objects.filter(case=case, status=RedirectStatus.PENDING)
        .select_related("from_organization", "to_organization", "requested_by")
        .first()
    )


def case_pending_extension(*, case: Case):
    return (
        ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.PENDING)
        .select_related("requested_by")
        .first()
    )


def case_pauses(*, case: Case) -> QuerySet:
    """The waits of a case for its author's information, oldest first."""
    from otklik.cases.models import CasePause

    return (
        CasePause.objects.filter(case=case).select_related("asked_by").order_by("started_at", "pk")
    )


def case_policy(*, case: Case):
    """The deadline policy of ``case`` in force when it was received (``PolicyNotFound``); an
    accident («аварийный» priority) takes the policy for its priority where there is one."""
    from otklik.sla.selectors import policy_for

    return policy_for(
        kind=case.kind.code,
        channel=case.channel.code,
        topic=case.topic.code if case.topic_id else None,
        priority=case.priority,
        on=timezone.localdate(case.received_at),
    )


def case_extension_limit(*, case: Case) -> int:
    """How many days in all the deadline of ``case`` may be extended by (0 without a policy)."""
    from otklik.sla.selectors import PolicyNotFound

    try:
        return case_policy(case=case).max_extension_length
    except PolicyNotFound:
        return 0


def case_pause_states(*, case: Case) -> frozenset[str]:
    """The states in which the deadline policy of ``case`` stops its clock (none without one)."""
    from otklik.sla.selectors import PolicyNotFound, policy_get

    if not case.sla_policy:
        return frozenset()
    try:
        return frozenset(policy_get(code=case.sla_policy).pause_states)
    except PolicyNotFound:
        return frozenset()


def case_surveys(*, case: Case) -> QuerySet:
    from otklik.cases.models import Survey

    return Survey.objects.filter(case=case).order_by("created_at", "pk")


def answer_template_list(*, case: Case) -> QuerySet:
    """Active answer templates fit for ``case``: its topic's first, then its sector's, then the
    general ones."""
    from otklik.cases.models import AnswerTemplate

    return (
        AnswerTemplate.objects.filter(is_active=True)
        .filter(
            Q(topic=case.topic_id)
            | Q(topic__isnull=True, sector=case.sector_id)
            | Q(topic__isnull=True, sector__isnull=True)
        )
        .annotate(
            rank=Rank(
                When(topic=case.topic_id, then=Value(0)),
                When(sector=case.sector_id, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "title")
    )


def routing_rule_list(*, user: Any) -> QuerySet:
    """The routing rules in the order they are evaluated (readable by every case role)."""
    from otklik.cases.models import RoutingRule
    from otklik.core.permissions import access_check

    access_check(user, Action.CASE_VIEW)
    return RoutingRule.objects.select_related(
        "sector", "topic", "municipality", "channel", "organization"
    ).order_by("order", "id")


def survey_by_token(*, token: str):
    """The survey of a link (no login: the token is the key), or None."""
    from otklik.cases.models import Survey

    return (
        Survey.objects.select_related("case", "answer", "answer__organization")
        .filter(token=token)
        .first()
    )


def answer_attachment_get(*, case: Case, pk: int):
    """A file of an answer of ``case`` (a case obtained through ``case_get``), or None."""
    from otklik.cases.models import AnswerAttachment

    return AnswerAttachment.objects.filter(pk=pk, answer__case=case).first()


def message_attachment_get(*, case: Case, pk: int):
    """A stored file of a message of ``case``, or None."""
    from otklik.intake.models import Attachment

    return Attachment.objects.filter(pk=pk, message__case=case).exclude(file="").first()


# --- what a user may do to a case ------------------------------------------------------------
# The verbs of a case, by the name of their endpoint (``POST /api/v1/cases/{id}/{verb}``, the
# case page's ``/cases/{number}/{verb}/``), with the label the interface gives them.
CASE_VERBS = {
    "accept": "Принять и направить в организацию",
    "reject": "Ответ не требуется",
    "assign": "Назначить организацию",
    "take": "Взять в работу",
    "answer": "Ответить заявителю",
    "approve": "Одобрить ответ",
    "return": "Вернуть ответ на доработку",
    "publish": "Отметить ответ опубликованным",
    "merge": "Объединить с другим инцидентом",
    "split": "Выделить сообщения в новый инцидент",
    "redirect": "Переадресовать по компетенции",
    "redirect-decision": "Решить по переадресации",
    "extend": "Запросить продление срока",
    "extension-decision": "Решить по продлению срока",
    "reopen": "Переоткрыть",
    "request-info": "Запросить сведения у заявителя",
    "resume": "Возобновить работу",
}
WORKING_STATES = frozenset({CaseStatus.ASSIGNED, CaseStatus.IN_WORK, CaseStatus.REOPENED})


@dataclass(frozen=True)
class CaseAction:
    verb: str  # the endpoint's name (``CASE_VERBS``)
    label: str


class CaseActions:
    """The verbs ``user`` may take on a case now, and the facts they were decided on: the
    pending redirect and extension requests and the extension limit (the case page shows
    them). Each fact is read once, and only when a verb or the page needs it: a role that may
    neither moderate nor work costs no read at all."""

    def __init__(self, *, user: Any, case: Case) -> None:
        self.case = case
        self.user = user
        self.may_moderate = self._may(Action.CASE_MODERATE)
        self.may_work = self._may(Action.CASE_WORK)
        self.may_answers = self._may(Action.ANSWER_MODERATE)

    def _may(self, action: Action) -> bool:
        # the own zone is the same for every action of a role: ``case_get`` has looked already
        if (
            scope_for(self.user, action) is Scope.OWN
            and getattr(self.case, "read_in_own_scope_of", None) == self.user.pk
        ):
            return True
        return can(self.user, action, self.case)

    # ``case_get`` tells whether there is a pending request; without it, it is read
    @cached_property
    def pending_redirect(self):
        if getattr(self.case, "has_pending_redirect", True) is False:
            return None
        return case_pending_redirect(case=self.case)

    @cached_property
    def pending_extension(self):
        if getattr(self.case, "has_pending_extension", True) is False:
            return None
        return case_pending_extension(case=self.case)

    @cached_property
    def extension_limit(self) -> int:
        return case_extension_limit(case=self.case)

    def _has_submitted_answer(self) -> bool:
        # through ``answers.all()``: the API's serializer prefetches them for its own field
        return any(a.status == AnswerStatus.SUBMITTED for a in self.case.answers.all())

    @cached_property
    def actions(self) -> tuple[CaseAction, ...]:
        case = self.case
        status = case.status
        has_org = case.organization_id is not None
        working = status in WORKING_STATES
        may_moderate, may_work, may_answers = self.may_moderate, self.may_work, self.may_answers

        def allows(transition: str) -> bool:
            return TRANSITIONS[transition].allows(status)

        # the cheap conditions first: a fact is read only when they all hold
        allowed = {
            "accept": may_moderate and allows("accept"),
            "reject": may_moderate and allows("reject"),
            "assign": may_moderate and allows("assign"),
            "take": may_work and allows("take"),
            "answer": may_work and allows("submit_answer") and has_org,
            "approve": may_answers and self._has_submitted_answer(),
            "publish": may_answers and allows("publish"),
            "merge": may_moderate and allows("merge"),
            "split": may_moderate and status not in FINAL_STATES and case.messages.count() >= 2,
            "redirect": may_work and working and has_org and self.pending_redirect is None,
            "redirect-decision": may_moderate and self.pending_redirect is not None,
            "extend": may_work
            and working
            and self.pending_extension is None
            and case.extension_days < self.extension_limit,
            "extension-decision": may_moderate and self.pending_extension is not None,
            "reopen": may_moderate and allows("reopen"),
            "request-info": may_work and allows("request_info") and has_org,
            "resume": may_work and allows("resume"),
        }
        allowed["return"] = allowed["approve"]  # a submitted answer is approved or returned
        return tuple(
            CaseAction(verb=verb, label=label)
            for verb, label in CASE_VERBS.items()
            if allowed[verb]
        )

    @property
    def verbs(self) -> frozenset[str]:
        return frozenset(a.verb for a in self.actions)

    def __contains__(self, verb: object) -> bool:
        return verb in self.verbs


def case_actions(*, user: Any, case: Case) -> CaseActions:
    """What ``user`` may do to ``case`` (one obtained through ``case_get``) in its state: the
    transitions its status allows, narrowed by the permission matrix and by the case's facts
    (an organisation to answer for, a pending request, the extension limit). The services stay
    the authority; this tells the page and the API which verbs to offer."""
    return CaseActions(user=user, case=case)
