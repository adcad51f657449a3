"""Every change to automation rules, and the engine that runs them. The rules live here, once.

Configuring: a board's admins create, edit, order and delete its rules; every save checks the
conditions and actions against the shapes of automation.kinds and against the board (its
columns, tags, team), naming each part at fault (`conditions.0.value`), and writes nothing
when one is wrong.

Running (`rules_run`, from automation.tasks, after the change that triggered it committed):
the board's enabled rules for the trigger, in order, each once per event: its RuleRun row is
claimed first, under a unique (rule, ticket, event key), so an event heard twice or a task run
twice runs nothing again. Each rule reads the ticket as the rules before it left it; when its
conditions hold, its actions run in order, each in a transaction of its own through the owning
app's services, as the rule (csboard.core.events `acting`): the ticket's history names the rule,
and the events its changes emit are not run again (the loop guard, automation.tasks). An action
refused (a full column, a person no longer on the team) is recorded with why, and the next
action and the next rule still run.

Trying (`rule_try`): the same work inside a transaction that is rolled back: what would happen,
nothing written, nothing sent (everything after commit is dropped with it)."""

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from automation.kinds import (
    BoardNames,
    Doing,
    Subject,
    action_check,
    action_do,
    action_words,
    condition_check,
    condition_holds,
    condition_words,
)
from automation.models import Rule, RuleRun, Trigger
from automation.selectors import board_triggers_forget
from boards.models import Board
from boards.permissions import Action, require
from csboard.core.aftercommit import after_commit
from csboard.core.events import AUTOMATION, acting
from csboard.core.exceptions import ApplicationError, InvalidInput, NotFound
from csboard.core.ordering import place
from tickets.models import Ticket

logger = logging.getLogger(__name__)

NAME_MAX = Rule._meta.get_field("name").max_length
DETAIL_MAX = RuleRun._meta.get_field("detail").max_length
CONDITIONS_MAX = 20
ACTIONS_MAX = 20


# --- Configuring -------------------------------------------------------------------------------
def rules_check(*, board: Board, conditions, actions) -> tuple[list[dict], list[dict]]:
    """The conditions and actions as stored, or InvalidInput naming each part at fault."""
    names = BoardNames.of(board)
    errors: dict[str, list[str]] = {}
    checked: dict[str, list[dict]] = {"conditions": [], "actions": []}
    for key, items, check, most in (
        ("conditions", conditions, condition_check, CONDITIONS_MAX),
        ("actions", actions, action_check, ACTIONS_MAX),
    ):
        if not isinstance(items, list):
            errors[key] = ["A list."]
            continue
        if len(items) > most:
            errors[key] = [f"At most {most}."]
            continue
        for index, item in enumerate(items):
            try:
                checked[key].append(check(item, names))
            except ValueError as exc:
                for part, why in exc.args[0].items():
                    errors[f"{key}.{index}.{part}"] = [why]
    if not errors and not checked["actions"]:
        errors["actions"] = ["A rule needs at least one action."]
    if errors:
        raise InvalidInput("The rule is not valid: see the errors beside its parts.", fields=errors)
    return checked["conditions"], checked["actions"]


def _check_rule(rule: Rule) -> None:
    errors = {}
    rule.name = " ".join((rule.name or "").split())
    if not rule.name:
        errors["name"] = ["A rule needs a name."]
    elif len(rule.name) > NAME_MAX:
        errors["name"] = [f"At most {NAME_MAX} characters."]
    elif (
        Rule.objects.filter(board_id=rule.board_id)
        .annotate(lower=Lower("name"))
        .filter(lower=rule.name.lower())
        .exclude(pk=rule.pk)
        .exists()
    ):
        errors["name"] = [f"This board already has a rule named “{rule.name}”."]
    if rule.trigger not in Trigger.values:
        errors["trigger"] = [f"One of: {', '.join(Trigger.values)}."]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)


def _save(rule: Rule, **options) -> None:
    try:
        with transaction.atomic():
            rule.save(**options)
    except IntegrityError:  # a rule of the same name saved meanwhile
        message = f"This board already has a rule named “{rule.name}”."
        raise InvalidInput(message, fields={"name": [message]}) from None
    after_commit(board_triggers_forget, rule.board_id)


@transaction.atomic
def rule_create(
    *,
    board: Board,
    by,
    name: str,
    trigger: str,
    actions: list,
    conditions: list | None = None,
    enabled: bool = True,
) -> Rule:
    """A new rule, last in the board's order (board admins only)."""
    require(by, Action.MANAGE, board)
    rule = Rule(board=board, name=name, trigger=trigger, enabled=enabled, created_by=by)
    _check_rule(rule)
    rule.conditions, rule.actions = rules_check(
        board=board, conditions=[] if conditions is None else conditions, actions=actions
    )
    last = Rule.objects.filter(board=board).aggregate(last=Max("position"))["last"]
    rule.position = 0 if last is None else last + 1
    _save(rule)
    return rule


EDITABLE = ("name", "trigger", "conditions", "actions", "enabled")


@transaction.atomic
def rule_update(*, rule: Rule, by, **changes) -> Rule:
    """Change a rule (board admins only): any of its name, trigger, conditions, actions, and
    whether it is enabled. A rule edited while it runs keeps the actions it started with."""
    require(by, Action.MANAGE, rule.board)
    unknown = set(changes).difference(EDITABLE)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    rule = _locked(rule)
    for name, value in changes.items():
        setattr(rule, name, value)
    _check_rule(rule)
    if "conditions" in changes or "actions" in changes:
        rule.conditions, rule.actions = rules_check(
            board=rule.board, conditions=rule.conditions, actions=rule.actions
        )
    _save(rule, update_fields=[*changes, "updated_at"])
    return rule


def _locked(rule: Rule) -> Rule:
    locked = Rule.objects.select_for_update(no_key=True).filter(pk=rule.pk).first()
    if locked is None:
        raise NotFound("This rule was deleted meanwhile.")
    return locked


@transaction.atomic
def rule_move(*, rule: Rule, by, position: int) -> Rule:
    """Put the rule at `position` (0 first) in the order its board's rules run in."""
    require(by, Action.MANAGE, rule.board)
    rule = _locked(rule)
    place(
        list(Rule.objects.filter(board_id=rule.board_id).order_by("position", "id")), rule, position
    )
    return rule


@transaction.atomic
def rule_delete(*, rule: Rule, by) -> None:
    """Delete the rule and its history (board admins only)."""
    require(by, Action.MANAGE, rule.board)
    _locked(rule).delete()
    after_commit(board_triggers_forget, rule.board_id)


# --- Running -----------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What one rule did, or would do, to one ticket."""

    met: bool
    unmet: list[str] = field(default_factory=list)  # the conditions that did not hold
    actions: list[dict] = field(default_factory=list)  # {"action", "ok", "detail"} each

    @property
    def failed(self) -> bool:
        return any(not taken["ok"] for taken in self.actions)

    @property
    def detail(self) -> str:
        if not self.met:
            return f"Not met: {'; '.join(self.unmet)}"[:DETAIL_MAX]
        said = "; ".join(
            taken["detail"] if taken["ok"] else f"{taken['action']} failed: {taken['detail']}"
            for taken in self.actions
        )
        return said[:DETAIL_MAX]


def _evaluate(rule: Rule, ticket: Ticket, names: BoardNames) -> Outcome:
    subject = Subject(ticket, names)
    unmet = [
        condition_words(condition, names)
        for condition in rule.conditions
        if not condition_holds(condition, subject, names)
    ]
    return Outcome(met=not unmet, unmet=unmet)


def _act(rule: Rule, ticket_id: int, outcome: Outcome, names: BoardNames) -> None:
    """Each action in a transaction of its own (a savepoint inside a dry run), as the rule."""
    with acting(AUTOMATION, name=rule.name, id=rule.pk):
        for index, action in enumerate(rule.actions):
            label = action_words(action, names)
            try:
                with transaction.atomic():
                    said = action_do(Doing(rule, index, ticket_id), action)
            except ApplicationError as exc:
                outcome.actions.append({"action": label, "ok": False, "detail": exc.message})
            except Exception:
                logger.exception(
                    "Rule %s, action %s on ticket %s failed", rule.pk, index, ticket_id
                )
                detail = "An unexpected error (logged); the next actions still ran."
                outcome.actions.append({"action": label, "ok": False, "detail": detail})
            else:
                outcome.actions.append({"action": label, "ok": True, "detail": said})


def _claim(rule: Rule, ticket: Ticket, key: str, trigger: str) -> RuleRun | None:
    """This rule's run for this event, written before anything is done; None when it ran."""
    try:
        with transaction.atomic():
            return RuleRun.objects.create(
                rule=rule, board_id=ticket.board_id, ticket=ticket, event_key=key, trigger=trigger
            )
    except IntegrityError:
        return None


def rules_run(*, trigger: str, ticket_id: int, key: str) -> list[RuleRun]:
    """Run the board's enabled rules for `trigger` on the ticket, in order, once for the event
    `key` (see the module). Returns the runs this call made."""
    ticket = Ticket.objects.select_related("board").filter(pk=ticket_id).first()
    if ticket is None:
        return []  # archived or deleted since
    rules = list(Rule.objects.filter(board_id=ticket.board_id, trigger=trigger, enabled=True))
    if not rules:
        return []
    names = BoardNames.of(ticket.board)
    runs = []
    for rule in rules:
        run = _claim(rule, ticket, key, trigger)
        if run is None:
            continue
        current = Ticket.objects.select_related("board", "column").filter(pk=ticket_id).first()
        if current is None:
            run.outcome, run.detail = RuleRun.Outcome.SKIPPED, "The ticket was archived or deleted."
        else:
            outcome = _evaluate(rule, current, names)
            if outcome.met:
                _act(rule, ticket_id, outcome, names)
            run.outcome = (
                RuleRun.Outcome.SKIPPED
                if not outcome.met
                else RuleRun.Outcome.FAILED
                if outcome.failed
                else RuleRun.Outcome.OK
            )
            run.detail, run.actions = outcome.detail, outcome.actions
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "detail", "actions", "finished_at"])
        runs.append(run)
    return runs


class _DryRun(Exception):
    """Rolls the dry run's transaction back."""


def rule_try(*, rule: Rule, ticket: Ticket, by) -> Outcome:
    """What the rule would do to `ticket` now (members and admins: board admins configure,
    members use, guests read): its conditions, and each action's result as if it ran, all of
    it rolled back. The ticket must be one of the rule's board."""
    require(by, Action.WORK, rule.board)
    if ticket.board_id != rule.board_id:
        raise NotFound("No such ticket on this board.")
    names = BoardNames.of(rule.board)
    outcome = _evaluate(rule, ticket, names)
    if outcome.met:
        try:
            with transaction.atomic():
                _act(rule, ticket.pk, outcome, names)
                raise _DryRun
        except _DryRun:
            pass
    return outcome
