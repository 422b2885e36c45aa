"""The reply cache: successful replies by request, within a byte budget."""

from __future__ import annotations

from collections import OrderedDict


class ReplyCache:
    """Successful replies by request, up to ``max_bytes`` in all, least recently used first out.

    A server reads one build of the store at a time, so a reply stays right until the server
    switches to a new build; the app empties the cache in the same step as that switch.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict = OrderedDict()

    def get(self, key):
        reply = self.entries.get(key)
        if reply is not None:
            self.entries.move_to_end(key)
        return reply

    def put(self, key, reply) -> None:
        if reply.status != 200 or len(reply.body) > self.max_bytes // 8 or key in self.entries:
            return
        self.entries[key] = reply
        self.size += len(reply.body)
        while self.size > self.max_bytes:
            _, old = self.entries.popitem(last=False)
            self.size -= len(old.body)

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0
