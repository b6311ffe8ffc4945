"""The turn controller without an app: a scripted stream, a recording view."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from grok_tui.api import events as ev
from grok_tui.api.chat_request import ChatRequest
from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.errors import APIConnectionError, ServerError, XAIError
from grok_tui.chat import tree
from grok_tui.chat.attachments import AttachmentError, attachment_from_input
from grok_tui.chat.edit import Draft, begin_edit_last
from grok_tui.chat.phase import TurnPhase
from grok_tui.chat.request_builder import build_request
from grok_tui.chat.session import Attachment, Message, MessageStatus, Session
from grok_tui.chat.turn_controller import (
    CHECKPOINT_INTERVAL,
    Refusal,
    Refused,
    Turn,
    TurnController,
    TurnOutcome,
    TurnView,
    Unsent,
)
from grok_tui.fake import FakeConfig, FakeTransport, FakeXAI

#: A script item: the stream waits for data (one event-loop round), as a
#: network read that finds nothing buffered does.
SUSPEND = "suspend"

# A script item: an event to yield, a function to call between events, or an
# asyncio.Event to wait for (a stream that has gone quiet), an exception, or
# SUSPEND.
Step = ev.StreamEvent | Callable[[], None] | asyncio.Event | Exception | str


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class RecordingView:
    """Implements `TurnView`, recording each call as a tuple."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.text: list[str] = []

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]

    def phases(self) -> list[tuple[TurnPhase, str, float | None]]:
        return [c[1:] for c in self.calls if c[0] == "phase"]

    def phase_changed(self, phase: TurnPhase, detail: str, seconds: float | None) -> None:
        self.calls.append(("phase", phase, detail, seconds))

    def server_alive(self) -> None:
        self.calls.append(("alive",))

    def prompt_accepted(self, text: str, attachments: Sequence[Attachment]) -> None:
        self.calls.append(("accepted", text, list(attachments)))

    async def message_added(self, message: Message) -> None:
        await asyncio.sleep(0)  # a mount takes a loop iteration or more
        self.calls.append(("added", message.role))

    async def messages_truncated(self, count: int) -> None:
        await asyncio.sleep(0)
        self.calls.append(("truncated", count))

    def turn_started(self, reply: Message, prompt: str) -> None:
        self.calls.append(("started", prompt))

    def text_appended(self, reply: Message, text: str) -> None:
        self.text.append(text)

    def meta_changed(self, reply: Message) -> None:
        self.calls.append(("meta",))

    def tool_event(self, event: ev.StreamEvent, reply: Message) -> None:
        self.calls.append(("tool", event.kind))

    def reasoning_ticked(self, reply: Message, seconds: float | None) -> None:
        self.calls.append(("tick", seconds))

    def usage_changed(self) -> None:
        self.calls.append(("usage",))

    def turn_ended(self, reply: Message, outcome: TurnOutcome) -> None:
        self.calls.append(("ended", outcome))

    def unsent_restored(self, unsent: Unsent, error: XAIError) -> None:
        self.calls.append(("restored", unsent, error.summary()))


class Harness:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session if session is not None else Session(model="grok-test")
        self.clock = Clock()
        self.view = RecordingView()
        self.script: list[Step] = []
        #: (clock time, messages, last reply text) at each checkpoint.
        self.saves: list[tuple[float, int, str]] = []
        self.requests: list[ChatRequest] = []
        self.controller = TurnController(
            self.session,
            stream=self.stream,
            build_request=build_request,
            checkpoint=self.save,
            view=self.view,
            clock=self.clock,
            wall=self.clock,
        )

    async def stream(self, request: ChatRequest) -> AsyncIterator[ev.StreamEvent]:
        self.requests.append(request)
        for step in self.script:
            if isinstance(step, asyncio.Event):
                await step.wait()
            elif step == SUSPEND:
                await asyncio.sleep(0)
            elif isinstance(step, Exception):
                raise step
            elif callable(step):
                step()
            else:
                yield step

    def save(self, session: Session) -> None:
        last = session.messages[-1].text if session.messages else ""
        self.saves.append((self.clock.now, len(session.messages), last))

    async def turn(self, text: str = "hello", **kw: Any) -> Turn:
        turn = await self.controller.send(text, **kw)
        assert isinstance(turn, Turn), turn
        return turn


def completed(text: str = "") -> ev.Completed:
    return ev.Completed(response_id="resp_1", model="grok-test", text=text)


def check_protocol(view: TurnView) -> None:
    """The recording view is a `TurnView` for the type checker."""


check_protocol(RecordingView())


async def test_send_streams_and_completes() -> None:
    h = Harness()
    h.script = [
        ev.ResponseStarted("resp_1", "grok-test"),
        ev.TextDelta("Hel"),
        ev.TextDelta("lo\x1b[31m!"),
        completed(),
    ]
    turn = await h.turn("hi there")
    assert h.controller.busy and h.controller.reply is turn.reply
    assert h.view.names()[:5] == ["accepted", "phase", "added", "added", "started"]
    assert h.view.calls[0] == ("accepted", "hi there", [])
    assert h.requests == [] and h.saves == [(100.0, 2, "")]  # checkpointed before streaming

    await h.controller.run_turn(turn)

    user, reply = h.session.messages
    assert (user.role, user.text) == ("user", "hi there")
    assert reply is turn.reply and reply.status == MessageStatus.COMPLETE
    assert reply.text == "Hello!" and h.view.text == ["Hel", "lo!"]
    assert h.session.title == "hi there"
    assert [p for p, _, _ in h.view.phases()] == [
        TurnPhase.SENDING,
        TurnPhase.STREAMING,
        TurnPhase.IDLE,
    ]
    assert ("ended", TurnOutcome.COMPLETED) in h.view.calls
    assert h.view.names()[-3:] == ["ended", "phase", "usage"]
    assert h.saves[-1] == (100.0, 2, "Hello!")
    assert not h.controller.busy and h.controller.reply is None
    assert h.controller.phase is TurnPhase.IDLE and h.controller.unsent is None


async def test_stop_mid_stream_keeps_the_partial_reply() -> None:
    h = Harness()
    quiet = asyncio.Event()  # never set: the server goes quiet
    h.script = [ev.TextDelta("partial "), ev.TextDelta("answer"), quiet, completed()]
    turn = await h.turn()
    task = asyncio.create_task(h.controller.run_turn(turn))
    while h.view.text != ["partial ", "answer"]:
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    reply = h.session.messages[-1]
    assert reply.status == MessageStatus.STOPPED and reply.text == "partial answer"
    assert h.controller.phase is TurnPhase.STOPPED and not h.controller.busy
    assert ("ended", TurnOutcome.STOPPED) in h.view.calls
    assert h.saves[-1] == (100.0, 2, "partial answer")  # the stop is checkpointed
    assert len(h.session.messages) == 2  # nothing taken back


async def test_failure_before_any_content_gives_the_prompt_back(png_file: Path) -> None:
    h = Harness()
    att = attachment_from_input(str(png_file))
    h.script = [
        ev.Retrying(attempt=1, delay_s=0.5, error=ServerError("Busy.", status=503)),
        ev.Failed(APIConnectionError("Cannot connect."), partial=False),
    ]
    turn = await h.turn("my question", attachments=[att])
    await h.controller.run_turn(turn)

    assert h.session.messages == []
    unsent = Unsent("my question", [att])
    assert h.controller.unsent == unsent
    names = h.view.names()
    assert names[-6:] == ["tool", "ended", "phase", "usage", "truncated", "restored"]
    assert ("ended", TurnOutcome.NOT_STARTED) in h.view.calls
    assert h.view.calls[-2] == ("truncated", 0)
    assert h.view.calls[-1] == ("restored", unsent, "Cannot connect.")
    assert h.view.phases()[-1] == (TurnPhase.FAILED, "Cannot connect.", None)
    assert h.saves[-1][1] == 0  # the empty chat is what is saved last
    # The next send clears it.
    h.script = [ev.TextDelta("ok"), completed()]
    await h.controller.run_turn(await h.turn("my question"))
    assert h.controller.unsent is None


async def test_failure_after_content_keeps_the_partial_reply() -> None:
    h = Harness()
    h.script = [
        ev.TextDelta("half an"),
        ev.Failed(ServerError("Stream broke.", status=500), partial=True, text="half an"),
    ]
    await h.controller.run_turn(await h.turn())
    reply = h.session.messages[-1]
    assert len(h.session.messages) == 2 and reply.text == "half an"
    assert reply.status == MessageStatus.FAILED and reply.error is not None
    assert ("ended", TurnOutcome.FAILED) in h.view.calls
    assert h.controller.phase is TurnPhase.FAILED and h.controller.unsent is None
    assert "restored" not in h.view.names()


async def test_a_regenerate_that_never_starts_is_not_taken_back() -> None:
    h = Harness()
    h.script = [ev.TextDelta("first"), completed()]
    await h.controller.run_turn(await h.turn())
    h.script = [ev.Failed(APIConnectionError("Cannot connect."), partial=False)]
    turn = await h.controller.regenerate()
    assert isinstance(turn, Turn) and turn.restore is None
    await h.controller.run_turn(turn)
    assert len(h.session.messages) == 2
    assert h.session.messages[-1].status == MessageStatus.FAILED
    assert ("ended", TurnOutcome.FAILED) in h.view.calls and "restored" not in h.view.names()


async def test_retrying_then_keepalive_then_text() -> None:
    h = Harness()
    h.script = [
        ev.Retrying(
            attempt=1, delay_s=2.0, error=ServerError("Overloaded. Try later.", status=503)
        ),
        ev.KeepAlive(1.0),
        ev.KeepAlive(2.0),
        ev.TextDelta("ok"),
        ev.KeepAlive(3.0),  # after content: nothing to say
        completed(),
    ]
    await h.controller.run_turn(await h.turn())
    phases = h.view.phases()
    assert phases[1] == (TurnPhase.RETRYING, "HTTP 503: Overloaded.", 2.0)
    assert phases[2:] == [
        (TurnPhase.SENDING, "", None),
        (TurnPhase.STREAMING, "", None),
        (TurnPhase.IDLE, "", None),
    ]
    assert h.view.names().count("alive") == 2
    assert h.session.messages[-1].retries[0].attempt == 1


async def test_thinking_then_search_phases_and_the_live_tick() -> None:
    h = Harness()

    def think_for(seconds: float) -> Callable[[], None]:
        def step() -> None:
            h.clock.now += seconds
            h.controller.tick()

        return step

    h.script = [
        ev.ReasoningStarted(),
        think_for(3.0),
        ev.ReasoningDelta("hmm"),
        think_for(2.0),
        ev.ReasoningFinished(5.0),
        ev.ToolCallStarted("c1", "web_search\x1b", ev.ToolKind.WEB_SEARCH, "{}"),
        ev.ToolCallUpdated("c1", ev.ToolPhase.SEARCHING),
        ev.ToolCallFinished(
            "c1", "web_search", ev.ToolKind.WEB_SEARCH, ev.ToolPhase.COMPLETED, "{}"
        ),
        think_for(1.0),  # thinking is over: no tick
        ev.TextDelta("answer"),
        completed(),
    ]
    await h.controller.run_turn(await h.turn())
    assert [c for c in h.view.calls if c[0] == "tick"] == [("tick", 3.0), ("tick", 5.0)]
    assert [p[:2] for p in h.view.phases()] == [
        (TurnPhase.SENDING, ""),
        (TurnPhase.THINKING, ""),
        (TurnPhase.SEARCHING, "web_search"),
        (TurnPhase.STREAMING, ""),
        (TurnPhase.IDLE, ""),
    ]
    assert h.view.phases()[1][2] == 0.0  # thinking from 0 s
    tools = [c[1] for c in h.view.calls if c[0] == "tool"]
    assert tools == [
        "reasoning_started",
        "reasoning_finished",
        "tool_call_started",
        "tool_call_updated",
        "tool_call_finished",
        "completed",
    ]
    assert h.session.messages[-1].reasoning_seconds == 5.0
    h.controller.tick()  # after the turn: nothing
    assert h.view.calls[-1][0] == "usage"


async def test_checkpoints_at_most_once_an_interval_with_the_injected_clock() -> None:
    h = Harness()
    step = CHECKPOINT_INTERVAL / 4

    def later() -> None:
        h.clock.now += step

    h.script = []
    for i in range(10):
        h.script += [later, ev.TextDelta(f"{i}")]
    h.script.append(completed())
    await h.controller.run_turn(await h.turn())
    times = [t for t, _, _ in h.saves]
    assert times == [100.0, 101.0, 102.0, 102.5]  # start, two while streaming, end
    assert h.saves[1][2] == "0123"  # the text so far at that moment


class _CountingAsyncio:
    """`asyncio` for the controller's module, counting its `sleep` calls
    (the forced yields to the event loop)."""

    def __init__(self) -> None:
        self.sleeps = 0

    async def sleep(self, delay: float) -> None:
        self.sleeps += 1
        await asyncio.sleep(delay)

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)


@pytest.mark.parametrize("waits", [True, False])
async def test_forced_yields_only_when_the_stream_never_waits(
    waits: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each event takes 3 ms of the (injected) clock, so every third event
    passes `YIELD_EVERY`. A stream that waits for data between events (a
    paced network read) gives the loop its turn by itself: no forced yields.
    A stream that never waits (buffered data) is interrupted every 8 ms."""
    import grok_tui.chat.turn_controller as controller_module

    counting = _CountingAsyncio()
    monkeypatch.setattr(controller_module, "asyncio", counting)
    h = Harness()

    def busy() -> None:
        h.clock.now += 0.003

    h.script = []
    for i in range(30):
        h.script += [SUSPEND] if waits else []
        h.script += [busy, ev.TextDelta(f"{i} ")]
    h.script.append(completed())
    await h.controller.run_turn(await h.turn())
    assert h.session.messages[-1].text == "".join(f"{i} " for i in range(30))
    if waits:
        assert counting.sleeps == 0
    else:
        assert counting.sleeps == controller_module.YIELD_ROUNDS * 10


async def test_regenerate_adds_a_version_beside_the_last_reply() -> None:
    h = Harness()
    h.script = [ev.TextDelta("first answer"), completed()]
    await h.controller.run_turn(await h.turn("question"))
    h.view.calls.clear()
    h.script = [ev.TextDelta("second answer"), completed()]
    turn = await h.controller.regenerate()
    assert isinstance(turn, Turn)
    assert h.view.calls == [
        ("truncated", 1),
        ("added", "assistant"),
        ("phase", TurnPhase.SENDING, "", None),
        ("started", "question"),
    ]
    await h.controller.run_turn(turn)
    assert [m.text for m in h.session.messages] == ["question", "second answer"]
    assert h.requests[-1].messages[-1].text == "question"
    assert len(h.requests[-1].messages) == 1
    # The first answer is kept as version 1 of 2 (nothing deleted).
    assert [m.text for m in h.session.off_path] == ["first answer"]
    assert tree.position(h.session, h.session.messages[-1].id) == (2, 2)


async def test_a_regenerate_that_cannot_be_built_keeps_the_reply_chosen(png_file: Path) -> None:
    h = Harness()
    h.script = [ev.TextDelta("answer"), completed()]
    await h.controller.run_turn(
        await h.turn("look", attachments=[attachment_from_input(str(png_file))])
    )
    before = list(h.session.messages)
    png_file.unlink()
    h.view.calls.clear()
    refused = await h.controller.regenerate()
    assert isinstance(refused, Refused) and refused.reason is Refusal.BAD_ATTACHMENT
    assert h.session.messages == before and h.session.off_path == []
    assert h.view.calls == [] and not h.controller.busy


async def test_regenerate_refusals() -> None:
    h = Harness()
    assert await h.controller.regenerate() == Refused(
        Refusal.NOTHING_TO_REGENERATE, "Nothing to regenerate yet."
    )
    assert h.view.calls == []


async def test_edit_replaces_from_the_message_only_when_sent() -> None:
    h = Harness()
    for text in ("one", "two"):
        h.script = [ev.TextDelta(f"re {text}"), completed()]
        await h.controller.run_turn(await h.turn(text))
    before = list(h.session.messages)

    edit = begin_edit_last(h.session, Draft())
    assert (edit.index, edit.text, edit.attachments) == (2, "two", [])
    assert h.session.messages == before  # choosing to edit changes nothing

    h.view.calls.clear()
    h.script = [ev.TextDelta("re TWO"), completed()]
    await h.controller.run_turn(await h.turn("TWO", edit=edit))
    assert [m.text for m in h.session.messages] == ["one", "re one", "TWO", "re TWO"]
    assert h.session.messages[:2] == before[:2]
    assert h.view.calls[:2] == [("accepted", "TWO", []), ("phase", TurnPhase.SENDING, "", None)]
    assert ("truncated", 2) in h.view.calls
    assert [m.text for m in h.requests[-1].messages] == ["one", "re one", "TWO"]
    # The edited message and its reply stay, as the other branch.
    assert [m.text for m in h.session.off_path] == ["two", "re two"]
    assert tree.position(h.session, h.session.messages[2].id) == (2, 2)


async def test_an_edit_that_never_starts_puts_the_replaced_messages_back() -> None:
    h = Harness()
    for text in ("one", "two"):
        h.script = [ev.TextDelta(f"re {text}"), completed()]
        await h.controller.run_turn(await h.turn(text))
    before = list(h.session.messages)
    h.view.calls.clear()
    h.script = [ev.Failed(APIConnectionError("Cannot connect."), partial=False)]
    edit = begin_edit_last(h.session, Draft())
    await h.controller.run_turn(await h.turn("TWO", edit=edit))
    assert h.session.messages == before  # nothing lost
    assert h.session.off_path == [] and tree.branch_count(h.session) == 1  # no fork left
    assert h.view.calls[-4:-1] == [("truncated", 2), ("added", "user"), ("added", "assistant")]
    unsent = h.controller.unsent
    assert unsent is not None and unsent.text == "TWO" and unsent.edit is edit
    assert edit.forked_id is None and edit.is_current(h.session)  # undone, pending again
    assert h.saves[-1][1] == 4
    # Resent as the same edit.
    h.script = [ev.TextDelta("re TWO"), completed()]
    await h.controller.run_turn(await h.turn(unsent.text, edit=unsent.edit))
    assert [m.text for m in h.session.messages] == ["one", "re one", "TWO", "re TWO"]


async def test_an_edit_that_cannot_be_sent_changes_nothing(png_file: Path) -> None:
    h = Harness()
    h.script = [ev.TextDelta("re one"), completed()]
    await h.controller.run_turn(await h.turn("one"))
    before, title, updated = list(h.session.messages), h.session.title, h.session.updated_at
    gone = attachment_from_input(str(png_file))
    png_file.unlink()
    edit = begin_edit_last(h.session, Draft())
    refused = await h.controller.send("ONE", [gone], edit=edit)
    assert isinstance(refused, Refused) and refused.reason is Refusal.BAD_ATTACHMENT
    assert refused.message.startswith("Not sent: ")
    assert h.session.messages == before and h.session.title == title
    assert h.session.updated_at == updated and not h.controller.busy
    assert edit.forked_id is None and edit.is_current(h.session)


async def test_an_edit_whose_message_has_gone_is_a_plain_send() -> None:
    """As the chat screen always did: the edit no longer applies, the text is sent."""
    h = Harness()
    h.script = [ev.TextDelta("re one"), completed()]
    await h.controller.run_turn(await h.turn("one"))
    edit = begin_edit_last(h.session, Draft())
    h.session.messages.clear()
    h.script = [ev.TextDelta("re x"), completed()]
    await h.controller.run_turn(await h.turn("x", edit=edit))
    assert [m.text for m in h.session.messages] == ["x", "re x"]
    assert edit.forked_id is None


async def test_a_failed_first_send_leaves_an_untitled_chat_untitled(png_file: Path) -> None:
    h = Harness()
    gone = attachment_from_input(str(png_file))
    png_file.unlink()
    refused = await h.controller.send("a title", [gone])
    assert isinstance(refused, Refused) and refused.reason is Refusal.BAD_ATTACHMENT
    assert h.session.messages == [] and h.session.title == ""
    assert h.view.calls == [] and h.saves == []


async def test_a_second_send_while_streaming_is_refused() -> None:
    h = Harness()
    go_on = asyncio.Event()
    h.script = [ev.TextDelta("busy"), go_on, completed()]
    turn = await h.turn("first")
    task = asyncio.create_task(h.controller.run_turn(turn))
    while not h.view.text:
        await asyncio.sleep(0)
    busy = Refused(Refusal.BUSY, "A reply is still streaming: Esc stops it.")
    assert await h.controller.send("second") == busy
    assert await h.controller.regenerate() == busy
    assert len(h.session.messages) == 2 and len(h.requests) == 1
    with pytest.raises(RuntimeError):
        h.controller.switch_session(Session())
    go_on.set()
    await task
    assert h.session.messages[-1].status == MessageStatus.COMPLETE
    assert await h.controller.send("   ") == Refused(Refusal.EMPTY, "")


async def test_a_second_send_while_the_first_mounts_is_refused() -> None:
    h = Harness()
    first = asyncio.create_task(h.controller.send("first"))
    await asyncio.sleep(0)  # inside the first's message_added
    assert await h.controller.send("second") == Refused(
        Refusal.BUSY, "A reply is still streaming: Esc stops it."
    )
    assert isinstance(await first, Turn)
    assert [m.text for m in h.session.messages] == ["first", ""]


async def test_an_exception_in_the_stream_keeps_the_partial_reply() -> None:
    h = Harness()
    h.script = [ev.TextDelta("so far"), RuntimeError("decoder bug")]
    await h.controller.run_turn(await h.turn())
    reply = h.session.messages[-1]
    assert len(h.session.messages) == 2 and reply.text == "so far"
    assert reply.status == MessageStatus.FAILED
    assert reply.error is not None and reply.error.message == "Internal error: decoder bug"
    assert h.view.phases()[-1] == (TurnPhase.FAILED, "Internal error: decoder bug", None)
    assert ("ended", TurnOutcome.FAILED) in h.view.calls and not h.controller.busy
    assert h.saves[-1][2] == "so far"


async def test_an_exception_before_any_content_is_not_taken_back() -> None:
    """Only a `Failed` from the client means "never started": a bug is shown."""
    h = Harness()
    h.script = [RuntimeError("boom")]
    await h.controller.run_turn(await h.turn())
    assert len(h.session.messages) == 2 and h.controller.unsent is None
    assert h.session.messages[-1].status == MessageStatus.FAILED


async def test_stop_before_the_first_event() -> None:
    h = Harness()
    h.script = [asyncio.Event()]
    turn = await h.turn()
    task = asyncio.create_task(h.controller.run_turn(turn))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert h.session.messages[-1].status == MessageStatus.STOPPED
    assert len(h.session.messages) == 2 and h.controller.phase is TurnPhase.STOPPED


async def test_run_turn_refuses_a_stale_turn() -> None:
    h = Harness()
    h.script = [completed("x")]
    turn = await h.turn()
    await h.controller.run_turn(turn)
    with pytest.raises(RuntimeError):
        await h.controller.run_turn(turn)


async def test_switch_session() -> None:
    h = Harness()
    h.script = [ev.Failed(APIConnectionError("Cannot connect."), partial=False)]
    await h.controller.run_turn(await h.turn())
    assert h.controller.unsent is not None
    other = Session()
    h.controller.switch_session(other)
    assert h.controller.session is other and h.controller.unsent is None
    assert h.controller.phase is TurnPhase.IDLE


async def test_with_the_real_client_over_the_fake() -> None:
    """The stream function is the client's `stream` (in-process transport)."""
    fake = FakeXAI(FakeConfig(api_key="xai-test-key"))
    client = XAIClient(
        "xai-test-key",
        "http://fake.invalid/v1",
        transport=FakeTransport(fake),
        retry=RetryPolicy(max_retries=0),
    )
    view = RecordingView()
    session = Session(model="grok-4")
    saves: list[int] = []
    controller = TurnController(
        session,
        stream=client.stream,
        build_request=build_request,
        checkpoint=lambda s: saves.append(len(s.messages)),
        view=view,
    )
    try:
        for prompt in ("hello there", "scenario:error_500"):
            turn = await controller.send(prompt)
            assert isinstance(turn, Turn)
            await controller.run_turn(turn)
    finally:
        await client.aclose()
    assert session.messages[1].status == MessageStatus.COMPLETE
    assert session.messages[1].text and "".join(view.text).startswith(session.messages[1].text[:5])
    # The 500 never started: the second prompt is handed back.
    assert len(session.messages) == 2
    assert controller.unsent == Unsent("scenario:error_500", [])
    assert controller.phase is TurnPhase.FAILED


def test_attachment_error_is_what_the_builder_raises() -> None:
    with pytest.raises(AttachmentError):
        attachment_from_input("/nonexistent/picture.png")


def test_the_controller_does_not_import_textual() -> None:
    code = (
        "import sys, grok_tui.chat.turn_controller; "
        "sys.exit(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
