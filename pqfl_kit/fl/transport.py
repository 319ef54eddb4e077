"""Message transports with one interface: in memory (default, no server) and AMQP (RabbitMQ).

Both move opaque byte messages between named queues: ``fl.aggregator`` (clients -> aggregator)
and ``fl.client.<id>`` (aggregator -> one client). ``receive`` returns a ``Delivery`` that the
consumer acknowledges *after* it has processed it, so a crash before the ack means redelivery,
never loss (at-least-once; the aggregator's ``Inbox`` turns redeliveries into harmless
duplicates).

The AMQP transport follows RabbitMQ's reliability guide (https://www.rabbitmq.com/docs/reliability):
durable queues, persistent messages (delivery_mode=2), publisher confirms
(``confirm_delivery``), manual consumer acks, and reconnect-and-retry when the broker goes away
(pika ``BlockingConnection``).
"""
from __future__ import annotations

import collections
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Delivery", "Transport", "MemoryTransport", "AmqpTransport", "AGGREGATOR_QUEUE", "client_queue",
           "make_transport"]

AGGREGATOR_QUEUE = "fl.aggregator"


def client_queue(client_id: str) -> str:
    return f"fl.client.{client_id}"


@dataclass
class Delivery:
    """One received message: its bytes, kind ("hello", "update", "global", "stop"), and ack."""

    body: bytes
    kind: str
    redelivered: bool = False
    _ack: Callable[[], None] = field(default=lambda: None, repr=False)

    def ack(self) -> None:
        self._ack()


class Transport:
    """Interface: ``send(queue, body, kind)``, ``receive(queue, timeout) -> Delivery | None``."""

    bytes_sent: int = 0
    messages_sent: int = 0

    def send(self, queue: str, body: bytes, kind: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def receive(self, queue: str, timeout: float) -> Delivery | None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class MemoryTransport(Transport):
    """Queues in this process's memory: the default for simulations and the notebook."""

    def __init__(self):
        self.queues: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self.bytes_sent = self.messages_sent = 0

    def send(self, queue: str, body: bytes, kind: str) -> None:
        if not isinstance(body, (bytes, bytearray)):
            raise TypeError("message body must be bytes")
        self.queues[queue].append((bytes(body), kind))
        self.bytes_sent += len(body)
        self.messages_sent += 1

    def receive(self, queue: str, timeout: float = 0.0) -> Delivery | None:
        if self.queues[queue]:
            body, kind = self.queues[queue].popleft()
            return Delivery(body, kind)
        return None


class AmqpTransport(Transport):
    """RabbitMQ through pika: durable queues, persistent messages, confirms, acks, reconnects.

    ``url`` is an AMQP URL such as ``amqp://guest:guest@127.0.0.1:5672/%2F``. When the broker is
    unreachable, calls retry for up to ``reconnect_timeout`` seconds before raising.
    """

    def __init__(self, url: str, *, reconnect_timeout: float = 60.0):
        import pika

        self._pika = pika
        self.url, self.reconnect_timeout = url, reconnect_timeout
        self.bytes_sent = self.messages_sent = 0
        self.reconnects = 0
        self._conn: Any = None  # pika.BlockingConnection once connected
        self._channel: Any = None
        self._declared: set[str] = set()
        self._connect()

    # -- connection handling -------------------------------------------------------------------
    def _connect(self) -> None:
        pika = self._pika
        deadline = time.monotonic() + self.reconnect_timeout
        params = pika.URLParameters(self.url)
        params.heartbeat, params.blocked_connection_timeout = 30, 30
        params.connection_attempts, params.socket_timeout = 1, 5
        while True:
            try:
                self._conn = pika.BlockingConnection(params)
                self._channel = self._conn.channel()
                self._channel.confirm_delivery()
                self._channel.basic_qos(prefetch_count=16)
                self._declared = set()
                return
            except pika.exceptions.AMQPError:
                if time.monotonic() > deadline:
                    raise ConnectionError(f"RabbitMQ at {params.host}:{params.port} is unreachable; "
                                          "is the broker running?") from None
                time.sleep(0.5)

    def _reconnect(self) -> None:
        self.reconnects += 1
        try:
            if self._conn is not None and self._conn.is_open:
                self._conn.close()
        except Exception:  # noqa: BLE001 - the old connection is already broken
            pass
        self._connect()

    def _retrying(self, action):
        pika = self._pika
        deadline = time.monotonic() + self.reconnect_timeout
        while True:
            try:
                return action()
            except (pika.exceptions.AMQPConnectionError, pika.exceptions.AMQPChannelError,
                    pika.exceptions.StreamLostError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise
                self._reconnect()

    def _declare(self, queue: str) -> None:
        if queue not in self._declared:
            self._channel.queue_declare(queue=queue, durable=True)
            self._declared.add(queue)

    # -- the interface -------------------------------------------------------------------------
    def send(self, queue: str, body: bytes, kind: str) -> None:
        """Publish persistently and wait for the broker's confirm (retried across reconnects)."""
        if not isinstance(body, (bytes, bytearray)):
            raise TypeError("message body must be bytes")
        props = self._pika.BasicProperties(delivery_mode=2, type=kind)

        def publish():
            self._declare(queue)
            self._channel.basic_publish("", queue, bytes(body), properties=props, mandatory=True)

        self._retrying(publish)
        self.bytes_sent += len(body)
        self.messages_sent += 1

    def receive(self, queue: str, timeout: float = 1.0) -> Delivery | None:
        """Next message of ``queue`` or None after ``timeout`` s; ack it when processed."""
        deadline = time.monotonic() + timeout
        while True:
            def get():
                self._declare(queue)
                return self._channel.basic_get(queue, auto_ack=False)

            method, props, body = self._retrying(get)
            if method is not None:
                channel = self._channel
                tag = method.delivery_tag

                def ack(channel=channel, tag=tag):
                    try:
                        if channel.is_open:
                            channel.basic_ack(tag)
                    except self._pika.exceptions.AMQPError:
                        pass  # the connection died: the broker will redeliver; the inbox dedups

                return Delivery(body, (props.type or ""), bool(method.redelivered), ack)
            if time.monotonic() >= deadline:
                return None
            self._retrying(lambda: self._conn.sleep(0.005))

    def purge(self, *queues: str) -> None:
        """Empty queues (a fresh experiment)."""
        for q in queues:
            def purge(q: str = q) -> None:
                self._declare(q)
                self._channel.queue_purge(q)

            self._retrying(purge)

    def close(self) -> None:
        try:
            if self._conn is not None and self._conn.is_open:
                self._conn.close()
        except Exception:  # noqa: BLE001
            pass


def make_transport(name: str = "memory", *, amqp_url: str | None = None) -> Transport:
    """``"memory"`` or ``"amqp"`` (needs ``amqp_url``)."""
    if name == "memory":
        return MemoryTransport()
    if name == "amqp":
        if not amqp_url:
            raise ValueError("transport='amqp' needs amqp_url='amqp://user:pass@host:port/%2F'.")
        return AmqpTransport(amqp_url)
    raise ValueError(f"Unknown transport {name!r}; choose 'memory' or 'amqp'.")
