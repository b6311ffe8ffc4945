"""Server-side state of the fake: stored responses and encrypted reasoning.

* `store` (default true, xai-wire.md §3.1): a stored response keeps its whole
  conversation (earlier stored turns + this input + this output) so a later
  request can continue it by `previous_response_id` and send only new items.
  An unknown, expired or deleted id is refused like the real server answers for
  an unknown response id (404 "No responses could be found with the given
  response_id", §5.5). `ResponseStore.expire(id)` / `clear()` let tests play
  the 30-day expiry.
* `include: ["reasoning.encrypted_content"]`: reasoning items carry an opaque
  `encrypted_content` blob. Blobs replayed in a later input are checked: a
  reasoning item without one, or with one the fake did not make (changed,
  truncated, made for another model), is refused with a 400, as a real server
  must refuse reasoning it cannot decrypt.

`continue_stored(responses, req, model_id)` applies both to a request before
it is answered (the prior conversation joins its input; refusals raise
`HTTPError`); `store_response` keeps a finished turn.

Independent of `grok_tui.api` like the rest of the fake.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from typing import Any

from grok_tui.fake.http_errors import CODE_INVALID, CODE_NOT_FOUND_MODEL, HTTPError
from grok_tui.fake.parsed_request import ParsedRequest, _parts_text

ENCRYPTED_PREFIX = "gAAAAB"  # looks like the opaque blobs of Responses-style APIs
_SECRET = b"grok-tui-fake-reasoning-key"
MSG_UNKNOWN_RESPONSE = "No responses could be found with the given response_id"


def encrypted_blob(response_id: str, model_id: str, summary: str) -> str:
    """An opaque, checkable blob for one reasoning item."""
    payload = json.dumps({"r": response_id, "m": model_id, "s": summary}, separators=(",", ":"))
    raw = payload.encode("utf-8")
    mac = hashlib.sha256(_SECRET + raw).hexdigest()[:24]
    return ENCRYPTED_PREFIX + base64.urlsafe_b64encode(raw).decode("ascii") + "." + mac


def blob_model(blob: Any) -> str | None:
    """The model a well-formed blob was made for, or None when it is not one of ours."""
    if not isinstance(blob, str) or not blob.startswith(ENCRYPTED_PREFIX) or "." not in blob:
        return None
    body, _, mac = blob[len(ENCRYPTED_PREFIX) :].rpartition(".")
    try:
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
        data = json.loads(raw)
    except (ValueError, UnicodeError):
        return None
    if hashlib.sha256(_SECRET + raw).hexdigest()[:24] != mac or not isinstance(data, dict):
        return None
    model = data.get("m")
    return model if isinstance(model, str) else None


def replayed_reasoning_problem(items: Any, model_id: str) -> str | None:
    """Why the reasoning items in a request's input cannot be used, or None."""
    if not isinstance(items, list):
        return None
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "reasoning":
            continue
        iid = item.get("id")
        label = iid if isinstance(iid, str) else "without an id"
        if not isinstance(item.get("summary", []), list):
            return f"Invalid request content: reasoning item {label}: summary must be an array."
        blob = item.get("encrypted_content")
        if blob is None:
            return (
                f"Invalid request content: reasoning item {label} has no encrypted_content; "
                "send the item as returned with include reasoning.encrypted_content."
            )
        made_for = blob_model(blob)
        if made_for is None:
            return f"Invalid request content: reasoning item {label}: encrypted_content could not be decrypted."
        if made_for != model_id:
            return (
                f"Invalid request content: reasoning item {label} was produced by {made_for} "
                f"and cannot be used with {model_id}."
            )
    return None


class ResponseStore:
    """Stored responses: id -> the conversation items up to and including its output."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, list[dict[str, Any]]] = {}
        self._pending: dict[str, dict[str, Any]] = {}

    def put(
        self, response_id: str, items: list[dict[str, Any]], final: dict[str, Any] | None = None
    ) -> None:
        """Store a response's conversation; `final` is a response object that is
        filled when its stream finishes (its `output` is read then)."""
        with self._lock:
            self._items[response_id] = list(items)
            if final is not None:
                self._pending[response_id] = final

    def get(self, response_id: str) -> list[dict[str, Any]] | None:
        with self._lock:
            items = self._items.get(response_id)
            if items is None:
                return None
            final = self._pending.get(response_id)
            later = final.get("output") if final is not None else None
            return list(items) + [i for i in (later or []) if isinstance(i, dict)]

    def expire(self, response_id: str) -> bool:
        """Forget one stored response (30-day expiry, deletion); whether it was there."""
        with self._lock:
            self._pending.pop(response_id, None)
            return self._items.pop(response_id, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._pending.clear()

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._items)


def continue_stored(responses: ResponseStore, req: ParsedRequest, model_id: str) -> None:
    """`previous_response_id` (§3.1, §5.5) and replayed encrypted reasoning."""
    body = req.body
    previous = body.get("previous_response_id")
    if previous is not None:
        if body.get("instructions"):
            raise HTTPError(
                400,
                CODE_INVALID,
                "Invalid request content: instructions cannot be used "
                "alongside previous_response_id.",
            )
        prior = responses.get(previous) if isinstance(previous, str) else None
        if prior is None:
            raise HTTPError(404, CODE_NOT_FOUND_MODEL, MSG_UNKNOWN_RESPONSE)
        req.prior_items = prior
        prior_chars = sum(len(_parts_text(i.get("content"))[0]) for i in prior)
        req.history_chars += prior_chars
        req.input_chars += prior_chars
        req.message_count += len(prior)
    problem = replayed_reasoning_problem(body.get("input"), model_id)
    if problem is not None:
        raise HTTPError(400, CODE_INVALID, problem)


def store_response(
    responses: ResponseStore,
    req: ParsedRequest,
    rid: str,
    output: list[Any],
    final: dict[str, Any] | None = None,
) -> None:
    """Keep the conversation for `previous_response_id` unless `store: false`;
    `final` (a search or tools turn's response, filled as it streams) adds its output later."""
    if req.body.get("store", True) is False:
        return
    raw = req.body.get("input")
    items = (
        [{"role": "user", "content": raw}]
        if isinstance(raw, str)
        else [i for i in (raw if isinstance(raw, list) else []) if isinstance(i, dict)]
    )
    responses.put(rid, [*req.prior_items, *items, *output], final)
