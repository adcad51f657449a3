"""Reads of rules and their history, with the joins that keep pages and lists flat."""

from django.db.models import QuerySet

from automation.kinds import BoardNames, action_words, condition_words
from automation.models import Rule, RuleRun
from boards.models import Board


def board_rules(board: Board) -> QuerySet[Rule]:
    return Rule.objects.filter(board=board).order_by("position", "id")


def board_rule_runs(board: Board, *, rule: Rule | None = None) -> QuerySet[RuleRun]:
    """The board's rule history (or one rule's), newest first."""
    runs = RuleRun.objects.filter(board=board).select_related("rule", "ticket__board")
    if rule is not None:
        runs = runs.filter(rule=rule)
    return runs.order_by("-created_at", "-id")


def rule_said(rule: Rule, names: BoardNames) -> dict[str, list[str]]:
    """The rule's conditions (`if`) and actions (`then`) in words."""
    return {
        "if": [condition_words(condition, names) for condition in rule.conditions],
        "then": [action_words(action, names) for action in rule.actions],
    }
