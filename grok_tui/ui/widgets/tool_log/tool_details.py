"""The tool-specific parts of the tool log: what code execution, MCP and
collections calls show beyond a search call.

* the name on the collapsed line: `deepwiki/read_wiki` for an MCP call;
* the phase word while running: the wire's own step (`executing`,
  `interpreting`) rather than the generic one;
* the expanded lines: the server of an MCP call; the code of a code
  execution, highlighted (Pygments tokens mapped to the log's component
  classes, so every theme colours it); the phases with their times
  (`executing +0.2 s · interpreting +0.9 s · completed +1.1 s`); what the
  tool gave back (code logs, MCP output), cut at `OUTPUT_LINES`; collection
  results (file name, score, snippet).

Everything shown here is untrusted text: cleaned with `strip_control` and
built as `Content`, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from textual.content import Content
from textual.style import Style

from grok_tui.chat.formatting import format_duration, parse_arguments
from grok_tui.chat.session import ToolCall
from grok_tui.sanitize import one_line, strip_control

StyleFor = Callable[[str], Style]

#: Lines of output (code logs, MCP output) and of code shown when expanded.
OUTPUT_LINES = 40
CODE_LINES = 80

#: Component classes of highlighted code, by Pygments token family.
CODE_CLASSES = {
    "Keyword": "tool-log--code-keyword",
    "Name.Builtin": "tool-log--code-keyword",
    "Literal.String": "tool-log--code-string",
    "Literal.Number": "tool-log--code-number",
    "Comment": "tool-log--code-comment",
}


def shown_name(tc: ToolCall, fallback: str = "tool") -> str:
    """The call's name as the log shows it: `server/tool` for MCP calls."""
    name = strip_control(tc.name or fallback)
    if tc.server:
        return f"{strip_control(tc.server)}/{name}"
    return name


def phase_word(tc: ToolCall, phase: str, running: bool) -> str:
    """The phase column: a running call's latest wire step when it has one."""
    if running and tc.steps:
        step = tc.steps[-1].name
        if step not in ("completed", "failed", "incomplete"):
            return step.replace("_", " ")
    return phase


def code_of(tc: ToolCall) -> str | None:
    """The code of a code-execution call (from its `{"code": ...}` arguments)."""
    if tc.tool_kind != "code_execution":
        return None
    args = parse_arguments(tc.arguments)
    code = args.get("code") if isinstance(args, dict) else None
    if isinstance(code, str):
        return code
    return None


@lru_cache(maxsize=1)
def _lexer() -> object:
    from pygments.lexers import PythonLexer

    return PythonLexer(stripnl=False, ensurenl=False)


def _token_class(token: object) -> str | None:
    name = str(token)  # "Token.Keyword.Namespace"
    for family, component in CODE_CLASSES.items():
        if name == f"Token.{family}" or name.startswith(f"Token.{family}."):
            return component
    return None


def highlighted_code(code: str, style: StyleFor) -> list[Content]:
    """`code` as highlighted lines (Python; other text shows plain)."""
    from pygments import lex

    code = strip_control(code).expandtabs(4)
    lines: list[Content] = []
    current: list[tuple[str, Style] | str] = []
    for token, value in lex(code, _lexer()):  # type: ignore[arg-type]
        component = _token_class(token)
        pieces = value.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                lines.append(Content.assemble(*current))
                current = []
            if piece:
                current.append((piece, style(component)) if component else piece)
    if current:
        lines.append(Content.assemble(*current))
    return lines


def steps_text(tc: ToolCall) -> str:
    """`executing +0.2 s · interpreting +0.9 s · completed +1.1 s` (from the start)."""
    parts = []
    for step in tc.steps:
        offset = max(0.0, step.at - tc.started_at)
        parts.append(f"{strip_control(step.name).replace('_', ' ')} +{format_duration(offset)}")
    return " · ".join(parts)


def detail_texts(tc: ToolCall) -> list[tuple[str, str]]:
    """(kind, text) of the extra expanded lines of a tool call, in order:
    kind is "server", "steps", "output" or "result" (the caller styles them)."""
    out: list[tuple[str, str]] = []
    if tc.server:
        out.append(("server", f"server: {strip_control(tc.server)}"))
    if tc.steps:
        out.append(("steps", f"phases: {steps_text(tc)}"))
    if tc.output:
        lines = strip_control(tc.output).splitlines()
        out.append(("label", "output:"))
        for line in lines[:OUTPUT_LINES]:
            out.append(("output", f"  {line}"))
        if len(lines) > OUTPUT_LINES:
            out.append(("label", f"  … {len(lines) - OUTPUT_LINES} more lines"))
    if tc.results:
        out.append(("label", f"results ({len(tc.results)}):"))
        for hit in tc.results:
            score = f"  {hit.score:.2f}" if hit.score is not None else ""
            out.append(("result", f"  {one_line(hit.filename or hit.file_id, 80)}{score}"))
            if hit.text:
                out.append(("output", f"    {one_line(hit.text, 300)}"))
    return out
