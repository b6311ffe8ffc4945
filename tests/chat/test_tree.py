"""The message tree (chat/tree.py): versions, branches, switching, deleting,
totals, and the request history following the chosen path. No Textual."""

from __future__ import annotations

import pytest

from grok_tui.chat import conversation as conv
from grok_tui.chat import tree
from grok_tui.chat.edit import Draft, EditError, begin_edit, begin_edit_last
from grok_tui.chat.request_builder import RequestOptions, build_request
from grok_tui.chat.session import Message, MessageStatus, Session, Usage


def reply(session: Session, text: str, cost: float = 0.01, tokens: int = 10) -> Message:
    message = conv.start_reply(session, "grok-4")
    message.text = text
    message.status = MessageStatus.COMPLETE
    message.usage = Usage(input_tokens=tokens, output_tokens=tokens, cost_usd=cost)
    return message


def linear(turns: int = 3) -> Session:
    session = Session()
    for i in range(1, turns + 1):
        conv.add_user_message(session, f"q{i}")
        reply(session, f"a{i}")
    return session


def texts(messages: list[Message]) -> list[str]:
    return [m.text for m in messages]


def regenerate(session: Session, text: str, cost: float = 0.01) -> Message:
    conv.prepare_regenerate(session)
    return reply(session, text, cost)


def test_new_messages_chain_parent_ids_and_record_the_choice() -> None:
    s = linear(2)
    assert s.messages[0].parent_id is None
    assert [m.parent_id for m in s.messages[1:]] == [m.id for m in s.messages[:-1]]
    assert s.chosen[tree.ROOT] == s.messages[0].id
    assert s.chosen[s.messages[0].id] == s.messages[1].id
    assert s.off_path == [] and tree.branch_count(s) == 1
    assert tree.path_to(s, s.messages[2].id) == s.messages[:3]


def test_regenerate_keeps_every_version_in_creation_order() -> None:
    s = linear(2)
    first = s.messages[-1]
    second = regenerate(s, "a2 v2")
    third = regenerate(s, "a2 v3")
    assert texts(s.messages) == ["q1", "a1", "q2", "a2 v3"]
    assert [m.id for m in tree.siblings(s, third.id)] == [first.id, second.id, third.id]
    assert tree.position(s, third.id) == (3, 3)
    assert tree.position(s, first.id) == (1, 3)
    assert {m.id for m in s.off_path} == {first.id, second.id}
    assert tree.branch_count(s) == 3
    # Step back to the second version: it is shown and sent; the third stays.
    assert tree.step_sibling(s, third.id, -1) is second
    assert texts(s.messages) == ["q1", "a1", "q2", "a2 v2"]
    assert tree.step_sibling(s, first.id, -1) is None  # no wrapping, nothing changed
    assert tree.switch_to(s, first.id) and s.messages[-1] is first
    assert tree.switch_to(s, first.id) is False  # already chosen


def test_add_version_in_one_step() -> None:
    s = linear(1)
    old = s.messages[-1]
    new = tree.add_version(s, "grok-4")
    assert new.status == MessageStatus.STREAMING and new.parent_id == s.messages[0].id
    assert s.messages == [s.messages[0], new] and s.off_path == [old]
    with pytest.raises(tree.TreeError):
        tree.add_version(Session(), "grok-4")


def test_fork_at_an_early_message_and_switch_back_restores_its_choices() -> None:
    s = linear(3)
    original_q1 = s.messages[0]
    # In the original branch, the last reply gets a second version, and the
    # first one is chosen: that choice must survive a trip to another branch.
    first_a3 = s.messages[-1]
    regenerate(s, "a3 v2")
    tree.switch_to(s, first_a3.id)
    forked = tree.fork_at(s, original_q1.id, "q1 edited")
    assert forked.parent_id is None and s.messages == [forked]
    reply(s, "a1'")
    conv.add_user_message(s, "q2'")
    reply(s, "a2'")
    assert tree.position(s, forked.id) == (2, 2)
    assert tree.branch_count(s) == 3  # a3, a3 v2, and the new branch
    # Back to the original branch: its whole path, with the first a3 chosen.
    assert tree.step_sibling(s, forked.id, -1) is original_q1
    assert texts(s.messages) == ["q1", "a1", "q2", "a2", "q3", "a3"]
    assert s.messages[-1] is first_a3
    # And forward again: the new branch as it was left.
    tree.step_sibling(s, original_q1.id, +1)
    assert texts(s.messages) == ["q1 edited", "a1'", "q2'", "a2'"]
    # Nothing lost: 6 + 1 + 4 messages.
    assert len(tree.all_messages(s)) == 11
    # All positions at once agree with one at a time.
    positions = tree.sibling_positions(s)
    assert positions == {m.id: tree.position(s, m.id) for m in tree.all_messages(s)}
    assert positions[forked.id] == (2, 2) and positions[first_a3.id] == (1, 2)


def test_switch_to_a_deep_off_path_message_goes_through_its_branch() -> None:
    s = linear(2)
    old_a2 = s.messages[-1]
    tree.fork_at(s, s.messages[0].id, "other")
    reply(s, "other answer")
    assert tree.switch_to(s, old_a2.id)
    assert texts(s.messages) == ["q1", "a1", "q2", "a2"]
    assert [m.parent_id for m in s.messages] == [None, *[m.id for m in s.messages[:-1]]]


def test_delete_subtree_is_explicit_and_moves_the_path_to_a_sibling() -> None:
    s = linear(2)
    a2 = s.messages[-1]
    v2 = regenerate(s, "a2 v2")
    removed = tree.delete_subtree(s, v2.id)
    assert removed == [v2]
    assert s.messages[-1] is a2 and s.off_path == []
    assert v2.id not in s.chosen.values()
    # The only version left: deleting it would cut the chat short, refused.
    with pytest.raises(tree.TreeError):
        tree.delete_subtree(s, a2.id)
    with pytest.raises(tree.TreeError):
        tree.delete_subtree(s, s.messages[0].id)  # the only root
    with pytest.raises(tree.TreeError):
        tree.delete_subtree(s, "nope")
    assert len(s.messages) == 4


def test_delete_an_off_path_branch_with_its_descendants() -> None:
    s = linear(2)
    q2 = s.messages[2]
    new_q2 = tree.fork_at(s, q2.id, "q2 bis")
    reply(s, "a2 bis")
    assert tree.descendant_count(s, q2.id) == 1 and tree.descendant_count(s, s.messages[0].id) == 5
    removed = tree.delete_subtree(s, q2.id)
    assert texts(removed) == ["q2", "a2"]
    assert texts(s.messages) == ["q1", "a1", "q2 bis", "a2 bis"]
    assert s.off_path == [] and tree.position(s, new_q2.id) == (1, 1)


def test_delete_the_chosen_first_of_three_moves_to_the_next() -> None:
    s = linear(1)
    a1 = s.messages[-1]
    v2 = regenerate(s, "v2")
    regenerate(s, "v3")
    tree.switch_to(s, a1.id)
    tree.delete_subtree(s, a1.id)
    assert s.messages[-1] is v2 and tree.position(s, v2.id) == (1, 2)


def test_totals_count_every_version_and_the_path_share_apart() -> None:
    s = linear(1)  # a1 costs 0.01
    regenerate(s, "v2", cost=0.02)
    regenerate(s, "v3", cost=0.04)
    total = conv.session_totals(s)
    path = conv.path_totals(s)
    assert total.cost_usd == pytest.approx(0.07) and total.input_tokens == 30
    assert path.cost_usd == pytest.approx(0.04) and path.input_tokens == 10


def test_edit_of_an_early_message_forks_and_undo_restores_exactly() -> None:
    s = linear(3)
    q3_a3 = s.messages[-1]
    regenerate(s, "a3 v2")
    tree.switch_to(s, q3_a3.id)  # the first version chosen
    before = s.model_dump()
    q2 = s.messages[2]
    edit = begin_edit(s, q2.id, Draft("draft"))
    assert (edit.index, edit.text) == (2, "q2") and s.model_dump() == before  # nothing changed
    new = edit.apply(s, "q2 edited")
    assert texts(s.messages) == ["q1", "a1", "q2 edited"] and new.parent_id == s.messages[1].id
    assert tree.position(s, new.id) == (2, 2)
    conv.start_reply(s, "grok-4")  # the request is then refused before it starts
    assert edit.undo(s)
    after = s.model_dump()
    for dump in (before, after):
        dump.pop("updated_at")
    assert after == before  # the same path, the same choices, nothing added
    assert edit.undo(s) is False


def test_begin_edit_refuses_what_cannot_be_edited() -> None:
    s = linear(1)
    with pytest.raises(EditError):
        begin_edit(s, s.messages[1].id, Draft())  # a reply
    old = s.messages[0]
    tree.fork_at(s, old.id, "other")
    with pytest.raises(EditError):
        begin_edit(s, old.id, Draft())  # off the path
    assert begin_edit_last(s, Draft()).message_id == s.messages[0].id


def test_drop_path_tail_takes_back_an_unsent_turn() -> None:
    s = linear(1)
    conv.add_user_message(s, "q2")
    conv.start_reply(s, "grok-4")
    removed = tree.drop_path_tail(s, 2)
    assert texts(removed) == ["q2", ""] and texts(s.messages) == ["q1", "a1"]
    assert s.chosen == {tree.ROOT: s.messages[0].id, s.messages[0].id: s.messages[1].id}


def test_settle_interrupted_covers_off_path_versions() -> None:
    s = linear(1)
    streaming = conv.start_reply(s, "grok-4")  # a second reply, cut off
    tree.fork_at(s, s.messages[0].id, "other")
    assert streaming in s.off_path
    assert conv.settle_interrupted(s) == 1
    assert streaming.status == MessageStatus.FAILED


def test_request_history_is_the_chosen_path() -> None:
    s = linear(2)
    regenerate(s, "a2 v2")
    tree.fork_at(s, s.messages[2].id, "q2 bis")
    sent = [m.text for m in build_request(s).messages]
    assert sent == ["q1", "a1", "q2 bis"]


def test_a_chained_request_continues_from_the_chosen_version() -> None:
    s = linear(1)
    first = s.messages[-1]
    first.response_id, first.stored_on_server = "resp_first", True
    second = regenerate(s, "v2")
    second.response_id, second.stored_on_server = "resp_second", True
    options = RequestOptions(store_responses=True, conversation="server")
    conv.add_user_message(s, "next")
    assert build_request(s, options=options).previous_response_id == "resp_second"
    tree.switch_to(s, first.id)  # the version switched: a fresh chain from it
    conv.add_user_message(s, "next again")
    request = build_request(s, options=options)
    assert request.previous_response_id == "resp_first"
    assert [m.text for m in request.messages] == ["next again"]
    # A fork before any stored reply: no chain, the whole path is sent.
    tree.fork_at(s, s.messages[0].id, "fresh")
    request = build_request(s, options=options)
    assert request.previous_response_id is None
    assert [m.text for m in request.messages if m.role != "system"] == ["fresh"]


def test_a_broken_tree_is_refused_on_validation() -> None:
    s = linear(1)
    data = s.model_dump()
    orphan = Message(role="assistant", text="x", parent_id="missing").model_dump()
    with pytest.raises(ValueError, match="not in the session"):
        Session.model_validate({**data, "off_path": [orphan]})
    twice = dict(data["messages"][1])
    with pytest.raises(ValueError, match="twice"):
        Session.model_validate({**data, "off_path": [twice]})
    a = Message(id="a", role="user", parent_id="b").model_dump()
    b = Message(id="b", role="user", parent_id="a").model_dump()
    with pytest.raises(ValueError, match="cycle"):
        Session.model_validate({**data, "off_path": [a, b]})
