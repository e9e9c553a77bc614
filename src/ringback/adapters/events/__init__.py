"""Pushing events to the browsers of signed-in users (server-sent events, issue 6).

`broker.publish(event)` may be called from any thread; each open /events stream
holds a `Subscription` and reads from it on the server's event loop. One process
on SQLite: `LocalBroker` hands events straight to its subscribers. PostgreSQL,
where several app instances share the database: `PostgresBroker` sends each event
through NOTIFY, and every instance LISTENs and fans it out to its own subscribers,
so a user connected to any instance receives it.
"""

from ringback.adapters.events.broker import Broker, Event, LocalBroker, Subscription
from ringback.adapters.events.postgres import PostgresBroker, notify

__all__ = ["Broker", "Event", "LocalBroker", "PostgresBroker", "Subscription", "notify"]
