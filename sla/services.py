"""SLA writes: setting a board's policy. The reminders it gives rise to are written and delivered
by the reminders app (reminders.services)."""

from django.db import transaction

from boards.locks import lock_board
from boards.models import Board
from csboard.core.validation import full_clean_or_raise
from sla.models import SlaPolicy
from sla.selectors import forget_policy


@transaction.atomic
def sla_policy_set(*, board: Board, replace: bool = False, **fields) -> SlaPolicy:
    """Set the board's policy. `replace`: the fields not given go back to their defaults (PUT);
    otherwise they keep their current values (PATCH). Existing tickets keep their deadlines."""
    lock_board(board.pk)  # two first saves at once: the second waits, then updates
    current = SlaPolicy.objects.filter(board_id=board.pk).first()
    policy = SlaPolicy(board=board)
    if current is not None:
        policy._state.adding = False
        if not replace:
            policy = current
    unknown = set(fields) - {f.name for f in SlaPolicy._meta.concrete_fields}
    if unknown or "board" in fields:
        raise ValueError(f"Unknown SLA policy field(s): {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(policy, name, value)
    full_clean_or_raise(policy, exclude=["board"], validate_unique=False)
    policy.save(force_insert=current is None, force_update=current is not None)
    forget_policy(board)
    return policy
