"""The in-process broker: subscriptions are asyncio queues on their own event loop."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

QUEUE_SIZE = 1000  # pops are small; a stalled stream drops beyond this


@dataclass(frozen=True)
class Event:
    """Something to show: `kind` names it (the SSE event name), `owner` is the owner of
    the contact it is about (None: the team's, or nobody's), `data` is JSON-ready."""

    kind: str
    owner: str | None
    data: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "owner": self.owner, "data": self.data})

    @classmethod
    def from_json(cls, text: str) -> Event:
        raw = json.loads(text)
        return cls(raw["kind"], raw["owner"], raw["data"])


@dataclass(eq=False)
class Subscription:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))

    async def next(self, timeout: float) -> Event | None:
        """The next event, or None when none came within `timeout` seconds."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None

    def offer(self, event: Event) -> None:
        """Called on the subscription's loop: a stalled reader loses events, not memory."""
        if not self.queue.full():
            self.queue.put_nowait(event)


class Broker(Protocol):
    def publish(self, event: Event) -> None:
        """Deliver `event` to every subscriber (thread-safe; never blocks for long)."""

    async def subscribe(self) -> Subscription: ...

    def unsubscribe(self, subscription: Subscription) -> None: ...

    async def close(self) -> None: ...


class LocalBroker:
    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()
        self._lock = threading.Lock()

    def publish(self, event: Event) -> None:
        self.deliver(event)

    def deliver(self, event: Event) -> None:
        """Hand `event` to this process's subscribers, each on its own loop."""
        with self._lock:
            subscriptions = list(self._subscriptions)
        here = _running_loop()
        for subscription in subscriptions:
            if subscription.loop is here:  # on its own loop: no round through the queue
                subscription.offer(event)
                continue
            try:
                subscription.loop.call_soon_threadsafe(subscription.offer, event)
            except RuntimeError:  # its loop has closed: the stream is gone
                self.unsubscribe(subscription)

    async def subscribe(self) -> Subscription:
        subscription = Subscription(asyncio.get_running_loop())
        with self._lock:
            self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._subscriptions)

    async def close(self) -> None:
        return None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
