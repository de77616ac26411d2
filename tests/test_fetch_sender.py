"""The fetch side's hand-off to the run: pages go over in lists, in order, none lost."""

from __future__ import annotations

import asyncio
from typing import Any

from audit.runs import fetching
from audit.runs.fetching import _Sender


def test_pages_go_over_in_lists_in_order_and_close_sends_the_rest() -> None:
    sent: list[list[Any]] = []
    refused = [True]  # the first hand-off finds the queue full, the blocking retry succeeds

    def put(items: Any, block: bool = True) -> bool:
        if not block and refused[0]:
            refused[0] = False
            return False
        sent.append(list(items))
        return True

    async def go() -> None:
        sender = _Sender(put)
        for i in range(100):
            await sender.add(i)
            if i % 10 == 9:
                await asyncio.sleep(0)  # an event-loop turn, as between two responses
        await sender.close()

    asyncio.run(go())
    assert [x for items in sent for x in items] == list(range(100))
    assert all(isinstance(items, list) for items in sent)
    assert len(sent) < 100 and max(len(items) for items in sent) <= fetching._BATCH_MAX


def test_a_full_list_makes_the_fetch_loop_wait(monkeypatch: Any) -> None:
    monkeypatch.setattr(fetching, "_BATCH_MAX", 4)
    sent: list[list[Any]] = []

    async def go() -> list[int]:
        sender = _Sender(lambda items, block=True: sent.append(list(items)) or True)
        waited = []
        for i in range(10):
            before = len(sent)
            await sender.add(i)
            waited.append(len(sent) - before)
        await sender.close()
        return waited

    waited = asyncio.run(go())
    assert [x for items in sent for x in items] == list(range(10))
    assert any(waited)  # add() returned only once a list had gone over
