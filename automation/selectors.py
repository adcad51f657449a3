"""Reads of rules and their history, with the joins that keep pages and lists flat."""

from django.core.cache import cache
from django.db.models import QuerySet

from automation.kinds import BoardNames, action_words, condition_words
from automation.models import Rule, RuleRun
from boards.models import Board

# Which triggers a board has enabled rules for, asked after every change to any ticket: cached,
# so that a board without rules pays no query for them (a move stays within its statements).
# Forgotten on every change to the board's rules (automation.services), and after an hour.
TRIGGERS_TIMEOUT = 3600


def _triggers_key(board_id: int) -> str:
    return f"automation:triggers:{board_id}"


def board_triggers(board_id: int) -> frozenset[str]:
    def read() -> list[str]:
        rules = Rule.objects.filter(board_id=board_id, enabled=True)
        return sorted(set(rules.values_list("trigger", flat=True)))

    return frozenset(cache.get_or_set(_triggers_key(board_id), read, TRIGGERS_TIMEOUT))


def board_triggers_forget(board_id: int) -> None:
    cache.delete(_triggers_key(board_id))


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
