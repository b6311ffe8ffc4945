"""The rows of the tool log, as plain data (no Textual): what rows a turn has,
built from a saved `Message` or grown from live events.

A turn's rows, in order: the header, its retries, the reasoning row (when the
reply reasoned, see `has_reasoning`), its tool calls, and the summary once the
turn ended. Live events insert rows at the same places a reload puts them, so
the live log and the reloaded one read the same.

The `index`/`line`/`height`/`details` fields of a `Row` are the widget's
bookkeeping (where the row sits in the line map, its cached detail lines);
this module never reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from grok_tui.chat.session import Message, MessageStatus, RetryRecord, ToolCall
from grok_tui.sanitize import one_line, strip_control

RowKind = Literal["header", "reasoning", "tool", "retry", "summary"]

#: Tool phases during which a call is still running.
RUNNING_PHASES = frozenset({"started", "searching"})

#: Reasoning shorter than this, with no text and no tokens, was no reasoning: a
#: model with hidden reasoning that answers at once gets no reasoning row (the
#: same rule and threshold as `message_view.reasoning_line`).
MIN_REASONING_SECONDS = 0.1

#: The longest prompt kept for a turn header.
PROMPT_LIMIT = 300


def has_reasoning(message: Message) -> bool:
    """Whether a finished or saved reply gets a reasoning row: it has
    reasoning text, reasoning tokens in its usage, a thinking time of at least
    `MIN_REASONING_SECONDS`, or thinking that never finished.

    A usage that counts no reasoning tokens, with no reasoning text, means no
    reasoning whatever the time: on the Responses API every reply "thinks"
    from the request to its first output (`response.in_progress` is read as
    reasoning progress), which for a non-reasoning model is only latency."""
    if message.reasoning and not message.reasoning.isspace():  # (no copy, unlike strip)
        return True
    if message.usage is not None:
        return message.usage.reasoning_tokens > 0
    if message.reasoning_seconds is not None:
        return message.reasoning_seconds >= MIN_REASONING_SECONDS
    return message.reasoning_started_at is not None


def is_ended(message: Message) -> bool:
    """Whether a saved reply's turn has a summary row (it is not a checkpoint
    of a reply still streaming)."""
    return message.status != MessageStatus.STREAMING or message.finished_at is not None


@dataclass(eq=False, slots=True)
class Row:
    kind: RowKind
    turn: Turn
    call_id: str = ""
    name: str = ""  # fallback tool name until the ToolCall is found
    retry: RetryRecord | None = None  # retry rows: what happened
    expanded: bool = False
    index: int = 0  # the widget's: position in its row list
    line: int = 0  # the widget's: first line in its line map (lazy turns: stale)
    height: int = 1  # the widget's: lines (lazy turns: stale)
    details: list[Any] | None = None  # the widget's: cached lines
    details_width: int = -1


@dataclass(eq=False, slots=True)
class Turn:
    message: Message
    prompt: str
    rows: list[Row] = field(default_factory=list)
    index: int = 0  # the widget's: position in its turn list
    tools: dict[str, Row] = field(default_factory=dict)
    tool_index: dict[str, ToolCall] = field(default_factory=dict)
    scanned: int = 0
    reasoning: Row | None = None
    summary: Row | None = None
    live: bool = False

    # -- looking up ----------------------------------------------------------

    def tool_call(self, call_id: str) -> ToolCall | None:
        """The ToolCall of `call_id` in the message (amortized O(1))."""
        tc = self.tool_index.get(call_id)
        if tc is not None:
            return tc
        calls = self.message.tool_calls
        if self.scanned > len(calls):  # the list was replaced
            self.scanned = 0
            self.tool_index.clear()
        for tc in calls[self.scanned :]:
            self.tool_index.setdefault(tc.call_id, tc)
        self.scanned = len(calls)
        return self.tool_index.get(call_id)

    def set_message(self, message: Message) -> None:
        """Follow a new object for the same reply (the index is rebuilt)."""
        if message is not self.message:
            self.message = message
            self.tool_index.clear()
            self.scanned = 0

    def retry_count(self) -> int:
        """How many retry rows follow the header."""
        slot = 1
        while slot < len(self.rows) and self.rows[slot].kind == "retry":
            slot += 1
        return slot - 1

    def is_running(self, row: Row) -> bool:
        """Whether `row` shows a running time (a live tool call or thinking)."""
        if not self.live:
            return False
        if row.kind == "tool":
            tc = self.tool_call(row.call_id)
            return tc is None or (tc.finished_at is None and tc.phase in RUNNING_PHASES)
        if row.kind == "reasoning":
            return self.message.reasoning_seconds is None
        return False

    def expandable(self, row: Row) -> bool:
        if row.kind == "tool":
            return True
        if row.kind == "reasoning":
            return bool(self.message.reasoning.strip())
        return False

    # -- growing (live events) -------------------------------------------------
    # Each returns the row it added (None when nothing was added); the caller
    # places it: at the end of the turn it is an append, else a reflow.

    def add_tool(self, call_id: str, name: str) -> tuple[Row, bool]:
        """The row of tool call `call_id`, added (before the summary) when new;
        returns it and whether it was added."""
        row = self.tools.get(call_id)
        if row is None:
            row = Row("tool", self, call_id=call_id, name=strip_control(name))
            self.tools[call_id] = row
            self._insert(row, self._end_slot())
            return row, True
        if name and not row.name:
            row.name = strip_control(name)
        return row, False

    def add_reasoning(self) -> tuple[Row, bool]:
        """The reasoning row (after the header and retries), added when missing."""
        if self.reasoning is not None:
            return self.reasoning, False
        row = self.reasoning = Row("reasoning", self)
        self._insert(row, 1 + self.retry_count())
        return row, True

    def add_retry(self, record: RetryRecord) -> Row:
        """A retry row, after the header and the earlier retries."""
        row = Row("retry", self, retry=record)
        self._insert(row, 1 + self.retry_count())
        return row

    def settle_reasoning(self) -> bool:
        """At the end of the turn: add the reasoning row the message calls for
        (reasoning known only from the usage) or drop one it does not (thinking
        that took no time and left no trace). Returns whether rows changed."""
        want = has_reasoning(self.message)
        if want == (self.reasoning is not None):
            return False
        if self.reasoning is None:
            self.add_reasoning()
        else:
            self.rows.remove(self.reasoning)
            self.reasoning = None
        return True

    def add_summary(self) -> tuple[Row, bool]:
        """The summary row (last), added when missing."""
        if self.summary is not None:
            return self.summary, False
        row = self.summary = Row("summary", self)
        self.rows.append(row)
        return row, True

    def _end_slot(self) -> int:
        return len(self.rows) - 1 if self.summary is not None else len(self.rows)

    def _insert(self, row: Row, slot: int) -> None:
        self.rows.insert(slot, row)


def new_turn(message: Message, prompt_text: str) -> Turn:
    """A turn with only its header row."""
    turn = Turn(message=message, prompt=one_line(prompt_text, PROMPT_LIMIT))
    turn.rows.append(Row("header", turn))
    return turn


def saved_turn(message: Message, prompt_text: str) -> Turn:
    """The turn of a saved reply, with every row it has."""
    turn = new_turn(message, prompt_text)
    for record in message.retries:
        turn.rows.append(Row("retry", turn, retry=record))
    if has_reasoning(message):
        turn.reasoning = Row("reasoning", turn)
        turn.rows.append(turn.reasoning)
    for tc in message.tool_calls:
        if tc.call_id in turn.tools:
            continue
        row = Row("tool", turn, call_id=tc.call_id, name=tc.name)
        turn.tools[tc.call_id] = row
        turn.rows.append(row)
    if is_ended(message):
        turn.summary = Row("summary", turn)
        turn.rows.append(turn.summary)
    return turn


def saved_turns(messages: Iterable[Message]) -> list[Turn]:
    """The turns of a saved session: one per assistant message, headed by the
    user message before it."""
    turns: list[Turn] = []
    prompt = ""
    for msg in messages:
        if msg.role == "user":
            prompt = msg.text
            continue
        if msg.role != "assistant":
            continue
        turns.append(saved_turn(msg, prompt))
        prompt = ""
    return turns


#: A load key: per message (identity, role, prompt text, shape of its rows).
LoadKey = list[tuple[int, str, str | None, int, int, bool, bool]]


def load_key(messages: list[Message]) -> LoadKey:
    """What `saved_turns` depends on, cheaply: equal keys, equal rows."""
    return [
        (
            id(m),
            m.role,
            m.text if m.role == "user" else None,
            len(m.tool_calls),
            len(m.retries),
            has_reasoning(m),
            is_ended(m),
        )
        for m in messages
    ]
