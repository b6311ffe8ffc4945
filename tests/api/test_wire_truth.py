"""Privacy by default, encrypted reasoning, server-side conversation state and
the wire-layer edge cases, checked on the request bodies the loopback fake
recorded (issue 13)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from grok_tui.api.chat_request import ChatRequest, InputMessage
from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.decode_responses import ResponsesDecoder
from grok_tui.api.errors import InvalidRequestError, NotFoundError, RateLimitError, ServerError
from grok_tui.api.events import (
    Completed,
    DebugEvent,
    EncryptedReasoning,
    Failed,
    Retrying,
    StreamEvent,
)
from grok_tui.chat import conversation as conv
from grok_tui.chat.pricing import ModelCatalog
from grok_tui.chat.request_builder import RequestOptions, build_request
from grok_tui.chat.sending import FALLBACK_NOTE, TurnSender
from grok_tui.chat.session import Session
from grok_tui.chat.turn import TurnRecorder
from grok_tui.fake import FakeServer
from tests.api.conftest import FAKE_KEY


def client(server: FakeServer, retries: int = 0) -> XAIClient:
    async def no_sleep(_s: float) -> None:
        return None

    return XAIClient(FAKE_KEY, server.url, retry=RetryPolicy(max_retries=retries, sleep=no_sleep))


async def run(server: FakeServer, request: ChatRequest, retries: int = 0) -> list[StreamEvent]:
    async with client(server, retries) as c:
        return [ev async for ev in c.stream(request)]


def posts(server: FakeServer) -> list[dict[str, Any]]:
    return [r.json for r in server.fake.requests if r.method == "POST"]


async def turn(
    server: FakeServer, session: Session, text: str, options: RequestOptions, *, system: str = ""
) -> list[StreamEvent]:
    """One TUI-like turn: add the prompt, build, stream with the fallback, record."""
    session.system_prompt = system
    conv.add_user_message(session, text)
    sender = TurnSender("responses", options, ModelCatalog(), lambda: [FAKE_KEY])
    request = sender.build(session)
    reply = conv.start_reply(session, request.model)
    reply.stored_on_server = request.store is True
    recorder = TurnRecorder(reply)
    events: list[StreamEvent] = []
    async with client(server) as c:
        async for event in sender.stream(c.stream, session, request):
            recorder.apply(event)
            events.append(event)
    return events


# ---- privacy by default + encrypted reasoning ---------------------------------------


async def test_store_false_and_encrypted_reasoning_replayed(server: FakeServer) -> None:
    session = Session(model="grok-4.3")
    events = await turn(server, session, "first question", RequestOptions())
    first = posts(server)[-1]
    assert first["store"] is False
    assert first["include"] == ["reasoning.encrypted_content"]
    sealed = [e for e in events if isinstance(e, EncryptedReasoning)]
    assert len(sealed) == 1 and sealed[0].item["type"] == "reasoning"
    reply = session.messages[-1]
    assert reply.reasoning_items == [sealed[0].item]

    events = await turn(server, session, "second question", RequestOptions())
    assert isinstance(events[-1], Completed)  # the fake accepted the replayed item
    second = posts(server)[-1]
    kinds = [item.get("type", item.get("role")) for item in second["input"]]
    assert kinds == ["user", "reasoning", "assistant", "user"]
    assert second["input"][1] == sealed[0].item
    assert "previous_response_id" not in second and second["store"] is False


async def test_non_reasoning_model_asks_for_no_encrypted_content(server: FakeServer) -> None:
    session = Session(model="grok-4.20-non-reasoning")
    await turn(server, session, "hello", RequestOptions())
    body = posts(server)[-1]
    assert body["store"] is False and "include" not in body


async def test_store_on_sends_store_true_and_no_include(server: FakeServer) -> None:
    session = Session(model="grok-4.3")
    await turn(server, session, "hello", RequestOptions(store_responses=True))
    body = posts(server)[-1]
    assert body["store"] is True and "include" not in body
    assert session.messages[-1].response_id in server.fake.responses.ids()


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda item: item.pop("encrypted_content"), "has no encrypted_content"),
        (
            lambda item: item.update(encrypted_content=item["encrypted_content"][:-3] + "xyz"),
            "could not be decrypted",
        ),
    ],
)
async def test_fake_refuses_damaged_replayed_reasoning(
    server: FakeServer, change: Any, needle: str
) -> None:
    session = Session(model="grok-4.3")
    await turn(server, session, "first", RequestOptions())
    change(session.messages[-1].reasoning_items[0])
    events = await turn(server, session, "second", RequestOptions())
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, InvalidRequestError)
    assert needle in last.error.message
    assert not any(isinstance(e, Retrying) for e in events)


async def test_reasoning_of_another_model_is_not_replayed(server: FakeServer) -> None:
    session = Session(model="grok-4.3")
    await turn(server, session, "first", RequestOptions())
    session.model = "grok-4.6"
    events = await turn(server, session, "second", RequestOptions())
    assert isinstance(events[-1], Completed)
    assert all(item.get("type") != "reasoning" for item in posts(server)[-1]["input"])


def test_decoder_emits_encrypted_reasoning_once_stream_and_final_snapshot() -> None:
    item = {
        "id": "rs_1",
        "type": "reasoning",
        "summary": [],
        "status": "completed",
        "encrypted_content": "gAAAABblob",
    }
    dec = ResponsesDecoder()
    out = dec.feed({"type": "response.created", "response": {"id": "r1", "model": "m"}})
    out += dec.feed({"type": "response.output_item.done", "item": item, "output_index": 0})
    out += dec.feed(
        {
            "type": "response.completed",
            "response": {"id": "r1", "model": "m", "output": [item], "status": "completed"},
        }
    )
    sealed = [e for e in out if isinstance(e, EncryptedReasoning)]
    assert [e.item for e in sealed] == [
        {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAAABblob"}
    ]
    # Only in the final snapshot (a non-streamed answer): still decoded.
    dec = ResponsesDecoder()
    out = dec.feed(
        {
            "type": "response.completed",
            "response": {"id": "r2", "model": "m", "output": [copy.deepcopy(item)]},
        }
    )
    assert len([e for e in out if isinstance(e, EncryptedReasoning)]) == 1
    # Without encrypted content: nothing to replay.
    dec = ResponsesDecoder()
    plain = {k: v for k, v in item.items() if k != "encrypted_content"}
    out = dec.feed({"type": "response.output_item.done", "item": plain, "output_index": 0})
    assert not [e for e in out if isinstance(e, EncryptedReasoning)]


# ---- server-side conversation state ----------------------------------------------


async def test_chained_turns_send_only_new_items_and_fall_back_when_expired(
    server: FakeServer,
) -> None:
    options = RequestOptions(store_responses=True, conversation="server")
    session = Session(model="grok-4.3")
    await turn(server, session, "first question", options, system="Be brief.")
    first = posts(server)[-1]
    # The system prompt is part of the stored conversation (no `instructions`
    # with previous_response_id later).
    assert "instructions" not in first and "previous_response_id" not in first
    assert first["input"][0] == {"role": "system", "content": "Be brief."}
    first_id = session.messages[-1].response_id

    await turn(server, session, "second question", options, system="Be brief.")
    second = posts(server)[-1]
    assert second["previous_response_id"] == first_id
    assert second["input"] == [{"role": "user", "content": "second question"}]
    assert "instructions" not in second and second["store"] is True

    # The server forgot the chain (30-day expiry, deletion): this turn goes out
    # again at once with the full history, says so once, loses nothing.
    server.fake.responses.expire(session.messages[-1].response_id)
    before = len(posts(server))
    events = await turn(server, session, "third question", options, system="Be brief.")
    bodies = posts(server)[before:]
    assert len(bodies) == 2
    assert "previous_response_id" in bodies[0]
    assert "previous_response_id" not in bodies[1]
    texts = [i.get("content") for i in bodies[1]["input"]]
    assert texts[0] == "Be brief." and "first question" in texts and "third question" in texts
    assert isinstance(events[-1], Completed)
    assert session.messages[-1].notes == [FALLBACK_NOTE]
    assert [e for e in events if isinstance(e, DebugEvent) and e.message == FALLBACK_NOTE]

    # The next turn chains again, off the reply that was sent in full.
    await turn(server, session, "fourth", options, system="Be brief.")
    assert posts(server)[-1]["previous_response_id"] == session.messages[-3].response_id


async def test_fake_unknown_previous_response_id_is_the_documented_404(server: FakeServer) -> None:
    events = await run(
        server,
        ChatRequest(
            "grok-4.3", (InputMessage("user", "hi"),), previous_response_id="nope", store=True
        ),
    )
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, NotFoundError)
    assert "No responses could be found with the given response_id" in last.error.message
    assert not last.error.retryable


def test_server_mode_without_storage_is_stateless() -> None:
    session = Session(model="grok-4.3", system_prompt="Be brief.")
    conv.add_user_message(session, "hi")
    req = build_request(session, options=RequestOptions(conversation="server"))
    assert req.previous_response_id is None and req.instructions == "Be brief."
    assert req.store is False


# ---- wire-layer edge cases (defect 10) -------------------------------------------


async def test_instructions_never_sent_with_previous_response_id(server: FakeServer) -> None:
    first = await run(server, ChatRequest("grok-4.3", (InputMessage("user", "hi"),), store=True))
    rid = next(e for e in first if isinstance(e, Completed)).response_id
    events = await run(
        server,
        ChatRequest(
            "grok-4.3",
            (InputMessage("user", "more"),),
            instructions="Be brief.",
            previous_response_id=rid,
            store=True,
        ),
    )
    body = posts(server)[-1]
    assert body["previous_response_id"] == rid and "instructions" not in body
    assert isinstance(events[-1], Completed)
    notes = [e.message for e in events if isinstance(e, DebugEvent) and e.raw_type == "request"]
    assert notes == ["instructions were not sent with previous_response_id (the API refuses both)"]


async def test_search_parameters_never_sent_to_responses(server: FakeServer) -> None:
    events = await run(
        server,
        ChatRequest(
            "grok-4.3",
            (InputMessage("user", "hi"),),
            extra={"search_parameters": {"mode": "on"}, "user": "u1"},
        ),
    )
    body = posts(server)[-1]
    assert "search_parameters" not in body and body["user"] == "u1"
    assert isinstance(events[-1], Completed)
    assert any(isinstance(e, DebugEvent) and "search_parameters" in e.message for e in events)


# ---- retries over the wire (defect 3) --------------------------------------------


async def test_in_stream_request_error_is_not_retried(server: FakeServer) -> None:
    events = await run(
        server,
        ChatRequest("grok-4.3", (InputMessage("user", "x scenario:error_image_too_large"),)),
        retries=3,
    )
    assert not any(isinstance(e, Retrying) for e in events)
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, InvalidRequestError)
    assert len(posts(server)) == 1


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_in_stream_server_error_still_retried(server: FakeServer, api: str) -> None:
    server.fake.queue_scenarios(
        ["error_event", "plain"] if api == "responses" else ["error_nested", "plain"]
    )
    async with client(server, retries=3) as c:
        req = ChatRequest("grok-4.3", (InputMessage("user", "hi"),))
        events = [ev async for ev in c.stream(req, api=api)]  # type: ignore[arg-type]
    # A partial answer was shown, so the client does not retry; the error is
    # still the retryable kind (the user's Ctrl+R resends).
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, (ServerError, RateLimitError))
    assert last.error.retryable


async def test_chat_in_band_request_error_not_retried(server: FakeServer) -> None:
    async with client(server, retries=3) as c:
        req = ChatRequest("grok-4.3", (InputMessage("user", "x scenario:error_image_too_large"),))
        events = [ev async for ev in c.stream(req, api="chat")]
    assert not any(isinstance(e, Retrying) for e in events)
    assert isinstance(events[-1], Failed) and isinstance(events[-1].error, InvalidRequestError)


def test_a_changed_system_prompt_starts_a_new_chain() -> None:
    from grok_tui.chat.sending import break_chain
    from grok_tui.chat.session import MessageStatus

    options = RequestOptions(store_responses=True, conversation="server")
    session = Session(model="grok-4.3", system_prompt="Be brief.")
    conv.add_user_message(session, "one")
    reply = conv.start_reply(session, "grok-4.3")
    reply.text, reply.status, reply.response_id, reply.stored_on_server = (
        "ok",
        MessageStatus.COMPLETE,
        "r1",
        True,
    )
    conv.add_user_message(session, "two")
    assert build_request(session, options=options).previous_response_id == "r1"
    session.system_prompt = "Be verbose."
    break_chain(session)
    req = build_request(session, options=options)
    assert req.previous_response_id is None
    assert (req.messages[0].role, req.messages[0].text) == ("system", "Be verbose.")
    assert [m.text for m in req.messages[1:]] == ["one", "ok", "two"]


async def test_search_turns_carry_encrypted_reasoning_and_are_stored_whole(
    server: FakeServer,
) -> None:
    from grok_tui.chat.search import SearchSettings

    session = Session(
        model="grok-4.3", search=SearchSettings.model_validate({"web": {"enabled": True}})
    )
    events = await turn(server, session, "latest news please", RequestOptions())
    assert any(isinstance(e, EncryptedReasoning) for e in events)
    await turn(server, session, "more news", RequestOptions())
    assert isinstance((await turn(server, session, "thanks", RequestOptions()))[-1], Completed)
    # Stored (storage on): the conversation holds the streamed search output.
    stored = Session(
        model="grok-4.3", search=SearchSettings.model_validate({"web": {"enabled": True}})
    )
    await turn(server, stored, "latest news please", RequestOptions(store_responses=True))
    items = server.fake.responses.get(stored.messages[-1].response_id or "")
    assert items is not None and any(i.get("type") == "message" for i in items)
