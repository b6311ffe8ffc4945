"""Chat keys with the focus where a user has it: scrolling the conversation
from the prompt, End following the reply again, Esc and closed panes giving
the prompt the focus, and the footer keeping F1 and Ctrl+P at 80 columns.
(Each key is also sent through a real terminal in tests/e2e/test_keys.py.)"""

from __future__ import annotations

from typing import Any

from textual.widgets._footer import FooterKey

from grok_tui.chat.session import Message, Session
from tests.ui.conftest import wait_for


def _long_session(turns: int = 6, lines: int = 40) -> Session:
    messages: list[Message] = []
    for i in range(turns):
        messages.append(Message(role="user", text=f"question {i}"))
        body = "\n\n".join(f"Paragraph {k} of answer {i}." for k in range(lines))
        messages.append(Message(role="assistant", text=body, model="grok-4.3"))
    return Session(messages=messages)


def _following(conv: Any) -> bool:
    return conv.is_anchored and not conv._anchor_released and conv.scroll_y == conv.max_scroll_y


async def test_page_keys_in_the_prompt_scroll_the_conversation(make_app: Any) -> None:
    app = make_app(session=_long_session())
    async with app.run_test(size=(120, 30)) as pilot:
        chat = app.chat
        conv = chat.conversation
        await wait_for(
            pilot,
            lambda: conv.max_scroll_y > 0 and _following(conv),
            what="the conversation at its end",
        )
        assert app.focused is chat.prompt
        await pilot.press("pageup")
        await wait_for(pilot, lambda: conv.scroll_y < conv.max_scroll_y, what="PageUp")
        assert app.focused is chat.prompt and not _following(conv)
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: _following(conv), what="PageDown back to following")
        await pilot.press("ctrl+home")
        await wait_for(pilot, lambda: conv.scroll_y == 0, what="Ctrl+Home")
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: _following(conv), what="Ctrl+End")
        assert app.focused is chat.prompt


async def test_end_in_the_conversation_follows_again(make_app: Any) -> None:
    """The last reply is taller than the view: End highlighted it and scrolled
    to its top, which left the reader not following the stream."""
    app = make_app(session=_long_session(turns=3, lines=60))
    async with app.run_test(size=(120, 30)) as pilot:
        conv = app.chat.conversation
        await wait_for(pilot, lambda: conv.max_scroll_y > 0 and _following(conv), what="the layout")
        conv.focus()
        conv.scroll_to(y=0, animate=False, immediate=True)
        await wait_for(pilot, lambda: conv.scroll_y == 0, what="the scroll up")
        assert not _following(conv)
        await pilot.press("end")
        await wait_for(pilot, lambda: _following(conv), what="End to follow")
        assert conv.highlighted == len(conv.messages) - 1


async def test_escape_from_panes_gives_the_prompt_the_focus(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await pilot.press("f3")
        await wait_for(
            pilot,
            lambda: (
                chat.search_form is not None
                and app.focused is not None
                and chat.search_form in app.focused.ancestors
            ),
            what="the search form focused",
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is chat.prompt, what="Esc to the prompt")
        assert not chat.query_one("#search-pane").display  # Esc closed it
        # The tool log: focused, then hidden with F2: the prompt gets the focus.
        chat.query_one("#tool-log").focus()
        await pilot.pause()
        await pilot.press("f2")
        await wait_for(pilot, lambda: app.focused is chat.prompt, what="F2 to the prompt")
        await pilot.press("f2")
        chat.query_one("#tool-log").focus()
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is chat.prompt, what="Esc from the tool log")


async def test_alt_r_in_the_prompt_toggles_the_last_reasoning(make_app: Any) -> None:
    reply = Message(role="assistant", text="42", model="grok-4.3", reasoning="Let me think.")
    app = make_app(session=Session(messages=[Message(role="user", text="q"), reply]))
    async with app.run_test(size=(120, 30)) as pilot:
        view = app.chat.conversation.view_for(reply)
        assert view is not None and not view.reasoning_expanded
        await pilot.press("alt+r")
        await wait_for(pilot, lambda: view.reasoning_expanded, what="Alt+R")
        assert app.chat.prompt.text == ""


async def test_footer_keeps_help_and_commands_at_80_columns(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.chat.query_one("ChatFooter")

        def actions() -> list[str]:
            return [k.action for k in footer.query(FooterKey)]

        await wait_for(pilot, lambda: "help" in actions(), what="the footer")
        assert {"help", "command_palette", "quit"} <= set(actions())
        assert sum(k.outer_size.width for k in footer.query(FooterKey)) <= 80
        await pilot.resize_terminal(160, 50)
        await wait_for(
            pilot,
            lambda: "send" in actions() and "toggle_tool_log" in actions(),
            what="every hint at 160 columns",
        )


async def test_a_dialog_opened_mid_burst_gets_the_keys_after_it(make_app: Any) -> None:
    """Ctrl+S, text and Ctrl+S in one terminal read: the text goes to the system
    prompt editor that the first Ctrl+S opened (not into the prompt, not lost),
    and the second Ctrl+S saves all of it."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        chat = app.chat
        await wait_for(pilot, lambda: app.focused is chat.prompt, what="the prompt")
        keys = [
            events.Key("ctrl+s", "\x13"),
            *(events.Key(c if c != " " else "space", c) for c in "Be brief."),
            events.Key("ctrl+s", "\x13"),
        ]
        for key in keys:
            app.post_message(key)
        await wait_for(
            pilot, lambda: chat.session.system_prompt == "Be brief.", what="the system prompt saved"
        )
        assert chat.prompt.text == ""


async def test_a_remap_onto_a_key_the_prompt_takes_is_reported(make_app: Any) -> None:
    from grok_tui.config import Settings

    app = make_app(settings=Settings(keys={"chat.api_key": "f6"}))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: any("chat.api_key" in str(n.message) for n in app._notifications),
            what="the warning",
        )
        [note] = [n for n in app._notifications if "chat.api_key" in str(n.message)]
        assert "TextArea" in str(note.message) and note.severity == "warning"
