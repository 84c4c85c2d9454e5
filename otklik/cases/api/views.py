"""Case API: list and detail, and one explicit endpoint per workflow verb."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.cases.api import serializers as s
from otklik.cases.filters import CaseFilter
from otklik.cases.models import Answer, RoutingRule
from otklik.cases.selectors import (
    case_get,
    case_list,
    case_pending_extension,
    case_pending_redirect,
    case_prefetch_details,
)
from otklik.cases.services import answers, lifecycle, waiting
from otklik.cases.services.routing import routing_rule_delete, routing_rule_save
from otklik.core.api import CappedCountPagination, MatrixPermission
from otklik.core.exceptions import ApplicationError, NotFound
from otklik.core.permissions import Action
from otklik.intake.models import Message


def _verb(request_serializer=None, summary=""):
    return extend_schema(
        request=request_serializer, responses=s.CaseDetailSerializer, summary=summary
    )


class CaseViewSet(viewsets.GenericViewSet):
    serializer_class = s.CaseDetailSerializer
    pagination_class = CappedCountPagination
    filterset_class = CaseFilter  # the list's parameters in the schema; applied in ``list``
    lookup_value_regex = r"[0-9]+|[0-9]{4}-[0-9]{7}"

    def get_queryset(self):  # used for schema generation only; reads go through selectors
        return case_list(user=self.request.user)

    def _case(self, pk):
        return case_get(user=self.request.user, pk=pk)

    def _data(self, serializer_class):
        ser = serializer_class(data=self.request.data)
        ser.is_valid(raise_exception=True)
        return ser.validated_data

    def _detail(self, case):
        case = case_prefetch_details(case)
        return Response(s.CaseDetailSerializer(case, context={"request": self.request}).data)

    def _done(self, case):
        return self._detail(case_get(user=self.request.user, pk=case.pk))

    @extend_schema(responses=s.CaseListSerializer(many=True))
    def list(self, request):
        """The cases of a named queue in the user's scope, filtered (``CaseFilter``: the
        queue page's filters; an invalid one is a 400 saying what is wrong)."""
        qs = CaseFilter(request.query_params, request=request).checked_qs()
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.CaseListSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._detail(self._case(pk))

    @_verb(s.AcceptIn, "ЦУР: принять (нужен ответ) и направить в организацию")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        d = self._data(s.AcceptIn)
        return self._done(
            lifecycle.case_accept(
                case=self._case(pk),
                actor=request.user,
                organization=d.get("organization"),
                priority=d.get("priority"),
            )
        )

    @_verb(s.ReasonIn, "ЦУР: ответ не требуется (с причиной)")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        d = self._data(s.ReasonIn)
        return self._done(
            lifecycle.case_reject(case=self._case(pk), actor=request.user, reason=d["reason"])
        )

    @_verb(s.AssignIn, "Назначить ответственную организацию и соисполнителей")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        d = self._data(s.AssignIn)
        return self._done(
            lifecycle.case_assign(
                case=self._case(pk),
                actor=request.user,
                organization=d["organization"],
                co_executors=d.get("co_executors", []),
            )
        )

    @_verb(None, "Организация: взять в работу")
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        return self._done(lifecycle.case_take(case=self._case(pk), actor=request.user))

    @_verb(s.RedirectIn, "Организация: переадресовать по компетенции (решает ЦУР)")
    @action(detail=True, methods=["post"])
    def redirect(self, request, pk=None):
        d = self._data(s.RedirectIn)
        case = self._case(pk)
        lifecycle.redirect_request(
            case=case, actor=request.user, to_organization=d["organization"], reason=d["reason"]
        )
        return self._done(case)

    def _decide(self, pk, *, pending, missing: str, decide):
        """A ЦУР decision on the case's pending request (redirect or extension)."""
        d = self._data(s.DecisionIn)
        case = self._case(pk)
        req = pending(case=case)
        if req is None:
            raise NotFound(missing)
        decide(request=req, actor=self.request.user, accept=d["accept"], comment=d["comment"])
        return self._done(case)

    @_verb(s.DecisionIn, "ЦУР: решение по переадресации")
    @action(detail=True, methods=["post"], url_path="redirect-decision")
    def redirect_decision(self, request, pk=None):
        return self._decide(
            pk,
            pending=case_pending_redirect,
            missing="Нет запроса на переадресацию, ждущего решения.",
            decide=lifecycle.redirect_decide,
        )

    @_verb(
        s.RequestInfoIn,
        "Запросить сведения у заявителя (срок приостанавливается, если это допускает правило)",
    )
    @action(detail=True, methods=["post"], url_path="request-info")
    def request_info(self, request, pk=None):
        d = self._data(s.RequestInfoIn)
        return self._done(
            waiting.case_request_info(
                case=self._case(pk), actor=request.user, question=d["question"]
            )
        )

    @_verb(s.ResumeIn, "Возобновить работу без ответа заявителя (срок идёт дальше)")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        d = self._data(s.ResumeIn)
        return self._done(
            waiting.case_resume(case=self._case(pk), actor=request.user, reason=d["reason"])
        )

    @_verb(s.ExtendIn, "Организация: запросить продление срока")
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        d = self._data(s.ExtendIn)
        case = self._case(pk)
        lifecycle.extension_request(
            case=case, actor=request.user, days=d["days"], reason=d["reason"]
        )
        return self._done(case)

    @_verb(s.DecisionIn, "ЦУР: решение по продлению")
    @action(detail=True, methods=["post"], url_path="extension-decision")
    def extension_decision(self, request, pk=None):
        return self._decide(
            pk,
            pending=case_pending_extension,
            missing="Нет запроса на продление, ждущего решения.",
            decide=lambda accept, **kw: lifecycle.extension_decide(approve=accept, **kw),
        )

    @_verb(s.AnswerIn, "Организация: ответ (окончательный или промежуточный) на модерацию")
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        d = self._data(s.AnswerIn)
        case = self._case(pk)
        answers.answer_submit(
            case=case, actor=request.user, text=d["text"], intermediate=d["intermediate"]
        )
        return self._done(case)

    def _answer(self, case, answer_id) -> Answer:
        answer = Answer.objects.filter(pk=answer_id, case=case).first()
        if answer is None:
            raise NotFound("Ответ не найден.")
        return answer

    @_verb(s.ModerateIn, "ЦУР: одобрить ответ (и оценить качество)")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        d = self._data(s.ModerateIn)
        case = self._case(pk)
        answers.answer_approve(
            answer=self._answer(case, d["answer"]),
            actor=request.user,
            quality_score=d.get("quality_score"),
        )
        return self._done(case)

    @_verb(s.ModerateIn, "ЦУР: вернуть ответ на доработку (с причиной)")
    @action(detail=True, methods=["post"], url_path="return")
    def return_answer(self, request, pk=None):
        d = self._data(s.ModerateIn)
        case = self._case(pk)
        answers.answer_return(
            answer=self._answer(case, d["answer"]),
            actor=request.user,
            reason=d["reason"],
            quality_score=d.get("quality_score"),
        )
        return self._done(case)

    @_verb(None, "ЦУР: отметить ответ опубликованным (каналы без адаптера)")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._done(answers.case_publish(case=self._case(pk), actor=request.user))

    @_verb(s.MergeIn, "ЦУР: объединить дубль с другим инцидентом")
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        d = self._data(s.MergeIn)
        into = case_get(user=request.user, pk=d["into"])
        return self._done(lifecycle.case_merge(case=self._case(pk), into=into, actor=request.user))

    @_verb(s.SplitIn, "ЦУР: выделить сообщения в новый инцидент")
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        d = self._data(s.SplitIn)
        case = self._case(pk)
        chosen = list(Message.objects.filter(case=case, pk__in=d["messages"]))
        if len(chosen) != len(set(d["messages"])):
            raise ApplicationError("Некоторые сообщения не относятся к этому инциденту.")
        return self._done(lifecycle.case_split(case=case, messages=chosen, actor=request.user))

    @_verb(s.ReasonIn, "ЦУР: переоткрыть")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        d = self._data(s.ReasonIn)
        return self._done(
            lifecycle.case_reopen(case=self._case(pk), actor=request.user, reason=d["reason"])
        )


class RoutingRuleViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = RoutingRule.objects.select_related(
        "sector", "topic", "municipality", "channel", "organization"
    )
    serializer_class = s.RoutingRuleSerializer
    permission_classes = [MatrixPermission]
    read_action = Action.CASE_VIEW
    write_action = Action.ROUTING_EDIT
    pagination_class = None

    def perform_create(self, serializer):
        serializer.instance = routing_rule_save(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = routing_rule_save(
            actor=self.request.user, rule=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        routing_rule_delete(actor=self.request.user, rule=instance)


class SurveyIn(serializers.Serializer):
    solved = serializers.BooleanField()
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SurveyView(APIView):
    """The citizen's answer to «did it help?» — by the link's token, without login."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=SurveyIn, responses={200: None}, summary="Ответ заявителя на опрос")
    def post(self, request, token: str):
        ser = SurveyIn(data=request.data)
        ser.is_valid(raise_exception=True)
        answers.survey_respond(token=token, **ser.validated_data)
        return Response({"detail": "Спасибо! Ваш ответ учтён."})
