"""A board's automation rules over the API: anyone on the board reads them, members and admins
try one against a ticket (nothing written), admins create, change, order and delete them and
read their history."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from automation import services
from automation.kinds import BoardNames
from automation.models import Rule
from automation.selectors import board_rule_runs, board_rules
from automation.serializers import (
    RuleInputSerializer,
    RuleRunSerializer,
    RuleSerializer,
    TrialSerializer,
    TryInputSerializer,
)
from boards.api import BoardScopedMixin
from boards.apis import validated
from boards.permissions import Action
from tickets.models import Ticket


class RuleViewSet(BoardScopedMixin, viewsets.GenericViewSet):
    """A board's automation rules, in the order they run."""

    queryset = Rule.objects.none()
    serializer_class = RuleSerializer
    board_actions = {
        **BoardScopedMixin.board_actions,
        "history": Action.MANAGE,
        "board_history": Action.MANAGE,
        "try_on": Action.WORK,
    }

    def _rule(self, pk) -> Rule:
        return get_object_or_404(board_rules(self.board), pk=pk)

    def _said(self, rule_or_rules, many=False):
        context = {"names": BoardNames.of(self.board)}
        return RuleSerializer(rule_or_rules, many=many, context=context).data

    def _answer(self, rule, status=200) -> Response:
        return Response(self._said(rule), status)

    @extend_schema(responses=RuleSerializer(many=True))
    def list(self, request, board_id=None):
        page = self.paginate_queryset(board_rules(self.board))
        return self.get_paginated_response(self._said(page, many=True))

    @extend_schema(responses=RuleSerializer)
    def retrieve(self, request, board_id=None, pk=None):
        return self._answer(self._rule(pk))

    @extend_schema(request=RuleInputSerializer, responses={201: RuleSerializer})
    def create(self, request, board_id=None):
        data = validated(RuleInputSerializer, request.data)
        position = data.pop("position", None)
        rule = services.rule_create(board=self.board, by=request.user, **data)
        if position is not None:
            rule = services.rule_move(rule=rule, by=request.user, position=position)
        return self._answer(rule, status=201)

    @extend_schema(request=RuleInputSerializer, responses=RuleSerializer)
    def partial_update(self, request, board_id=None, pk=None):
        rule = self._rule(pk)
        data = validated(RuleInputSerializer, request.data, partial=True)
        position = data.pop("position", None)
        if data:
            rule = services.rule_update(rule=rule, by=request.user, **data)
        if position is not None:
            rule = services.rule_move(rule=rule, by=request.user, position=position)
        rule.refresh_from_db()
        return self._answer(rule)

    def destroy(self, request, board_id=None, pk=None):
        services.rule_delete(rule=self._rule(pk), by=request.user)
        return Response(status=204)

    @extend_schema(responses=RuleRunSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, board_id=None, pk=None):
        """The rule's runs, newest first: each event it ran on, what it did or why not."""
        return self._runs(board_rule_runs(self.board, rule=self._rule(pk)))

    @extend_schema(
        responses=RuleRunSerializer(many=True), operation_id="boards_rules_board_history"
    )
    @action(detail=False, methods=["get"], url_path="history")
    def board_history(self, request, board_id=None):
        """Every rule's runs on the board, newest first."""
        return self._runs(board_rule_runs(self.board))

    def _runs(self, runs) -> Response:
        page = self.paginate_queryset(runs)
        return self.get_paginated_response(RuleRunSerializer(page, many=True).data)

    @extend_schema(request=TryInputSerializer, responses=TrialSerializer)
    @action(detail=True, methods=["post"], url_path="try")
    def try_on(self, request, board_id=None, pk=None):
        """What the rule would do to the ticket now, nothing written or sent."""
        rule = self._rule(pk)
        number = validated(TryInputSerializer, request.data)["ticket"]
        tickets = Ticket.objects.select_related("board", "column")
        ticket = get_object_or_404(tickets, board=self.board, number=number)
        outcome = services.rule_try(rule=rule, ticket=ticket, by=request.user)
        return Response(TrialSerializer(outcome).data)
