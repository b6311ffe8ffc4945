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
