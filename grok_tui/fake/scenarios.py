"""The fake's scenario names and the choice of one for a request.

- `HTTP_ERROR_SCENARIOS`: answered with an HTTP error before any stream
  (`error_scenarios`);
- `STREAM_SCENARIOS`: a streamed (or whole JSON) answer, the text scenarios
  with their faults (`stream_scenarios`), the search turns
  (`search_turns`) and the tools turns (`tools_api.TOOL_SCENARIOS`);
- `TOOL_HTTP_SCENARIOS`, `files_api.UPLOAD_BODY_SCENARIOS`: refusals and
  faults of collections searches and uploads;
- `SCENARIOS`: all of them (what `FakeXAI.queue_scenarios` and a
  `scenario:NAME` directive accept);
- `heuristic_scenario(req, model)`: the scenario when none was chosen, from
  the request's tools and words.
"""

from __future__ import annotations

import re

from grok_tui.fake.catalog import ModelEntry
from grok_tui.fake.files_api import UPLOAD_BODY_SCENARIOS
from grok_tui.fake.parsed_request import ParsedRequest
from grok_tui.fake.tools_api import TOOL_SCENARIOS

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
UNFINISHED_SCENARIOS = frozenset(
    {"error_event", "error_nested", "response_failed", "drop", "malformed", "error_image_too_large"}
)


def heuristic_scenario(req: ParsedRequest, model: ModelEntry) -> str:
    """The scenario a request gets when none was queued or named in its text."""
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
