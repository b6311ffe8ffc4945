"""The prompt: Enter sends, Shift+Enter / Ctrl+J insert newlines, history, paste."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App, ComposeResult

from grok_tui.fake import FakeXAI
from grok_tui.ui.widgets.prompt_input import PromptHistoryWalker, PromptInput
from tests.waiting import wait_for


class PromptApp(App[None]):
    def __init__(self, history: PromptHistoryWalker | None = None) -> None:
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


async def test_history_walk_up_and_down_from_an_empty_prompt() -> None:
    app = PromptApp(PromptHistoryWalker(["first", "second"]))
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await pilot.press("up")
        assert prompt.text == "second"
        await pilot.press("up")
        assert prompt.text == "first"
        await pilot.press("up")  # no older entry: stays
        assert prompt.text == "first"
        await pilot.press("down")
        assert prompt.text == "second"
        await pilot.press("down")
        assert prompt.text == ""
        await pilot.press("down")  # not walking: the cursor just stays
        assert prompt.text == ""


async def test_typed_text_walks_only_entries_starting_with_it_and_keeps_the_draft() -> None:
    app = PromptApp(PromptHistoryWalker(["hello world", "other", "help me", "hello world", "x"]))
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await pilot.press(*"hel")
        await pilot.press("up")
        assert prompt.text == "hello world"
        await pilot.press("up")
        assert prompt.text == "help me"
        await pilot.press("up")  # the older "hello world": shown, it differs from "help me"
        assert prompt.text == "hello world"
        await pilot.press("up")  # no older match: stays
        assert prompt.text == "hello world"
        await pilot.press("down")
        assert prompt.text == "help me"
        await pilot.press("down")
        assert prompt.text == "hello world"
        await pilot.press("down")
        assert prompt.text == "hel"  # back to what was typed
        assert prompt.cursor_location == (0, 3)
        await pilot.press("down")
        assert prompt.text == "hel"


async def test_prefix_walk_skips_an_entry_equal_to_the_one_shown() -> None:
    app = PromptApp(PromptHistoryWalker(["git log", "ls", "git log", "pwd", "git"]))
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await pilot.press(*"git")
        await pilot.press("up")  # "git" itself equals the typed text: skipped
        assert prompt.text == "git log"
        await pilot.press("up")  # the older "git log" would show the same text: no move
        assert prompt.text == "git log"
        assert prompt.prompt_history.position == 2
        await pilot.press("down")
        assert prompt.text == "git"


async def test_typed_text_without_a_match_stays() -> None:
    app = PromptApp(PromptHistoryWalker(["first", "second"]))
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await pilot.press(*"zzz")
        await pilot.press("up")
        assert prompt.text == "zzz"
        assert not prompt.prompt_history.walking
        await pilot.press("end", "backspace", "backspace", "backspace")
        assert prompt.text == ""
        await pilot.press("up")  # now empty: the whole history
        assert prompt.text == "second"


async def test_an_edited_entry_becomes_the_new_draft() -> None:
    app = PromptApp(PromptHistoryWalker(["one", "two", "twelve"]))
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await pilot.press("up", "up")
        assert prompt.text == "two"
        await pilot.press("end", "backspace", "backspace")  # "t"
        await pilot.press("up")  # a new walk from the edit: entries starting with "t"
        assert prompt.text == "twelve"
        await pilot.press("down")
        assert prompt.text == "t"


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
    app = PromptApp(PromptHistoryWalker(["a\nb and more", "old entry"]))
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await pilot.press("a", "ctrl+j", "b")
        assert prompt.cursor_location == (1, 1)
        await pilot.press("up")
        assert prompt.text == "a\nb"  # moved up a line, no history
        assert prompt.cursor_location[0] == 0
        await pilot.press("up")  # first line: the entries starting with "a\nb"
        assert prompt.text == "a\nb and more"


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
    h = PromptHistoryWalker(limit=3)
    for t in ("a", "b", "b", "  ", "c", "d"):
        h.add(t)
    assert h.entries == ["b", "c", "d"]  # duplicates in a row, blanks dropped; limited
    assert h.previous("  ") == "d"  # a blank draft is no prefix
    assert h.previous("ignored") == "c"
    assert h.next() == "d"
    assert h.next() == "  "
    assert h.next() is None
    assert not h.walking


def test_history_model_prefix() -> None:
    h = PromptHistoryWalker(["abc", "b", "ab", "abc"])
    assert h.previous("zz") is None  # no match: not walking, nothing saved
    assert not h.walking and h.draft == ""
    assert h.previous("ab") == "abc"
    assert h.previous("ignored while walking") == "ab"
    assert h.previous("x") == "abc"
    assert h.previous("x") is None
    assert h.position == 0
    assert h.next() == "ab"
    assert h.next() == "abc"
    assert h.next() == "ab"  # the draft
    assert not h.walking


def test_history_seed_and_on_add() -> None:
    added: list[str] = []
    h = PromptHistoryWalker(["this run"], limit=3)
    h.on_add = added.append
    h.seed(["old1", "old2", "old2", "  ", "this run"], limit=5)
    assert h.entries == ["old1", "old2", "this run"]  # repeats once, blanks dropped
    assert h.limit == 5 and h.seeded
    h.seed(["again"])  # once only
    assert h.entries == ["old1", "old2", "this run"]
    h.add("new")
    h.add("new")  # told each time; the file drops the repeat itself
    h.add(" ")
    assert added == ["new", "new"]
    h.clear()
    assert h.entries == [] and h.previous("") is None


async def test_keys_arriving_in_one_burst_keep_their_order() -> None:
    """A terminal read can hold "ab", Ctrl+J, "cd" and Enter at once (fast typing,
    SSH, tmux send-keys); the priority Enter/Ctrl+J bindings must not run before
    the characters queued ahead of them."""
    app = PromptApp()
    async with app.run_test() as pilot:
        burst = [
            events.Key("a", "a"),
            events.Key("b", "b"),
            events.Key("ctrl+j", "\n"),
            events.Key("c", "c"),
            events.Key("d", "d"),
            events.Key("enter", "\r"),
        ]
        for key in burst:  # posted back to back, as the driver does, without waiting
            app.post_message(key)
        for _ in range(50):
            await pilot.pause()
            if app.sent:
                break
        assert app.sent == ["ab\ncd"]


def test_seed_during_a_walk_stays_on_the_shown_entry() -> None:
    h = PromptHistoryWalker(["this run 1", "this run 2"])
    assert h.previous("") == "this run 2"
    assert h.previous("") == "this run 1"
    h.seed(["old 1", "old 2"])  # loaded in a thread, landing mid-walk
    assert h.shown == "this run 1"
    assert h.previous("") == "old 2"
    assert [h.next(), h.next(), h.next()] == ["this run 1", "this run 2", ""]
    assert not h.walking


async def test_down_on_an_edited_entry_keeps_the_edit() -> None:
    app = PromptApp(PromptHistoryWalker(["one", "two"]))
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        await pilot.press("up", "up")
        assert prompt.text == "one"
        await pilot.press("end", *"!")
        await pilot.press("down")  # not "two": the edit stays, the walk ends
        assert prompt.text == "one!"
        assert not prompt.prompt_history.walking


async def test_the_cursor_stays_lit_while_a_reply_streams_and_blinks_again_after(
    make_app: Any, fake: FakeXAI
) -> None:
    """No blink (a prompt repaint twice a second) while a reply streams; the
    prompt can still be typed into; a stopped reply gives the blink back, and
    a prompt whose blink was off stays off."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        chat = app.chat
        prompt = chat.prompt
        assert prompt.cursor_blink
        fake.queue_scenarios(["stall"])
        prompt.set_text("tell me something")
        prompt.focus()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: chat.streaming_message is not None and chat.streaming_message.text != "",
            what="the first text",
        )
        assert not prompt.cursor_blink
        await pilot.press(*"next")
        await wait_for(pilot, lambda: prompt.text == "next", what="typing while streaming")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not chat.is_streaming, what="the reply to stop")
        assert prompt.cursor_blink
        prompt.cursor_blink = False
        fake.queue_scenarios(["stall"])
        await pilot.press("enter")
        await wait_for(pilot, lambda: chat.is_streaming, what="the second reply")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not chat.is_streaming, what="the second reply to stop")
        assert not prompt.cursor_blink
