"""The fake's request checks (§2.1, §2.6, §3.3 and the §8 checklist): what the
real API refuses with a 4xx before it generates anything. Raw dict access on
the parsed request only (the fake never imports grok_tui.api)."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from grok_tui.fake.catalog import ModelEntry
from grok_tui.fake.files_api import FileStore, input_file_ids
from grok_tui.fake.http_errors import CODE_INVALID, CODE_NOT_FOUND_ROUTE, MSG_LIVE_SEARCH, HTTPError
from grok_tui.fake.parsed_request import ParsedRequest
from grok_tui.fake.wire import dumps

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validate(req: ParsedRequest, model: ModelEntry, files: FileStore) -> None:
    """Refuse what the real API refuses (HTTPError): live search parameters,
    images to a text-only model, reasoning settings the model does not take,
    penalties on reasoning models, bad messages and tool settings, unknown files."""
    body = req.body
    if "search_parameters" in body:
        raise HTTPError(410, CODE_NOT_FOUND_ROUTE, MSG_LIVE_SEARCH)
    if req.image_count and not model.images:
        raise HTTPError(
            400,
            CODE_INVALID,  # guess: text not captured
            f"Model {model.id} does not support image input.",
        )
    if req.effort is not None:
        param = "reasoningEffort"
        if model.efforts is None:
            raise HTTPError(
                400, CODE_INVALID, f"Model {model.id} does not support parameter {param}."
            )
        if req.effort not in model.efforts:
            raise HTTPError(
                400,
                CODE_INVALID,
                f"Invalid reasoning effort '{req.effort}' for model {model.id}. "
                f"Supported values: {', '.join(model.efforts)}.",
            )
    if model.reasoning != "none" and model.rejects_penalties:
        for fld, camel in (
            ("presence_penalty", "presencePenalty"),
            ("frequency_penalty", "frequencyPenalty"),
            ("stop", "stop"),
        ):
            if body.get(fld) is not None:
                raise HTTPError(400, CODE_INVALID, f"Argument not supported on this model: {camel}")
    _validate_messages(req)
    _validate_other_tools(req)
    for file_id in input_file_ids(body) if req.api == "responses" else []:
        if files.get(file_id) is None:
            raise HTTPError(
                404, CODE_NOT_FOUND_ROUTE, f"File {file_id or '(empty file_id)'} was not found."
            )
    if req.web_tool is not None:
        _validate_list_pair(
            req.web_tool, "web_search", "allowed_domains", "excluded_domains", 5, "domains"
        )
    if req.x_tool is not None:
        _validate_list_pair(
            req.x_tool, "x_search", "allowed_x_handles", "excluded_x_handles", 10, "handles"
        )
        dates: dict[str, _dt.date] = {}
        for fld in ("from_date", "to_date"):
            value = req.x_tool.get(fld)
            if value is None:
                continue
            try:
                if not isinstance(value, str) or not _ISO_DATE.match(value):
                    raise ValueError
                dates[fld] = _dt.date.fromisoformat(value)
            except ValueError:
                raise HTTPError(
                    400,
                    CODE_INVALID,
                    f"Invalid request content: x_search.{fld} must be an ISO-8601 date "
                    f"(YYYY-MM-DD), got {dumps(value)}.",
                ) from None
        if len(dates) == 2 and dates["from_date"] > dates["to_date"]:
            raise HTTPError(
                400,
                CODE_INVALID,
                "Invalid request content: x_search.from_date must not be after x_search.to_date.",
            )


def missing_collection(req: ParsedRequest) -> None:
    """The `collections_missing` fault: the first collection does not exist
    (message text is a guess in the style of §6.2)."""
    ids = (req.file_search_tool or {}).get("vector_store_ids") or ["collection_unknown"]
    raise HTTPError(
        404,
        CODE_NOT_FOUND_ROUTE,
        f"Collection {ids[0]} was not found or you do not have access to it.",
    )


def _validate_other_tools(req: ParsedRequest) -> None:
    """code_interpreter, mcp and file_search as xai-wire §3.3 describes them."""
    labels: set[str] = set()
    for tool in req.mcp_tools:
        url = tool.get("server_url")
        label = tool.get("server_label")
        if not isinstance(url, str) or not re.match(r"^https?://[^/\s]+", url):
            raise HTTPError(
                400,
                CODE_INVALID,
                "Invalid request content: mcp.server_url must be an http(s) "
                f"URL, got {dumps(url)}.",
            )
        if not isinstance(label, str) or not label:
            raise HTTPError(
                400, CODE_INVALID, "Invalid request content: mcp.server_label is required."
            )
        if label in labels:
            raise HTTPError(
                400,
                CODE_INVALID,
                f"Invalid request content: mcp server_label {label!r} is used by two tools.",
            )
        labels.add(label)
        allowed = tool.get("allowed_tools")
        if allowed is not None and not (
            isinstance(allowed, list) and all(isinstance(a, str) and a for a in allowed)
        ):
            raise HTTPError(
                422,
                CODE_INVALID,
                "Failed to deserialize the JSON body into the target type: "
                "tools: allowed_tools: invalid type: expected a sequence of "
                "strings",
            )
        auth = tool.get("authorization")
        if auth is not None and not isinstance(auth, str):
            raise HTTPError(
                422,
                CODE_INVALID,
                "Failed to deserialize the JSON body into the target type: "
                "tools: authorization: invalid type: expected a string",
            )
    fs = req.file_search_tool
    if fs is not None:
        ids = fs.get("vector_store_ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise HTTPError(
                400,
                CODE_INVALID,
                "Invalid request content: file_search.vector_store_ids must "
                "list at least one collection id.",
            )
        if len(ids) > 10:
            raise HTTPError(
                400,
                CODE_INVALID,
                "Invalid request content: file_search.vector_store_ids can "
                f"contain at most 10 collections, got {len(ids)}.",
            )
        for fld in ("filters", "ranking_options"):
            if fs.get(fld) is not None:
                raise HTTPError(
                    400,
                    CODE_INVALID,
                    f"Invalid request content: file_search.{fld} is not supported.",
                )
        limit = fs.get("max_num_results")
        if limit is not None and (not isinstance(limit, int) or not 1 <= limit <= 50):
            raise HTTPError(
                400,
                CODE_INVALID,
                "Invalid request content: file_search.max_num_results must be "
                f"between 1 and 50, got {dumps(limit)}.",
            )


def _validate_list_pair(
    tool: dict[str, Any], tname: str, a: str, b: str, limit: int, what: str
) -> None:
    va, vb = tool.get(a), tool.get(b)
    for fld, value in ((a, va), (b, vb)):
        if value is not None and not isinstance(value, list):
            raise HTTPError(
                422,
                CODE_INVALID,
                "Failed to deserialize the JSON body into the target type: "
                f"tools: {fld}: invalid type: expected a sequence",
            )
        if isinstance(value, list) and len(value) > limit:
            raise HTTPError(
                400,
                CODE_INVALID,
                f"Invalid request content: {tname}.{fld} can contain at most {limit} "
                f"{what}, got {len(value)}.",
            )
    if va and vb:
        raise HTTPError(
            400, CODE_INVALID, f"Invalid request content: {tname} cannot set both {a} and {b}."
        )


def _validate_messages(req: ParsedRequest) -> None:
    items = req.body.get("messages" if req.api == "chat" else "input")
    if not isinstance(items, list):
        return
    if req.api == "chat" and not items:
        raise HTTPError(
            400, CODE_INVALID, "Invalid request content: The messages must not be empty."
        )
    for item in items:
        if not isinstance(item, dict) or "role" not in item:
            continue
        content = item.get("content")
        if item.get("role") == "assistant" and (item.get("tool_calls") or content == ""):
            continue
        if content is None or content == [] or content == "":
            raise HTTPError(
                400,
                CODE_INVALID,
                "Invalid request content: Each message must have at least one content element.",
            )
