"""Rules on the conftest's board, and events that run them as production does: after commit,
through the Celery task (eager: in this thread, as soon as it is enqueued)."""

import pytest

from automation.services import rule_create
from boards.services import tag_create


@pytest.fixture
def committed(celery_eager, django_capture_on_commit_callbacks):
    """`with committed():` runs what the block queued for after commit (the rules among it)."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture
def vip(board):
    return tag_create(board=board, name="VIP")


@pytest.fixture
def make_rule(board, admin_user):
    def make(name="VIP first", trigger="created", conditions=(), actions=None, **options):
        actions = actions or [{"type": "set_priority", "value": "high"}]
        return rule_create(
            board=board, by=admin_user, name=name, trigger=trigger,
            conditions=list(conditions), actions=actions, **options,
        )  # fmt: skip

    return make
