"""The route's API: what waits at my step, an approval with its sheet, and one endpoint per
verb. Thin: parse, call the service (it checks the rights: a refusal is a 403 with its
message, a broken rule a 400), answer with the approval as it now is. An approval the user may
not see is a 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from otklik.accounts.identity import identity_confirm
from otklik.approvals import selectors, services
from otklik.approvals.api import serializers as s
from otklik.approvals.choices import Decision
from otklik.approvals.models import Approval
from otklik.approvals.services import signs_now


def _verb(request_serializer, summary: str):
    return extend_schema(
        request=request_serializer,
        responses=s.ApprovalDetailSerializer,
        summary=summary,
        tags=["approvals"],
    )


class ApprovalViewSet(viewsets.GenericViewSet):
    serializer_class = s.ApprovalDetailSerializer
    pagination_class = None
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):  # used for schema generation only; reads go through selectors
        return selectors.visible_approvals(Approval.objects.all(), self.request.user)

    def _approval(self, pk) -> Approval:
        return selectors.approval_get(user=self.request.user, pk=int(pk))

    def _text(self, serializer_class) -> str:
        ser = serializer_class(data=self.request.data)
        ser.is_valid(raise_exception=True)
        return ser.validated_data["text"]

    def _detail(self, approval: Approval) -> Response:
        panel = selectors.approval_panel(user=self.request.user, approval=approval)
        return Response(s.ApprovalDetailSerializer(approval, context={"panel": panel}).data)

    @extend_schema(
        responses=s.ApprovalSerializer(many=True),
        summary="На согласовании у меня: документы на шаге моей роли (ближайший срок первым)",
        tags=["approvals"],
    )
    @action(detail=False, methods=["get"])
    def inbox(self, request):
        rows = selectors.approval_inbox(user=request.user)
        return Response(s.ApprovalSerializer(rows, many=True).data)

    @extend_schema(
        responses=s.ApprovalDetailSerializer,
        summary="Документ на согласовании: состояние, шаг и срок, маршрут, лист согласования",
        tags=["approvals"],
    )
    def retrieve(self, request, pk=None):
        return self._detail(self._approval(pk))

    @_verb(s.TextIn, "Направить на согласование (черновик или доработанный документ)")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        text = self._text(s.TextIn)
        approval = services.approval_submit(
            actor=request.user, approval=self._approval(pk), text=text
        )
        return self._detail(approval)

    def _decide(self, pk, decision: str, serializer_class) -> Response:
        approval = self._approval(pk)
        ser = serializer_class(data=self.request.data)
        ser.is_valid(raise_exception=True)
        confirmation = ""
        if decision == Decision.APPROVE and signs_now(self.request.user, approval):
            confirmation = identity_confirm(
                user=self.request.user,
                password=ser.validated_data["password"],
                otp_token=ser.validated_data["otp_token"],
                request=self.request,
            )
        approval = services.approval_decide(
            actor=self.request.user,
            approval=approval,
            decision=decision,
            text=ser.validated_data["text"],
            confirmation=confirmation,
        )
        return self._detail(approval)

    @_verb(s.TextIn, "Согласовать на текущем шаге")
    @action(detail=True, methods=["post"])
    def agree(self, request, pk=None):
        return self._decide(pk, Decision.AGREE, s.TextIn)

    @_verb(
        s.ApproveIn,
        "Утвердить (последний шаг маршрута) и подписать простой электронной подписью: "
        "пароль и, если включён, одноразовый код",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(pk, Decision.APPROVE, s.ApproveIn)

    @_verb(s.ReturnIn, "Вернуть на доработку (с причиной)")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._decide(pk, Decision.RETURN, s.ReturnIn)

    @_verb(s.CommentIn, "Замечание в лист согласования")
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        text = self._text(s.CommentIn)
        approval = self._approval(pk)
        services.approval_comment(actor=request.user, approval=approval, text=text)
        approval.refresh_from_db()
        return self._detail(approval)
