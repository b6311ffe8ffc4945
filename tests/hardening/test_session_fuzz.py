"""Property tests: random and mutated session files through the store.

`SessionStore.load` raises only `DamagedSessionError` (or returns a Session
that can be written back and exported), `list_sessions` lists the file (as
damaged with a reason when it cannot be read), and the file is never touched."""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grok_tui.chat.export import session_to_markdown
from grok_tui.chat.session import Citation, Session, ToolCall
from grok_tui.store import DamagedSessionError, SessionStore
from tests.hardening.corpus import HOSTILE_LITERALS, json_paths, replace_at
from tests.store.helpers import make_session

_SCALE = int(os.environ.get("FUZZ_EXAMPLES", "0"))
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
_ids = itertools.count()


def fuzz(examples: int) -> settings:
    return settings(max_examples=_SCALE or examples, deadline=None, suppress_health_check=_HEALTH)


def _valid_document() -> dict[str, Any]:
    s = make_session("hello **world**", "the answer [1]", title="A title")
    reply = s.messages[-1]
    reply.tool_calls.append(
        ToolCall(
            call_id="c1",
            name="web_search",
            tool_kind="web_search",
            arguments='{"query":"x"}',
            sources=["https://x.ai"],
        )
    )
    reply.citations.append(
        Citation(number=1, url="https://x.ai", title="xAI", start_index=0, end_index=3)
    )
    reply.reasoning = "thinking"
    s.system_prompt = "be brief"
    doc = s.model_dump(mode="json")
    return doc


VALID = _valid_document()


@pytest.fixture(scope="module")
def store() -> Iterator[SessionStore]:
    with tempfile.TemporaryDirectory() as tmp:
        st_ = SessionStore(Path(tmp) / "data")
        yield st_
        st_.close()


def check_file(store: SessionStore, raw: bytes) -> Session | None:
    """Write `raw` as a session file and check every store invariant."""
    sid = f"fuzz{next(_ids)}"
    path = store.sessions_dir / f"{sid}.json"
    path.write_bytes(raw)
    try:
        try:
            session = store.load(sid)
        except DamagedSessionError as exc:
            assert exc.reason and isinstance(exc.reason, str)
            session = None
        else:
            assert isinstance(session, Session)
            # A loaded session must be writable and showable.
            session.model_dump_json().encode("utf-8")
            session_to_markdown(session).encode("utf-8")
        store.refresh()
        rows = {s.id: s for s in store.list_sessions()}
        assert sid in rows
        row = rows[sid]
        if session is None:
            assert row.damaged, "a damaged file is listed with a reason"
            with pytest.raises(DamagedSessionError):
                store.save_snapshot({**VALID, "id": sid})
        else:
            assert row.damaged is None
        for text in (row.title, row.first_line, row.model, row.damaged or ""):
            text.encode("utf-8")
            assert "\x1b" not in text
        assert path.read_bytes() == raw, "the file was modified"
        return session
    finally:
        path.unlink()
        store.refresh()


def _with(doc: dict[str, Any], path: tuple[Any, ...], literal: str) -> bytes:
    return replace_at(json.loads(json.dumps(doc)), path, literal).encode("utf-8", "surrogatepass")


PATHS = json_paths(VALID)
SESSION_LITERALS = HOSTILE_LITERALS + (
    '"-5"',
    '"1e3"',
    '"abc"',
    "-99999999999999999999",
    '"' + "x" * 1_000_000 + '"',
    "1.7976931348623157e309",
)


@fuzz(120)
@given(
    path=st.sampled_from(PATHS),
    literal=st.sampled_from(SESSION_LITERALS),
    version=st.sampled_from(
        [None, "keep", "0", "-1", '"1"', "99999", "1e999", "true", "null", "9" * 50]
    ),
)
def test_wrong_types_in_every_field(
    store: SessionStore, path: tuple[Any, ...], literal: str, version: str | None
) -> None:
    doc = json.loads(json.dumps(VALID))
    if version is None:
        del doc["schema_version"]
    raw = _with(doc, path, literal)
    if version not in (None, "keep"):
        raw = raw.replace(b'"schema_version":1', b'"schema_version":' + version.encode())
        raw = raw.replace(b'"schema_version": 1', b'"schema_version": ' + version.encode())
    check_file(store, raw)


@fuzz(80)
@given(data=st.data())
def test_mutated_session_files(store: SessionStore, data: st.DataObject) -> None:
    doc = json.loads(json.dumps(VALID))
    for _ in range(data.draw(st.integers(0, 3), label="deletes")):
        paths = json_paths(doc)
        if not paths:
            break
        p = data.draw(st.sampled_from(paths), label="del")
        target = doc
        for step in p[:-1]:
            target = target[step]
        del target[p[-1]]
    if data.draw(st.booleans(), label="extra"):
        doc["x_future"] = {"nested": [1, 2, {"a": None}]}
        if doc.get("messages"):
            doc["messages"][0]["x_new"] = "field"
    raw = json.dumps(doc, ensure_ascii=data.draw(st.booleans(), label="ascii")).encode()
    op = data.draw(
        st.sampled_from(["none", "truncate", "flip", "badutf8", "bom", "prefix"]), label="op"
    )
    if op == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1), label="cut")]
    elif op == "flip":
        k = data.draw(st.integers(0, len(raw) - 1), label="k")
        raw = raw[:k] + bytes([raw[k] ^ data.draw(st.integers(1, 255), label="x")]) + raw[k + 1 :]
    elif op == "badutf8":
        k = data.draw(st.integers(0, len(raw)), label="k")
        raw = (
            raw[:k]
            + data.draw(st.sampled_from([b"\xff", b"\xed\xa0\x80", b"\xc3"]), label="junk")
            + raw[k:]
        )
    elif op == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif op == "prefix":
        raw = b"\x00" * 3 + raw
    check_file(store, raw)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(sorted(VALID) + ["name", "content", "x"]) | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@fuzz(100)
@given(value=JSON_VALUES)
def test_random_json_values(store: SessionStore, value: Any) -> None:
    check_file(store, json.dumps(value).encode())


@fuzz(60)
@given(raw=st.binary(max_size=500))
def test_random_bytes(store: SessionStore, raw: bytes) -> None:
    check_file(store, raw)


# -- targeted cases --------------------------------------------------------------

TARGETED: dict[str, bytes] = {
    "v0 messages not a list": b'{"messages": 5}',
    "v0 messages a string": b'{"name": "t", "messages": "abc"}',
    "lone surrogate in text": json.dumps(
        {
            **VALID,
            "title": "t\udc80",
            "messages": [{**VALID["messages"][0], "text": "hi \ud800 there"}],
        }
    ).encode(),
    "lone surrogate in a key": b'{"schema_version":1,"\\ud800":1}',
    "control chars in title": json.dumps({**VALID, "title": "\x1b]2;pwned\x07T\x1b[2J"}).encode(),
    "schema_version string": json.dumps({**VALID, "schema_version": "1"}).encode(),
    "schema_version huge": json.dumps({**VALID, "schema_version": 10**30}).encode(),
    "schema_version negative": json.dumps({**VALID, "schema_version": -3}).encode(),
    "schema_version float": json.dumps({**VALID, "schema_version": 1.0}).encode(),
    "bom": b"\xef\xbb\xbf" + json.dumps(VALID).encode(),
    "deep nesting": b'{"messages":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "created_at infinite": json.dumps(VALID).replace(
        f'"created_at": {VALID["created_at"]}'.encode(), b'"created_at": 1e999', 1
    )
    if False
    else json.dumps({**VALID, "created_at": 1e308 * 10}).encode(),
    "created_at NaN": json.dumps({**VALID, "created_at": float("nan")}).encode(),
    "empty": b"",
    "whitespace": b"  \n",
    "huge title": json.dumps({**VALID, "title": "T" * 2_000_000}).encode(),
}


@pytest.mark.parametrize("name", sorted(TARGETED))
def test_targeted_session_files(store: SessionStore, name: str) -> None:
    check_file(store, TARGETED[name])


def test_surrogates_are_replaced_on_load(store: SessionStore) -> None:
    session = check_file(store, TARGETED["lone surrogate in text"])
    assert session is not None
    assert session.title == "t\ufffd"
    assert session.messages[0].text == "hi \ufffd there"


def test_saving_text_with_lone_surrogates_works(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "data") as st_:
        s = make_session("paste \udcff from a bad file name", "ok")
        st_.save(s)
        st_.refresh()
        assert [r.id for r in st_.list_sessions()] == [s.id]
        again = st_.load(s.id)
        assert again.messages[0].text == "paste \ufffd from a bad file name"
