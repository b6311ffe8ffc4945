"""The prompt: Enter sends, Shift+Enter / Ctrl+J insert newlines, history, paste."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult

from grok_tui.ui.widgets.prompt_input import PromptHistory, PromptInput


class PromptApp(App[None]):
    def __init__(self, history: PromptHistory | None = None) -> None:
        super().__init__()
        self.sent: list[str] = []
        self._history = history

    def compose(self) -> ComposeResult:
        yield PromptInput(id="prompt", history=self._history)

    def on_prompt_input_submitted(self, event: PromptInput.Submitted) -> None:
        self.sent.append(event.text)
        event.prompt.clear()


async def test_enter_sends_and_clears() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        await pilot.press(*"hello")
        await pilot.press("enter")
        await pilot.pause()
        assert app.sent == ["hello"]
        assert app.query_one(PromptInput).text == ""


async def test_whitespace_only_is_not_sent() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        await pilot.press("space", "space", "enter")
        await pilot.press("ctrl+j", "enter")
        await pilot.pause()
        assert app.sent == []


async def test_ctrl_j_and_shift_enter_insert_newlines() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await pilot.press("a", "ctrl+j", "b", "shift+enter", "c")
        await pilot.pause()
        assert prompt.text == "a\nb\nc"
        assert app.sent == []
        await pilot.press("enter")
        await pilot.pause()
        assert app.sent == ["a\nb\nc"]


async def test_history_walk_up_and_down_keeps_draft() -> None:
    app = PromptApp(PromptHistory(["first", "second"]))
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await pilot.press(*"draft")
        await pilot.press("up")
        assert prompt.text == "second"
        await pilot.press("up")
        assert prompt.text == "first"
        await pilot.press("up")  # no older entry: stays
        assert prompt.text == "first"
        await pilot.press("down")
        assert prompt.text == "second"
        await pilot.press("down")
        assert prompt.text == "draft"
        await pilot.press("down")  # not walking: the cursor just stays
        assert prompt.text == "draft"


async def test_sent_prompts_join_history() -> None:
    app = PromptApp()
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        for text in ("one", "two"):
            prompt.set_text(text)
            await pilot.press("enter")
        await pilot.pause()
        assert app.sent == ["one", "two"]
        prompt.prompt_history.add("one")  # what the chat screen does on send
        prompt.prompt_history.add("two")
        await pilot.press("up")
        assert prompt.text == "two"


async def test_up_inside_multiline_text_moves_the_cursor() -> None:
    app = PromptApp(PromptHistory(["old entry"]))
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await pilot.press("a", "ctrl+j", "b")
        assert prompt.cursor_location == (1, 1)
        await pilot.press("up")
        assert prompt.text == "a\nb"  # moved up a line, no history
        assert prompt.cursor_location[0] == 0
        await pilot.press("up")
        assert prompt.text == "old entry"


async def test_paste_100_kb() -> None:
    big = ("lorem ipsum dolor sit amet " * 40 + "\n") * 95  # ~100 KB, many lines
    assert len(big) > 100_000
    app = PromptApp()
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        # A terminal's bracketed paste reaches the app, which forwards it to
        # the focused widget (posting to the widget itself would bubble back).
        app.post_message(events.Paste(big))
        await pilot.pause()
        assert prompt.text == big
        await pilot.press("enter")
        await pilot.pause()
        assert app.sent == [big]


def test_history_model() -> None:
    h = PromptHistory(limit=3)
    for t in ("a", "b", "b", "  ", "c", "d"):
        h.add(t)
    assert h.entries == ["b", "c", "d"]  # duplicates in a row, blanks dropped; limited
    assert h.previous("draft") == "d"
    assert h.previous("ignored") == "c"
    assert h.next() == "d"
    assert h.next() == "draft"
    assert h.next() is None
    assert not h.walking


async def test_keys_arriving_in_one_burst_keep_their_order() -> None:
    """A terminal read can hold "ab", Ctrl+J, "cd" and Enter at once (fast typing,
    SSH, tmux send-keys); the priority Enter/Ctrl+J bindings must not run before
    the characters queued ahead of them."""
    app = PromptApp()
    async with app.run_test() as pilot:
        burst = [
            events.Key("a", "a"), events.Key("b", "b"), events.Key("ctrl+j", "\n"),
            events.Key("c", "c"), events.Key("d", "d"), events.Key("enter", "\r"),
        ]
        for key in burst:  # posted back to back, as the driver does, without waiting
            app.post_message(key)
        for _ in range(50):
            await pilot.pause()
            if app.sent:
                break
        assert app.sent == ["ab\ncd"]
