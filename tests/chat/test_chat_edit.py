"""The pending edit: beginning and cancelling change nothing; applying
replaces the edited turn in one step; undo puts it back."""

from __future__ import annotations

import pytest

from grok_tui.chat.conversation import add_user_message, start_reply
from grok_tui.chat.edit import Draft, EditError, begin_edit_last
from grok_tui.chat.session import Attachment, Session


def _chat() -> Session:
    s = Session()
    add_user_message(s, "a")
    start_reply(s, "m").text = "A"
    att = Attachment(source="url", url="https://e.x/i.png", name="i.png")
    add_user_message(s, "b", [att])
    start_reply(s, "m").text = "B"
    return s


def test_begin_changes_nothing_and_remembers_the_draft() -> None:
    s = _chat()
    before = s.model_dump_json()
    draft = Draft("half-typed", [], (0, 4))
    edit = begin_edit_last(s, draft)
    assert s.model_dump_json() == before
    assert (edit.text, [a.name for a in edit.attachments]) == ("b", ["i.png"])
    assert edit.index == 2 and edit.number == 3 and edit.is_current(s)
    assert edit.previous_draft == draft and edit.previous_draft is not draft
    with pytest.raises(EditError):
        begin_edit_last(Session(), Draft())


def test_apply_replaces_the_last_exchange_and_undo_restores_it() -> None:
    s = _chat()
    original = list(s.messages)
    edit = begin_edit_last(s, Draft())
    new = edit.apply(s, "b fixed", edit.attachments)
    assert [m.text for m in s.messages] == ["a", "A", "b fixed"]
    assert s.messages[-1] is new and new.attachments == original[2].attachments
    start_reply(s, "m")  # the request that then never started
    assert edit.undo(s)
    assert s.messages == original
    assert not edit.undo(s)  # once


def test_apply_refuses_when_the_message_is_gone() -> None:
    s = _chat()
    edit = begin_edit_last(s, Draft())
    del s.messages[2:]
    assert not edit.is_current(s)
    with pytest.raises(EditError):
        edit.apply(s, "x")
    assert [m.text for m in s.messages] == ["a", "A"]
