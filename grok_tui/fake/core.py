"""The fake xAI API's protocol logic, without sockets: `FakeXAI` routes a
request, checks it, chooses its scenario and answers (status, headers, body
items); `FakeConfig` holds its switches.

Each step lives in a module of its own: the request checks in
`request_checks`, the scenario names and the heuristic choice in
`scenarios`, the HTTP error scenarios in `error_scenarios`, the Files API in
`files_api`, stored responses in `state`, what an answer holds in
`answer_plan`, the text scenarios' streams and faults in `stream_scenarios`,
the search and tools turns in `search_turns` and `tools_api`, the two wire
writers in `responses_api` and `chat_api`. Error bodies use xAI's flat
`{"code": ..., "error": ...}` shape (`http_errors`).
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from grok_tui.fake.answer_plan import Plan, Settings, text_plan
from grok_tui.fake.catalog import MODELS, ModelEntry, resolve_model
from grok_tui.fake.chat_api import ChatWriter
from grok_tui.fake.error_scenarios import http_error_answer
from grok_tui.fake.files_api import (
    UPLOAD_BODY_SCENARIOS,
    FileStore,
    UploadPlan,
    file_answer,
    upload_answer,
    upload_plan,
)
from grok_tui.fake.http_errors import (
    CODE_INVALID,
    CODE_NOT_FOUND_MODEL,
    CODE_NOT_FOUND_ROUTE,
    MSG_ROUTE,
    HTTPError,
)
from grok_tui.fake.parsed_request import ApiKind, ParsedRequest, parse
from grok_tui.fake.request_checks import bearer_token, check_auth, json_request_body
from grok_tui.fake.responses_api import ResponsesWriter
from grok_tui.fake.scenarios import (
    HTTP_ERROR_SCENARIOS,
    SCENARIOS,
    STREAM_SCENARIOS,
    UNFINISHED_SCENARIOS,
    heuristic_scenario,
)
from grok_tui.fake.search_turns import plan_search, search_turn, search_turn_shape_a
from grok_tui.fake.state import ResponseStore, continue_stored, store_response
from grok_tui.fake.stream_scenarios import (
    chat_stream,
    event_stream,
    responses_stream,
    whole_answer,
)
from grok_tui.fake.tools_api import TOOL_SCENARIOS, plan_tools, tools_turn
from grok_tui.fake.validation import missing_collection, validate
from grok_tui.fake.wire import (
    BodyItem,
    FakeResponse,
    RecordedRequest,
    json_response,
    mask_key_like_xai,
)

__all__ = [
    "DEMO_API_KEY",
    "HTTP_ERROR_SCENARIOS",
    "SCENARIOS",
    "STREAM_SCENARIOS",
    "FakeConfig",
    "FakeXAI",
    "demo_fake",
]

DEMO_API_KEY = "xai-demo-offline"


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
        key = bearer_token(hdrs.get("authorization"))
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
        check_auth(key, self.config.api_key)
        if allowed == "GET":
            return self._get(name, param)
        api = _GEN_ROUTES[name]
        body_obj = json_request_body(hdrs, body, parsed_json, api)
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
            continue_stored(self.responses, req, model.id)
        if scenario is None:
            validate(req, model, self.files)
            scenario = heuristic_scenario(req, model)
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
        check_auth(key, self.config.api_key)
        if name == "/v1/files":
            return upload_answer(
                self.files,
                hdrs.get("content-type", ""),
                body,
                now=int(self.clock()),
                too_large=queued == "upload_too_large",
            )
        return file_answer(self.files, method, param or "")

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

    def _text_plan(self, scenario: str, req: ParsedRequest, model: ModelEntry) -> Plan:
        return text_plan(
            scenario, req, model, markdown_tokens=self.config.markdown_tokens, files=self.files
        )

    def _sse(self, scenario: str, items: Iterable[BodyItem]) -> FakeResponse:
        return event_stream(scenario, items, self.config.keepalive_seconds)

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
                store_response(self.responses, req, rid, [], final)
                if stream:
                    return self._sse(scenario, frames)
                for _ in frames:
                    pass
                return json_response(final)
            if scenario in TOOL_SCENARIOS and req.other_tools_enabled:
                reasoning_tokens = 0 if model.reasoning == "none" else 200 + n % 300
                frames, final = tools_turn(w, plan_tools(req, scenario), reasoning_tokens)
                store_response(self.responses, req, rid, [], final)
                if stream:
                    return self._sse(scenario, frames)
                for _ in frames:
                    pass
                return json_response(final)
            plan = self._text_plan(scenario, req, model)
            if scenario not in UNFINISHED_SCENARIOS:
                store_response(
                    self.responses, req, rid, list(w.final_text_response(plan)["output"])
                )
            if stream:
                return self._sse(scenario, responses_stream(scenario, w, plan))
            return whole_answer(scenario, w.final_text_response(plan), self.config.stall_seconds)
        cw = ChatWriter(req, settings, rid, created)
        plan = self._text_plan(scenario, req, model)
        if req.api == "chat" and plan.reasoning is not None and model.reasoning != "visible":
            plan.reasoning = None
        hidden = 6 if (scenario == "reasoning" and model.reasoning == "hidden") else 0
        if stream:
            return self._sse(scenario, chat_stream(scenario, cw, plan, hidden))
        return whole_answer(scenario, cw.completion(plan), self.config.stall_seconds)

    # ----- HTTP error scenarios ------------------------------------------
    def _http_error(self, name: str, key: str | None, body: Any) -> FakeResponse:
        return http_error_answer(name, key, body, rate_limit_headers=self.config.rate_limit_headers)

    # ----- GET endpoints (§5.1, §5.2) --------------------------------------
    def _get(self, name: str, param: str | None) -> FakeResponse:
        if name == "/v1/models":
            return json_response({"data": [m.model_json() for m in MODELS], "object": "list"})
        if name == "/v1/language-models":
            return json_response({"models": [m.language_model_json() for m in MODELS]})
        entry = resolve_model(param or "")
        if entry is None:
            raise HTTPError(404, CODE_NOT_FOUND_MODEL, f"The model {param} does not exist.")
        if name == "/v1/models/{id}":
            return json_response(entry.model_json())
        return json_response(entry.language_model_json())


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
