"""Celery's Redis transport, made to survive the broker going away.

When the connection to Redis drops, the worker (celery 5.7) first collects the broken connection,
which detaches it from its transport, and then closes it. Closing the channel restores the
messages it holds unacknowledged (acks_late tasks, ETA tasks), which needs a fresh Redis
client, built from the transport's connection details that are gone by then: the worker died
with `Unrecoverable error: AttributeError("'NoneType' object has no attribute 'hostname'")`.
Those messages are safe where they are: Redis keeps every unacknowledged message until it is
acknowledged, and the transport restores it to its queue once the visibility timeout has passed,
so the close skips the restore instead, and the worker reconnects."""

import logging

from kombu.transport import redis

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def restore_unacked(self, client=None):
        if client is None and self.channel.connection.client is None:
            logger.warning(
                "Broker connection lost: %d unacknowledged message(s) stay in Redis and return "
                "to their queue after the visibility timeout",
                len(self._delivered),
            )
            self._delivered.clear()
            return
        super().restore_unacked(client)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
