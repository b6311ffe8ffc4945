"""The fake xAI API's protocol logic, without sockets: routing, auth,
validation, scenario choice and the answer (status, headers, body items).

Error bodies use xAI's flat `{"code": ..., "error": ...}` shape with the
message texts of xai-wire.md §6.2 (texts the spec does not give are marked
as guesses below).
"""

from __future__ import annotations

import itertools
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from grok_tui.fake import textgen
from grok_tui.fake.catalog import MODELS, ModelEntry, resolve_model
from grok_tui.fake.chat_api import ChatWriter
from grok_tui.fake.files_api import (
    MAX_UPLOAD_BYTES,
    MSG_TOO_LARGE,
    UPLOAD_BODY_SCENARIOS,
    FileStore,
    UploadPlan,
    input_file_ids,
    parse_multipart,
    upload_plan,
)
from grok_tui.fake.http_errors import (
    CODE_EXHAUSTED,
    CODE_INTERNAL,
    CODE_INVALID,
    CODE_NOT_FOUND_MODEL,
    CODE_NOT_FOUND_ROUTE,
    CODE_PERMISSION,
    CODE_UNAUTH,
    CODE_UNAVAILABLE,
    MSG_LIVE_SEARCH,
    MSG_ROUTE,
    HTTPError,
)
from grok_tui.fake.parsed_request import ApiKind, ParsedRequest, _parts_text, parse
from grok_tui.fake.responses_api import (
    Plan,
    ResponsesWriter,
    Settings,
    plan_search,
    search_turn,
    search_turn_shape_a,
)
from grok_tui.fake.state import MSG_UNKNOWN_RESPONSE, ResponseStore, replayed_reasoning_problem
from grok_tui.fake.tools_api import TOOL_SCENARIOS, plan_tools, tools_turn
from grok_tui.fake.validation import missing_collection, validate
from grok_tui.fake.wire import (
    DROP,
    KEEPALIVE_COMMENT,
    BodyItem,
    FakeResponse,
    Pause,
    RecordedRequest,
    json_body,
    mask_key_like_xai,
    with_keepalives,
)

DEMO_API_KEY = "xai-demo-offline"

TEAM_ID = "5ea6f6bd-7815-4b8a-9135-28b2d7ba6722"
MSG_BILLING = (
    f"Your team {TEAM_ID} has either used all available credits or reached its monthly "
    "spending limit. To continue making API requests, please purchase more credits or "
    "raise your spending limit."
)
MSG_CAPACITY = "The service is temporarily at capacity. Please retry your request shortly."
MSG_STREAM_UNAVAILABLE = (
    "Service temporarily unavailable. The model did not respond to this request."
)

PARTIAL_TEXT = "The answer starts streaming here, and then"
# OpenAI `ResponseError.code` image_too_large (§6.2); the text is a guess.
MSG_IMAGE_TOO_LARGE = "Image too large: the image is larger than the 20 MiB limit."

HTTP_ERROR_SCENARIOS = frozenset(
    {
        "error_401",
        "error_400_bad_key",
        "error_403",
        "error_404",
        "error_410",
        "error_422",
        "error_429",
        "error_429_no_retry_after",
        "error_429_billing",
        "error_429_capacity",
        "error_500",
        "error_503",
        "error_200_json",
    }
)
STREAM_SCENARIOS = (
    frozenset(
        {
            "plain",
            "markdown",
            "reasoning",
            "search",
            "search_shape_a",
            "image",
            "error_event",
            "error_nested",
            "response_failed",
            "drop",
            "stall",
            "malformed",
            "unknown_events",
            "keepalive",
            "error_image_too_large",
        }
    )
    | TOOL_SCENARIOS
)
#: Refused before the stream when the request searches collections.
TOOL_HTTP_SCENARIOS = frozenset({"collections_missing", "upload_too_large"})
SCENARIOS = HTTP_ERROR_SCENARIOS | STREAM_SCENARIOS | TOOL_HTTP_SCENARIOS | UPLOAD_BODY_SCENARIOS
#: Stream scenarios whose response never completes (nothing is stored).
_UNFINISHED_SCENARIOS = frozenset(
    {"error_event", "error_nested", "response_failed", "drop", "malformed", "error_image_too_large"}
)

_RATE_HEADERS = {
    "x-ratelimit-limit-requests": "480",
    "x-ratelimit-remaining-requests": "0",
    "x-ratelimit-limit-tokens": "4000000",
    "x-ratelimit-remaining-tokens": "0",
}


@dataclass
class FakeConfig:
    """Runtime-mutable behaviour switches of the fake (see docs/CONTRACTS.md)."""

    api_key: str = "xai-test-key"
    tokens_per_second: float | None = None
    emit_event_lines: bool = False
    emit_done_trailer: bool = False
    rate_limit_headers: bool = True
    stall_seconds: float = 30.0
    markdown_tokens: int = 2000
    chunk_chars: int = 4
    usage_without_include: bool = False
    #: Send `: keep-alive` SSE comment frames every this many seconds during
    #: pauses of a stream (stalls, tool latency, the `keepalive` scenario).
    keepalive_seconds: float | None = None
    #: Answer a streaming request with one whole JSON body (a server that
    #: ignores `stream: true`).
    ignore_stream: bool = False
    #: Model ids whose replies' usage carries no `cost_in_usd_ticks` (a server
    #: or model that does not report cost; the client estimates it).
    costless_models: tuple[str, ...] = ()
    #: Read upload bodies (`POST /v1/files`) at this many bytes per second
    #: (None: at once). See `files_api.UploadPlan`.
    upload_bytes_per_second: float | None = None


#: Comment frames the `keepalive` scenario sends before its answer.
KEEPALIVE_SCENARIO_COMMENTS = 3


def _json_response(obj: Any, status: int = 200) -> FakeResponse:
    return FakeResponse(status, {"content-type": "application/json"}, json_body(obj))


_GEN_ROUTES: dict[str, ApiKind] = {"/v1/responses": "responses", "/v1/chat/completions": "chat"}


def _route(path: str) -> tuple[str, str | None] | None:
    """(route name, path parameter) or None for an unknown route."""
    if path in _GEN_ROUTES:
        return path, None
    if path == "/v1/files":
        return path, None
    if path.startswith("/v1/files/") and len(path) > 10 and "/" not in path[10:]:
        return "/v1/files/{id}", path[10:]
    if path in ("/v1/models", "/v1/language-models"):
        return path, None
    for prefix in ("/v1/models/", "/v1/language-models/"):
        if path.startswith(prefix) and len(path) > len(prefix) and "/" not in path[len(prefix) :]:
            return prefix.rstrip("/") + "/{id}", path[len(prefix) :]
    return None


class FakeXAI:
    """The fake backend's logic. Thread-safe; `handle` is called per request."""

    def __init__(
        self,
        config: FakeConfig | None = None,
        *,
        clock: Callable[[], float] = time.time,
        seed: int = 0,
    ) -> None:
        self.config = config if config is not None else FakeConfig()
        self.clock = clock
        self.seed = seed
        self.requests: list[RecordedRequest] = []
        self._queue: list[str] = []
        self._lock = threading.Lock()
        self._counter = 0
        #: Stored responses (`store`, `previous_response_id`; see fake/state.py).
        self.responses = ResponseStore()
        #: Documents uploaded through `/v1/files` (see `files_api`).
        self.files = FileStore()

    # ----- public helpers ------------------------------------------------
    def queue_scenarios(self, names: list[str]) -> None:
        unknown = [n for n in names if n not in SCENARIOS]
        if unknown:
            raise ValueError(f"unknown scenario(s): {', '.join(unknown)}")
        with self._lock:
            self._queue.extend(names)

    @property
    def queued(self) -> list[str]:
        with self._lock:
            return list(self._queue)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._queue.clear()
            self._counter = 0
        self.responses.clear()
        self.files.clear()

    # ----- the entry point -----------------------------------------------
    def upload_plan(self, method: str, path: str, headers: Mapping[str, str]) -> UploadPlan | None:
        """Before the body of a request is read: how to read it (None: at once).
        Only uploads (`POST /v1/files`) are paced or dropped; an
        `upload_slow`/`upload_drop` scenario at the head of the queue is taken
        here. A dropped upload never reaches `handle`, so it is recorded here."""
        if method.upper() != "POST" or path.split("?", 1)[0] != "/v1/files":
            return None
        hdrs = {k.lower(): v for k, v in headers.items()}
        length = int(hdrs.get("content-length") or 0)
        with self._lock:
            scenario = None
            if self._queue and self._queue[0] in UPLOAD_BODY_SCENARIOS:
                scenario = self._queue.pop(0)
            if scenario == "upload_drop":
                recorded = {k: v for k, v in hdrs.items() if k != "authorization"}
                self.requests.append(RecordedRequest("POST", "/v1/files", recorded, None, True))
        return upload_plan(scenario, length, self.config.upload_bytes_per_second)

    def handle(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> FakeResponse:
        method = method.upper()
        path = path.split("?", 1)[0]
        hdrs = {k.lower(): v for k, v in headers.items()}
        key = self._bearer(hdrs.get("authorization"))
        auth_ok = key == self.config.api_key
        recorded = dict(hdrs)
        if "authorization" in recorded:
            recorded["authorization"] = (
                f"Bearer {mask_key_like_xai(key)}" if key is not None else "***"
            )
        parsed_json: Any | None
        try:
            parsed_json = json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError):
            parsed_json = None
        route = _route(path)
        with self._lock:
            self.requests.append(RecordedRequest(method, path, recorded, parsed_json, auth_ok))
            # Queued scenarios are for the next generation or Files request: the
            # model list a client fetches on its own (the TUI, in the background
            # at start) does not use one up.
            takes_scenario = route is not None and not route[0].startswith(
                ("/v1/models", "/v1/language-models")
            )
            queued = self._queue.pop(0) if (self._queue and takes_scenario) else None
        try:
            return self._dispatch(method, path, route, hdrs, key, body, parsed_json, queued)
        except HTTPError as err:
            return err.response()

    @staticmethod
    def _bearer(value: str | None) -> str | None:
        if not value:
            return None
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()

    def _dispatch(
        self,
        method: str,
        path: str,
        route: tuple[str, str | None] | None,
        hdrs: dict[str, str],
        key: str | None,
        body: bytes,
        parsed_json: Any,
        queued: str | None,
    ) -> FakeResponse:
        if route is None:
            raise HTTPError(404, CODE_NOT_FOUND_ROUTE, MSG_ROUTE)
        name, param = route
        if name.startswith("/v1/files"):
            return self._files_route(method, name, param, hdrs, key, body, queued)
        allowed = "POST" if name in _GEN_ROUTES else "GET"
        if method != allowed:
            # Message text is a guess; the docs only give the status (§6.1).
            raise HTTPError(
                405,
                CODE_INVALID,
                f"Method {method} is not allowed on route {path}.",
                {"allow": allowed},
            )
        if queued in HTTP_ERROR_SCENARIOS:
            return self._http_error(queued, key, parsed_json)
        self._check_auth(key)
        if allowed == "GET":
            return self._get(name, param)
        api = _GEN_ROUTES[name]
        body_obj = self._read_body(hdrs, body, parsed_json, api)
        model = resolve_model(body_obj["model"])
        req = parse(api, body_obj, model)
        scenario = queued
        if scenario is None:
            directive = req.scenario_directive
            if directive in SCENARIOS:
                scenario = directive
        if scenario in HTTP_ERROR_SCENARIOS:
            return self._http_error(scenario, key, body_obj)
        if model is None:
            raise HTTPError(
                404, CODE_NOT_FOUND_MODEL, f"The model {req.requested_model} does not exist."
            )
        if api == "responses":
            self._continue_stored(req, model)
        if scenario is None:
            validate(req, model, self.files)
            scenario = self._heuristic(req, model)
        if scenario == "collections_missing":
            missing_collection(req)
        return self._answer(scenario, req, model)

    # ----- the Files API (files_api) ---------------------------------------
    def _files_route(
        self,
        method: str,
        name: str,
        param: str | None,
        hdrs: dict[str, str],
        key: str | None,
        body: bytes,
        queued: str | None,
    ) -> FakeResponse:
        allowed = ("POST",) if name == "/v1/files" else ("GET", "DELETE")
        if method not in allowed:
            raise HTTPError(
                405,
                CODE_INVALID,
                f"Method {method} is not allowed on this route.",
                {"allow": ", ".join(allowed)},
            )
        if queued in HTTP_ERROR_SCENARIOS:
            return self._http_error(queued, key, None)
        self._check_auth(key)
        if name == "/v1/files":
            if queued == "upload_too_large":
                raise HTTPError(413, CODE_INVALID, MSG_TOO_LARGE)
            try:
                parts = parse_multipart(hdrs.get("content-type", ""), body)
            except ValueError:
                raise HTTPError(
                    415, CODE_INVALID, "Expected a multipart/form-data body with a file part."
                ) from None
            if "file" not in parts:
                raise HTTPError(400, CODE_INVALID, "Invalid request content: no file part.")
            filename, ctype, data = parts["file"]
            if len(data) > MAX_UPLOAD_BYTES:
                raise HTTPError(413, CODE_INVALID, MSG_TOO_LARGE)
            purpose = parts.get("purpose", (None, "", b"assistants"))[2].decode("utf-8", "replace")
            stored = self.files.add(
                filename or "upload", data, purpose or "assistants", int(self.clock()), ctype
            )
            return _json_response(stored.json())
        stored_file = self.files.get(param or "")
        if stored_file is None:
            raise HTTPError(404, CODE_NOT_FOUND_ROUTE, f"File {param} was not found.")
        if method == "DELETE":
            self.files.delete(stored_file.id)
            return _json_response({"id": stored_file.id, "object": "file", "deleted": True})
        return _json_response(stored_file.json())

    # ----- auth, body ----------------------------------------------------
    def _check_auth(self, key: str | None) -> None:
        if key is None:
            raise HTTPError(401, CODE_UNAUTH, "No credentials presented.")
        if key != self.config.api_key:
            raise HTTPError(
                400,
                CODE_INVALID,
                f"Incorrect API key provided: {mask_key_like_xai(key)}. You can obtain an API key "
                "from https://console.x.ai.",
            )

    @staticmethod
    def _read_body(
        hdrs: dict[str, str], body: bytes, parsed_json: Any, api: ApiKind
    ) -> dict[str, Any]:
        ctype = hdrs.get("content-type", "").split(";", 1)[0].strip().lower()
        if not body:
            # Texts for 415/422 are guesses in the style of the server framework (§6.1).
            raise HTTPError(
                415,
                CODE_INVALID,
                "Request body is empty. Expected a JSON object with "
                "`Content-Type: application/json`.",
            )
        if ctype != "application/json":
            raise HTTPError(
                415, CODE_INVALID, "Expected request with `Content-Type: application/json`"
            )
        if parsed_json is None:
            raise HTTPError(
                422,
                CODE_INVALID,
                "Failed to deserialize the JSON body into the target type: "
                "expected value at line 1 column 1",
            )
        if not isinstance(parsed_json, dict):
            raise HTTPError(
                422,
                CODE_INVALID,
                "Failed to deserialize the JSON body into the target type: "
                "invalid type: expected struct at line 1 column 1",
            )
        required = ("model", "input") if api == "responses" else ("model", "messages")
        for fld in required:
            if fld not in parsed_json:
                raise HTTPError(
                    422,
                    CODE_INVALID,
                    "Failed to deserialize the JSON body into the target type: "
                    f"missing field `{fld}` at line 1 column 1",
                )
        if not isinstance(parsed_json["model"], str):
            raise HTTPError(
                422,
                CODE_INVALID,
                "Failed to deserialize the JSON body into the target type: "
                "model: invalid type: expected a string at line 1 column 1",
            )
        second = parsed_json[required[1]]
        ok = isinstance(second, list) or (api == "responses" and isinstance(second, str))
        if not ok:
            raise HTTPError(
                422,
                CODE_INVALID,
                "Failed to deserialize the JSON body into the target type: "
                f"{required[1]}: invalid type at line 1 column 1",
            )
        return parsed_json

    # ----- stored responses and encrypted reasoning (fake/state.py) -------
    def _continue_stored(self, req: ParsedRequest, model: ModelEntry) -> None:
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
            prior = self.responses.get(previous) if isinstance(previous, str) else None
            if prior is None:
                raise HTTPError(404, CODE_NOT_FOUND_MODEL, MSG_UNKNOWN_RESPONSE)
            req.prior_items = prior
            prior_chars = sum(len(_parts_text(i.get("content"))[0]) for i in prior)
            req.history_chars += prior_chars
            req.input_chars += prior_chars
            req.message_count += len(prior)
        problem = replayed_reasoning_problem(body.get("input"), model.id)
        if problem is not None:
            raise HTTPError(400, CODE_INVALID, problem)

    def _store_response(
        self, req: ParsedRequest, rid: str, output: list[Any], final: dict[str, Any] | None = None
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
        self.responses.put(rid, [*req.prior_items, *items, *output], final)

    # ----- choosing ------------------------------------------------------
    @staticmethod
    def _heuristic(req: ParsedRequest, model: ModelEntry) -> str:
        # A request carrying web_search / x_search tools gets a searched reply
        # (tool calls, citations) whatever its words: the user turned search on.
        # Without them nothing pretends to search, whatever the words. With
        # code execution, MCP or collections on as well, the reply uses those
        # unless the words ask for a search.
        text = req.prompt.lower()
        words = set(re.findall(r"[a-z]+", text))
        if req.api == "responses":
            if req.search_enabled and (
                not req.other_tools_enabled or words & {"search", "news", "latest", "today"}
            ):
                return "search"
            if req.other_tools_enabled:
                return "tools"
        if words & {"think", "reason", "prove", "reasoning"} or model.reasoning == "visible":
            return "reasoning"
        if req.image_count:
            return "image"
        if words & {"markdown", "long", "table", "code", "essay"}:
            return "markdown"
        return "plain"

    # ----- answers -------------------------------------------------------
    def _next_ids(self) -> tuple[str, int]:
        with self._lock:
            self._counter += 1
            n = self._counter
        rng = random.Random(f"{self.seed}:{n}")
        return str(uuid.UUID(int=rng.getrandbits(128), version=4)), n

    def _settings(self) -> Settings:
        c = self.config
        return Settings(
            tokens_per_second=c.tokens_per_second,
            emit_event_lines=c.emit_event_lines,
            emit_done_trailer=c.emit_done_trailer,
            stall_seconds=c.stall_seconds,
            chunk_chars=c.chunk_chars,
            markdown_tokens=c.markdown_tokens,
            usage_without_include=c.usage_without_include,
            costless_models=tuple(c.costless_models),
        )

    def _plan(self, scenario: str, req: ParsedRequest, model: ModelEntry) -> Plan:
        prompt = req.prompt
        seed = textgen.seed_of(prompt)
        hidden_tokens = 0 if model.reasoning == "none" else 40 + seed % 120
        if scenario == "markdown":
            tokens = req.tokens_directive or self.config.markdown_tokens
            text = textgen.markdown_answer(tokens)
        elif scenario == "reasoning":
            text = textgen.reasoning_answer(prompt)
        elif scenario == "image":
            text = textgen.image_answer(req.image_count, prompt)
        elif scenario == "plain" and req.api == "responses" and input_file_ids(req.body):
            text = self._document_answer(req) + "\n\n" + textgen.plain_answer(prompt)
        elif scenario == "search":
            text = (
                "Search is only available on the Responses API with the web_search or "
                "x_search tool enabled, so here is an answer without sources.\n\n"
                + textgen.plain_answer(prompt)
            )
        else:
            text = textgen.plain_answer(prompt)
        plan = Plan(text=text, reasoning_tokens=hidden_tokens)
        if model.reasoning != "none" and (scenario == "reasoning" or model.reasoning == "visible"):
            plan.reasoning = textgen.reasoning_summary(prompt)
            plan.reasoning_tokens = textgen.tokens_of(plan.reasoning) * 3 + 17
        self._apply_limit(req, plan)
        return plan

    def _document_answer(self, req: ParsedRequest) -> str:
        """What the demo says about the attached documents (name, size, first line)."""
        lines = []
        for file_id in input_file_ids(req.body):
            stored = self.files.get(file_id)
            if stored is None:
                continue
            first = stored.data[:400].decode("utf-8", "replace").strip().splitlines()
            head = first[0][:80] if first and not stored.data.startswith(b"%PDF-") else ""
            what = f" It begins: “{head}”." if head else ""
            lines.append(f"I read **{stored.filename}** ({len(stored.data):,} bytes).{what}")
        return "\n".join(lines) or "The attached documents were empty."

    @staticmethod
    def _apply_limit(req: ParsedRequest, plan: Plan) -> None:
        """Cut the text at the request's output limit. On Responses the limit
        includes reasoning tokens; on chat `max_completion_tokens` (or the
        deprecated `max_tokens`) counts visible output only (§2.1, §3.1)."""
        body = req.body
        if req.api == "responses":
            limit = body.get("max_output_tokens")
            budget = limit - plan.reasoning_tokens if isinstance(limit, int) else None
        else:
            limit = body.get("max_completion_tokens", body.get("max_tokens"))
            budget = limit if isinstance(limit, int) else None
        if budget is None:
            return
        budget = max(1, budget)
        if textgen.tokens_of(plan.text) > budget:
            plan.text = plan.text[: budget * textgen.CHARS_PER_TOKEN]
            plan.truncated = True

    def _answer(self, scenario: str, req: ParsedRequest, model: ModelEntry) -> FakeResponse:
        rid, n = self._next_ids()
        created = int(self.clock())
        settings = self._settings()
        stream = req.stream and not self.config.ignore_stream
        if req.api == "responses":
            w = ResponsesWriter(req, settings, rid, created)
            if scenario in ("search", "search_shape_a") and req.search_enabled:
                sp = plan_search(req, n)
                reasoning_tokens = 0 if model.reasoning == "none" else 300 + n % 400
                turn = search_turn if scenario == "search" else search_turn_shape_a
                frames, final = turn(w, sp, reasoning_tokens)
                self._store_response(req, rid, [], final)
                if stream:
                    return self._sse(scenario, frames)
                for _ in frames:
                    pass
                return _json_response(final)
            if scenario in TOOL_SCENARIOS and req.other_tools_enabled:
                reasoning_tokens = 0 if model.reasoning == "none" else 200 + n % 300
                frames, final = tools_turn(w, plan_tools(req, scenario), reasoning_tokens)
                self._store_response(req, rid, [], final)
                if stream:
                    return self._sse(scenario, frames)
                for _ in frames:
                    pass
                return _json_response(final)
            plan = self._plan(scenario, req, model)
            if scenario not in _UNFINISHED_SCENARIOS:
                self._store_response(req, rid, list(w.final_text_response(plan)["output"]))
            if stream:
                return self._sse(scenario, self._responses_stream(scenario, w, plan))
            return self._non_stream(scenario, w.final_text_response(plan))
        cw = ChatWriter(req, settings, rid, created)
        plan = self._plan(scenario, req, model)
        if req.api == "chat" and plan.reasoning is not None and model.reasoning != "visible":
            plan.reasoning = None
        hidden = 6 if (scenario == "reasoning" and model.reasoning == "hidden") else 0
        if stream:
            return self._sse(scenario, self._chat_stream(scenario, cw, plan, hidden))
        return self._non_stream(scenario, cw.completion(plan))

    def _sse(self, scenario: str, items: Iterable[BodyItem]) -> FakeResponse:
        """An event-stream answer; keep-alive comments in its pauses when
        `keepalive_seconds` is set, and ahead of it in the `keepalive` scenario."""
        interval = self.config.keepalive_seconds
        body: Iterable[BodyItem] = items
        if interval is not None and interval > 0:
            body = with_keepalives(items, interval)
        if scenario == "keepalive":
            lead: list[BodyItem] = []
            for _ in range(KEEPALIVE_SCENARIO_COMMENTS):
                if interval is not None and interval > 0:
                    lead.append(Pause(interval))
                lead.append(KEEPALIVE_COMMENT)
            body = itertools.chain(lead, body)
        return FakeResponse(200, {"content-type": "text/event-stream"}, body)

    @staticmethod
    def _responses_stream(scenario: str, w: ResponsesWriter, plan: Plan) -> Iterator[BodyItem]:
        if scenario == "error_event" or scenario == "error_nested":
            return w.error_event(PARTIAL_TEXT)
        if scenario == "response_failed":
            return w.failed(PARTIAL_TEXT)
        if scenario == "error_image_too_large":
            return w.failed_request("image_too_large", MSG_IMAGE_TOO_LARGE)
        if scenario == "drop":
            return w.drop(PARTIAL_TEXT)
        if scenario == "stall":
            return w.text_turn(plan, stall_after=2)
        if scenario == "malformed":
            return w.malformed(plan)
        if scenario == "unknown_events":
            return w.unknown_events(plan)
        return w.text_turn(plan)

    @staticmethod
    def _chat_stream(scenario: str, cw: ChatWriter, plan: Plan, hidden: int) -> Iterator[BodyItem]:
        if scenario in ("error_event", "error_nested", "response_failed"):
            return cw.error_nested(PARTIAL_TEXT)
        if scenario == "error_image_too_large":
            return cw.error_nested(
                "",
                code="image_too_large",
                message=MSG_IMAGE_TOO_LARGE,
                etype="invalid_request_error",
            )
        if scenario == "drop":
            return cw.drop(PARTIAL_TEXT)
        if scenario == "stall":
            return cw.turn(plan, hidden, stall_after=2)
        if scenario == "malformed":
            return cw.malformed(plan)
        if scenario == "unknown_events":
            return cw.unknown_events(plan)
        return cw.turn(plan, hidden)

    def _non_stream(self, scenario: str, final: dict[str, Any]) -> FakeResponse:
        jtype = {"content-type": "application/json"}
        data = json_body(final)
        if scenario in ("error_event", "error_nested", "response_failed"):
            return HTTPError(503, CODE_UNAVAILABLE, MSG_STREAM_UNAVAILABLE).response()
        if scenario == "error_image_too_large":
            return HTTPError(400, CODE_INVALID, MSG_IMAGE_TOO_LARGE).response()
        if scenario == "drop":
            return FakeResponse(200, jtype, [data[: len(data) // 2], DROP])
        if scenario == "stall":
            return FakeResponse(200, jtype, [Pause(self.config.stall_seconds), data])
        if scenario == "malformed":
            return FakeResponse(200, jtype, data[: len(data) - 7])
        if scenario == "unknown_events":
            extra = dict(final)
            extra["x_future_field"] = {"kind": "unknown"}
            return _json_response(extra)
        return FakeResponse(200, jtype, data)

    # ----- HTTP error scenarios ------------------------------------------
    def _http_error(self, name: str, key: str | None, body: Any) -> FakeResponse:
        model = body.get("model") if isinstance(body, dict) else None
        model_name = model if isinstance(model, str) and model else "grok-9"
        entry = resolve_model(model_name)
        canonical = entry.id if entry else model_name
        if name == "error_200_json":
            return _json_response(
                {"code": CODE_UNAVAILABLE, "error": "Timed out waiting for first token"}
            )
        if name == "error_401":
            err = HTTPError(401, CODE_UNAUTH, "No credentials presented.")
        elif name == "error_400_bad_key":
            err = HTTPError(
                400,
                CODE_INVALID,
                f"Incorrect API key provided: {mask_key_like_xai(key or 'xai-wrong-key')}. "
                "You can obtain an API key from https://console.x.ai.",
            )
        elif name == "error_403":
            err = HTTPError(
                403,
                CODE_PERMISSION,
                f"The API key does not have permission to use the model "
                f"{canonical}. Ask your team admin to grant access in "
                "https://console.x.ai.",
            )
        elif name == "error_404":
            err = HTTPError(404, CODE_NOT_FOUND_MODEL, f"The model {model_name} does not exist.")
        elif name == "error_410":
            err = HTTPError(410, CODE_NOT_FOUND_ROUTE, MSG_LIVE_SEARCH)
        elif name == "error_422":
            err = HTTPError(
                422,
                CODE_INVALID,
                "Failed to deserialize the JSON body into the target type: "
                "missing field `model` at line 1 column 2",
            )
        elif name in ("error_429", "error_429_no_retry_after"):
            headers: dict[str, str] = {}
            if name == "error_429" and self.config.rate_limit_headers:
                headers = {"retry-after": "1", **_RATE_HEADERS}
            err = HTTPError(
                429,
                CODE_EXHAUSTED,
                f"Too many tokens for team {TEAM_ID} and model {canonical}. Your team's rate "
                "limit is — Tokens per Minute (actual/limit): 65605/16000. You can view your "
                "team rate limits at https://console.x.ai.",
                headers,
            )
        elif name == "error_429_billing":
            err = HTTPError(429, CODE_EXHAUSTED, MSG_BILLING)
        elif name == "error_429_capacity":
            err = HTTPError(429, CODE_EXHAUSTED, MSG_CAPACITY)
        elif name == "error_500":
            err = HTTPError(500, CODE_INTERNAL, "Internal server error. Please retry your request.")
        else:  # error_503
            err = HTTPError(503, CODE_UNAVAILABLE, MSG_CAPACITY)
        return err.response()

    # ----- GET endpoints (§5.1, §5.2) --------------------------------------
    def _get(self, name: str, param: str | None) -> FakeResponse:
        if name == "/v1/models":
            return _json_response({"data": [m.model_json() for m in MODELS], "object": "list"})
        if name == "/v1/language-models":
            return _json_response({"models": [m.language_model_json() for m in MODELS]})
        entry = resolve_model(param or "")
        if entry is None:
            raise HTTPError(404, CODE_NOT_FOUND_MODEL, f"The model {param} does not exist.")
        if name == "/v1/models/{id}":
            return _json_response(entry.model_json())
        return _json_response(entry.language_model_json())


#: The demo's upload pace (bytes per second): a home connection's upload
#: (about 30 Mbit/s), so a large document shows its progress as it would.
DEMO_UPLOAD_BYTES_PER_SECOND = 4 * 1024 * 1024


def demo_fake(tokens_per_second: float = 120.0) -> FakeXAI:
    """The backend `grok-tui --demo` uses: accepts DEMO_API_KEY, realistic pace."""
    return FakeXAI(
        FakeConfig(
            api_key=DEMO_API_KEY,
            tokens_per_second=tokens_per_second,
            stall_seconds=5.0,
            upload_bytes_per_second=DEMO_UPLOAD_BYTES_PER_SECOND,
        )
    )
