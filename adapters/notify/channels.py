"""Live updates through Litestar channels: one channel per student plus one for admins.

The memory backend serves one process; with REDIS_URL the Redis pub/sub backend makes
an event published on one API instance reach subscribers of every other instance.
"""

from __future__ import annotations

from collections.abc import Sequence

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend

from application.event_payload import ADMIN_CHANNEL, event_payload, student_channel
from domain.events import DomainEvent


def build_channels(redis_url: str | None) -> ChannelsPlugin:
    if redis_url:
        from redis.asyncio import Redis

        backend: object = RedisChannelsPubSubBackend(redis=Redis.from_url(redis_url),
                                                     key_prefix="SKILLPAY_EVENTS")
    else:
        backend = MemoryChannelsBackend()
    return ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True,  # type: ignore[arg-type]
                          subscriber_max_backlog=1000, subscriber_backlog_strategy="dropleft")


class ChannelsNotifier:
    def __init__(self, channels: ChannelsPlugin) -> None:
        self._channels = channels

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            payload = event_payload(event)
            await self._channels.wait_published(
                payload, [student_channel(event.student_id), ADMIN_CHANNEL])
