"""`GcPolicy`: full garbage collections wait until no reply streams."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from grok_tui.ui import gc_policy
from grok_tui.ui.gc_policy import GcPolicy


@pytest.fixture
def restore_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.set_threshold(*threshold)
    gc.unfreeze()


def _gen1_collections(n: int) -> None:
    for _ in range(n):
        gc.collect(1)


def test_start_freezes_startup_objects_and_turns_off_automatic_full_collections(
    restore_gc: None,
) -> None:
    policy = GcPolicy(lambda: False)
    gen0, gen1, _ = gc.get_threshold()
    policy.start()
    try:
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[:2] == (gen0, gen1)
        assert gc.get_threshold()[2] > 10**6
    finally:
        policy.stop()
    assert (
        gc.get_threshold() == (gen0, gen1, gc.get_threshold()[2]) and gc.get_threshold()[2] < 10**6
    )
    assert gc.get_freeze_count() == 0


def test_a_full_collection_runs_only_when_no_reply_streams(restore_gc: None) -> None:
    streaming = True
    policy = GcPolicy(lambda: streaming)
    policy.start()
    try:
        _gen1_collections(gc_policy.FULL_AFTER_GEN1 - 1)
        streaming = False
        assert not policy.tick()  # idle, but not due yet
        streaming = True
        _gen1_collections(1)
        assert not policy.tick()  # due, but busy
        streaming = False
        assert policy.tick()
        assert policy.full_collections == 1
        assert not policy.tick()  # nothing due any more
    finally:
        policy.stop()


def test_a_very_long_stream_still_gets_a_full_collection(
    restore_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gc_policy, "FORCE_AFTER_GEN1", 15)
    policy = GcPolicy(lambda: True)
    policy.start()
    try:
        _gen1_collections(14)
        assert not policy.tick()
        _gen1_collections(1)
        assert policy.tick()
    finally:
        policy.stop()


def test_an_idle_full_collection_gives_freed_memory_back_but_a_forced_one_does_not(
    restore_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    trims: list[int] = []
    monkeypatch.setattr(gc_policy, "_malloc_trim", lambda: trims.append)
    monkeypatch.setattr(gc_policy, "FORCE_AFTER_GEN1", 15)
    streaming = True
    policy = GcPolicy(lambda: streaming)
    policy.start()
    try:
        _gen1_collections(15)
        assert policy.tick()  # forced in a long stream: no trim on top of it
        assert trims == []
        streaming = False
        _gen1_collections(gc_policy.FULL_AFTER_GEN1)
        assert policy.tick()
        assert trims == [0]  # malloc_trim(0) after the idle collection
    finally:
        policy.stop()


def test_the_first_idle_tick_after_a_reply_gives_freed_memory_back(
    restore_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    trims: list[int] = []
    monkeypatch.setattr(gc_policy, "_malloc_trim", lambda: trims.append)
    streaming = False
    policy = GcPolicy(lambda: streaming)
    policy.start()
    try:
        assert not policy.tick()
        assert trims == []  # idle from the start: nothing was freed by a reply
        streaming = True
        assert not policy.tick()
        assert trims == []  # never while streaming
        streaming = False
        assert not policy.tick()  # no full collection due, but the reply ended
        assert trims == [0]
        assert not policy.tick()
        assert trims == [0]  # once per reply
    finally:
        policy.stop()


def test_a_reply_too_quick_for_the_ticks_is_still_followed_by_a_trim(
    restore_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reply that streamed between two ticks was never seen busy: before
    `reply_ended`, no trim followed it at all."""
    trims: list[int] = []
    monkeypatch.setattr(gc_policy, "_malloc_trim", lambda: trims.append)
    policy = GcPolicy(lambda: False)
    policy.start()
    try:
        assert not policy.tick()
        policy.reply_ended()  # the whole reply came and went between ticks
        assert not policy.tick()
        assert trims == [0]
        assert not policy.tick()
        assert trims == [0]  # once per reply
    finally:
        policy.stop()


def test_tune_allocator_sets_glibc_options_or_does_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[int, int]] = []

    class FakeLibc:
        class mallopt:  # noqa: N801 - stands for the C function
            argtypes: object = None
            restype: object = None

            def __new__(cls, param: int, value: int) -> int:  # type: ignore[misc]
                calls.append((param, value))
                return 1

    monkeypatch.setattr(gc_policy, "_libc", lambda: FakeLibc)
    assert gc_policy.tune_allocator() is True
    assert calls == [(-3, 128 * 1024), (-8, gc_policy.ARENA_MAX)]
    monkeypatch.setattr(gc_policy, "_libc", lambda: None)
    assert gc_policy.tune_allocator() is False


def test_release_free_memory_is_harmless_where_there_is_no_glibc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gc_policy, "_malloc_trim", lambda: None)
    assert gc_policy.release_free_memory() is False


def test_cyclic_garbage_made_while_streaming_is_freed_after_the_stream(restore_gc: None) -> None:
    import weakref

    class Node:
        pass

    streaming = True
    policy = GcPolicy(lambda: streaming)
    policy.start()
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a  # type: ignore[attr-defined]
        ref = weakref.ref(a)
        gc.collect(1)  # survives into the oldest generation while "streaming"
        gc.collect(1)
        del a, b
        _gen1_collections(gc_policy.FULL_AFTER_GEN1)
        assert not policy.tick()
        assert ref() is not None  # no full collection while streaming
        streaming = False
        assert policy.tick()
        assert ref() is None
    finally:
        policy.stop()


async def test_the_app_runs_the_policy_while_it_runs_and_gives_it_back(
    make_app: Callable[..., Any], restore_gc: None
) -> None:
    from tests.ui.conftest import wait_for

    normal = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.gc_policy.active, what="the policy to start")
        assert gc.get_threshold()[2] > 10**6 and gc.get_freeze_count() > 0
        assert app.gc_policy._busy() is False
    assert gc.get_threshold() == normal and gc.get_freeze_count() == 0


async def test_the_app_gives_memory_back_right_after_each_reply(
    make_app: Callable[..., Any], restore_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each reply is followed by a trim on the tick the chat screen asks for
    as it ends, not one a second later (or none): the regular tick is made
    too rare to do it here."""
    from grok_tui.ui import app as app_module
    from tests.ui.conftest import wait_for

    trims: list[int] = []
    monkeypatch.setattr(gc_policy, "_malloc_trim", lambda: trims.append)
    monkeypatch.setattr(app_module, "GC_TICK_SECONDS", 3600.0)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.chat
        app.gc_policy.start()  # the regular tick, which would start it, is an hour away
        for n in (1, 2):
            chat.prompt.set_text(f"reply {n} scenario:markdown tokens:50")
            chat.prompt.focus()
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda n=n: (
                    sum(m.role == "assistant" for m in chat.session.messages) == n
                    and not chat.is_streaming
                ),
                what=f"reply {n} to end",
            )
            await wait_for(pilot, lambda n=n: len(trims) == n, what=f"the trim after reply {n}")
