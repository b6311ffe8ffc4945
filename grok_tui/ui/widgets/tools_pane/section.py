"""The tools beyond search, as sections of the tools pane: code execution (a
switch), MCP servers (one checkbox per `[[mcp]]` server of config.toml), and
collections search (ids, at most 10, and results per search).

Edits a `ToolSettings` with the rules of `grok_tui.chat.tools`, the way the
search form edits search settings: each user change is validated; a valid new
state posts `ToolsSection.Changed`; a refused value shows its reason next to
the field, stays typed, and is never sent (the last valid settings stay).
`set_tools()` loads settings without posting.

Server labels, descriptions and collection names come from the user's config
and are shown as `Content` (never markup). Tokens are never shown: a server
whose `token_env` variable is unset says so.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Static, Switch

from grok_tui.chat.search import SettingError, validation_messages
from grok_tui.chat.tools import (
    MAX_COLLECTION_RESULTS,
    MAX_COLLECTIONS,
    ToolConfig,
    ToolSettings,
    normalize_collection_id,
)
from grok_tui.sanitize import one_line
from grok_tui.ui.stylesheets import stylesheet
from grok_tui.ui.widgets.list_editor import ListEditor


def _first_error(exc: ValidationError) -> str:
    return next(iter(validation_messages(exc).values()), "invalid value")


class ToolsSection(Vertical):
    """Code execution, MCP servers and collections; posts `Changed` on each valid state."""

    DEFAULT_CSS = stylesheet(__file__, "tools_pane.tcss")

    class Changed(Message):
        def __init__(self, section: ToolsSection, tools: ToolSettings) -> None:
            super().__init__()
            self.section = section
            self.tools = tools

        @property
        def control(self) -> ToolsSection:
            return self.section

    def __init__(
        self,
        tools: ToolSettings | None = None,
        *,
        tool_config: ToolConfig | None = None,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._tools = (tools or ToolSettings()).model_copy(deep=True)
        self._config = tool_config or ToolConfig()
        self._errors: dict[str, str] = {}

    # ---- layout ----------------------------------------------------------------

    def _server_labels(self) -> list[str]:
        """Configured servers, then labels the session has that config lacks."""
        labels = list(self._config.labels)
        labels.extend(label for label in self._tools.mcp if label not in labels)
        return labels

    def compose(self) -> ComposeResult:
        t = self._tools
        with Horizontal(classes="search-form--head"):
            yield Label("Code execution", classes="search-form--title")
            yield Switch(
                t.code_execution,
                id="code-enabled",
                tooltip="Let the model write and run Python on xAI's servers",
            )

        yield Label("MCP servers", classes="search-form--title search-form--section")
        with Vertical(id="mcp-servers", classes="search-form--options"):
            labels = self._server_labels()
            if not labels:
                yield Static(
                    "None defined: add [[mcp]] tables (label, url, token_env) to "
                    "config.toml; F1 shows an example.",
                    classes="search-form--note",
                    markup=False,
                )
            for index, label in enumerate(labels):
                yield Checkbox(
                    Content(one_line(label, 40)),
                    label in t.mcp,
                    id=f"mcp-{index}",
                    classes="tools-pane--server",
                )
                note = self._server_note(label)
                if note:
                    yield Static(Content(note), classes="search-form--note tools-pane--server-note")

        yield Label(
            f"Collections (at most {MAX_COLLECTIONS})",
            classes="search-form--title search-form--section",
        )
        with Vertical(id="collections-options", classes="search-form--options"):
            yield ListEditor(
                check=self._check_collection,
                items=t.collections,
                placeholder="collection id, Enter adds",
                what="collection",
                id="collections",
            )
            names = self._config.collection_names
            if names:
                listed = "; ".join(
                    f"{one_line(name, 30)} = {one_line(cid, 40)}" for cid, name in names.items()
                )
                yield Static(
                    Content(f"From config.toml: {listed}"),
                    id="collection-names",
                    classes="search-form--note",
                )
            yield Label(
                f"Results per search (1-{MAX_COLLECTION_RESULTS})", classes="search-form--label"
            )
            yield Input(
                "" if t.collection_results is None else str(t.collection_results),
                placeholder="server default",
                type="integer",
                id="collection-results",
            )
            yield Static(
                "", id="collection-results-error", classes="search-form--error", markup=False
            )

    def _server_note(self, label: str) -> str:
        server = self._config.server(label)
        if server is None:
            return "not defined in config.toml: not sent"
        parts = []
        if server.description:
            parts.append(one_line(server.description, 80))
        else:
            parts.append(one_line(server.url, 80))
        problem = server.token_problem()
        if problem:
            parts.append(problem)
        if server.allowed_tools:
            parts.append("tools: " + ", ".join(one_line(t, 30) for t in server.allowed_tools[:5]))
        return " · ".join(parts)

    def on_mount(self) -> None:
        self._show_errors()

    # ---- public API --------------------------------------------------------------

    @property
    def tools(self) -> ToolSettings:
        return self._tools.model_copy(deep=True)

    @property
    def errors(self) -> dict[str, str]:
        """Field -> why its value is refused: tools.collections, tools.collection_results."""
        out = dict(self._errors)
        if self.children:
            error = self.query_one("#collections", ListEditor).error
            if error:
                out["tools.collections"] = error
        return out

    def set_tools(self, tools: ToolSettings) -> None:
        """Load `tools` (no `Changed` is posted); errors are cleared."""
        self._tools = ToolSettings.model_validate(tools.model_dump())
        self._errors.clear()
        if not self.children:
            return
        t = self._tools
        self.query_one("#code-enabled", Switch).value = t.code_execution
        labels = self._server_labels()
        boxes = list(self.query(".tools-pane--server").results(Checkbox))
        if len(boxes) != len(labels):
            self.refresh(recompose=True)  # a session with a label config lacks
            return
        for box, label in zip(boxes, labels):
            box.value = label in t.mcp
        self.query_one("#collections", ListEditor).set_items(t.collections)
        results = self.query_one("#collection-results", Input)
        results.value = "" if t.collection_results is None else str(t.collection_results)
        self._show_errors()

    # ---- changes -------------------------------------------------------------------

    def _apply(self, key: str, change: dict[str, Any]) -> None:
        data = self._tools.model_dump()
        data.update(change)
        try:
            candidate = ToolSettings.model_validate(data)
        except ValidationError as exc:
            self._errors[key] = _first_error(exc)
            self._show_errors()
            return
        self._errors.pop(key, None)
        self._show_errors()
        if candidate != self._tools:
            self._tools = candidate
            self.post_message(self.Changed(self, self.tools))

    def _check_collection(self, items: list[str], raw: str) -> tuple[list[str], str | None]:
        new = list(items)
        notes: list[str] = []
        for part in (p for p in raw.replace(";", ",").split(",") if p.strip()):
            value, _note = normalize_collection_id(part)
            if value in new:
                notes.append(f"{value} is already in the list")
                continue
            new.append(value)
            name = self._config.collection_names.get(value)
            if name:
                notes.append(f"{value}: {one_line(name, 40)}")
        data = self._tools.model_dump()
        data["collections"] = new
        try:
            valid = ToolSettings.model_validate(data)
        except ValidationError as exc:
            raise SettingError(_first_error(exc)) from None
        return list(valid.collections), ("; ".join(notes) or None)

    @on(Switch.Changed, "#code-enabled")
    def _code(self, event: Switch.Changed) -> None:
        event.stop()
        self._apply("tools.code_execution", {"code_execution": event.switch.value})

    @on(Checkbox.Changed, ".tools-pane--server")
    def _server(self, event: Checkbox.Changed) -> None:
        event.stop()
        labels = self._server_labels()
        boxes = list(self.query(".tools-pane--server").results(Checkbox))
        chosen = [label for box, label in zip(boxes, labels) if box.value]
        self._apply("tools.mcp", {"mcp": chosen})

    @on(ListEditor.Changed, "#collections")
    def _collections(self, event: ListEditor.Changed) -> None:
        event.stop()
        self._apply("tools.collections", {"collections": event.items})

    @on(Input.Changed, "#collection-results")
    def _results(self, event: Input.Changed) -> None:
        event.stop()
        text = event.input.value.strip()
        if not text:
            self._apply("tools.collection_results", {"collection_results": None})
            return
        try:
            value = int(text)
        except ValueError:
            why = f"{one_line(text, 20)!r} is not a whole number"
            self._errors["tools.collection_results"] = why
            self._show_errors()
            return
        self._apply("tools.collection_results", {"collection_results": value})

    @on(Input.Submitted, "#collection-results")
    def _keep_enter_here(self, event: Input.Submitted) -> None:
        event.stop()  # Enter in a field of the pane is not a prompt submission

    def _show_errors(self) -> None:
        if not self.children:
            return
        message = self._errors.get("tools.collection_results")
        label = self.query_one("#collection-results-error", Static)
        label.update(Content(one_line(message, 300)) if message else "")
        label.display = bool(message)
        self.query_one("#collection-results", Input).set_class(bool(message), "-invalid")
