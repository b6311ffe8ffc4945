"""The search settings form: web and X search, their filters, reasoning effort, turns.

Lives in the chat screen's `#search-pane` (about 38 columns wide) and edits the
current session's `SearchSettings`. Every rule comes from the domain models in
`grok_tui.chat.search`; this widget only maps controls to fields:

* each user change builds a candidate from the last valid settings plus that
  one change and validates it. Valid and different: it becomes `settings` and
  `SearchForm.Changed` is posted. Invalid: the reason is shown next to the
  field, the typed text stays in its input, and `settings` keeps the last valid
  value (the other fields still apply);
* `set_settings()` loads settings (a session was opened) without posting
  `Changed`, unless `post=True` (a preset the user picked).

Keyboard: Tab walks the controls; Space toggles switches and checkboxes; the
arrow keys move in the allowed/excluded radio sets; Enter in a list input adds
the item; Delete/Backspace on a highlighted list item removes it. A search's
options are disabled while that search is off, so Tab skips them.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Self

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, Select, Static, Switch

from grok_tui.chat.preflight import effort_refusal
from grok_tui.chat.search import (
    MAX_DOMAINS,
    MAX_HANDLES,
    REASONING_EFFORTS,
    SearchSettings,
    SettingError,
    normalize_domain,
    normalize_handle,
    parse_date,
    reasoning_efforts_for,
    validation_messages,
)
from grok_tui.sanitize import one_line
from grok_tui.ui.stylesheets import stylesheet
from grok_tui.ui.widgets.list_editor import ListEditor
from grok_tui.ui.widgets.tools_pane import ToolsSection

DEFAULT_EFFORT = "default"
_SPLIT = re.compile(r"[,;\n]+")


def _error_text(exc: ValidationError, prefix: str = "") -> str:
    messages = validation_messages(exc)
    for path, msg in messages.items():
        if path.startswith(prefix):
            return msg
    return next(iter(messages.values()), "invalid value")


class SearchForm(VerticalScroll, can_focus=False):
    """Edits a `SearchSettings`; posts `SearchForm.Changed` on each new valid state."""

    DEFAULT_CSS = stylesheet(__file__)

    class Changed(Message):
        """The settings became a new valid state (by the user, or `set_settings(post=True)`)."""

        def __init__(self, form: SearchForm, settings: SearchSettings) -> None:
            super().__init__()
            self.form = form
            self.settings = settings

        @property
        def control(self) -> SearchForm:
            return self.form

    def __init__(
        self,
        settings: SearchSettings | None = None,
        *,
        model: str | None = None,
        tool_config: Any = None,
        api: str = "responses",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._settings = (settings or SearchSettings()).model_copy(deep=True)
        self._model = model
        self._errors: dict[str, str] = {}
        self._tool_config = tool_config  # grok_tui.chat.tools.ToolConfig
        #: The wire API: on "chat" (Chat Completions) no search is sent, said at the top.
        self._api = api

    # ---- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        s = self._settings
        chat_note = Static(
            "Not sent with api = chat: web and X search exist only on the Responses API "
            "(api = responses).",
            id="api-note",
            classes="search-form--note -warning",
            markup=False,
        )
        chat_note.display = self._api == "chat"
        yield chat_note
        with Horizontal(classes="search-form--head"):
            yield Label("Web search", classes="search-form--title")
            yield Switch(s.web.enabled, id="web-enabled", tooltip="Let the model search the web")
        with Vertical(id="web-options", classes="search-form--options", disabled=not s.web.enabled):
            yield Label(f"Domains (at most {MAX_DOMAINS})", classes="search-form--label")
            with RadioSet(id="web-mode", compact=True):
                yield RadioButton("only these", s.web.domain_mode == "allowed", id="web-allowed")
                yield RadioButton("never these", s.web.domain_mode == "excluded", id="web-excluded")
            yield ListEditor(
                check=self._check_domain,
                items=s.web.domains,
                placeholder="example.com, Enter adds",
                what="domain",
                id="web-domains",
            )
            yield Checkbox("Image understanding", s.web.image_understanding, id="web-images")
            yield Checkbox("Image search", s.web.image_search, id="web-image-search")

        with Horizontal(classes="search-form--head"):
            yield Label("X search", classes="search-form--title")
            yield Switch(s.x.enabled, id="x-enabled", tooltip="Let the model search posts on X")
        with Vertical(id="x-options", classes="search-form--options", disabled=not s.x.enabled):
            yield Label(f"Handles (at most {MAX_HANDLES})", classes="search-form--label")
            with RadioSet(id="x-mode", compact=True):
                yield RadioButton("only these", s.x.handle_mode == "allowed", id="x-allowed")
                yield RadioButton("never these", s.x.handle_mode == "excluded", id="x-excluded")
            yield ListEditor(
                check=self._check_handle,
                items=s.x.handles,
                placeholder="@handle, Enter adds",
                what="handle",
                id="x-handles",
            )
            yield Label("Posts dated (YYYY-MM-DD)", classes="search-form--label")
            with Horizontal(id="x-dates"):
                yield Input(s.x.from_date or "", placeholder="from", id="x-from", max_length=10)
                yield Input(s.x.to_date or "", placeholder="to", id="x-to", max_length=10)
            yield Static("", id="x-dates-error", classes="search-form--error", markup=False)
            yield Checkbox("Image understanding", s.x.image_understanding, id="x-images")
            yield Checkbox("Video understanding", s.x.video_understanding, id="x-videos")

        yield Label("Agentic turns", classes="search-form--title search-form--section")
        with Vertical(classes="search-form--options"):
            yield Label("Reasoning effort", classes="search-form--label")
            yield Select(
                [("model default", DEFAULT_EFFORT), *((e, e) for e in REASONING_EFFORTS)],
                value=s.reasoning_effort or DEFAULT_EFFORT,
                allow_blank=False,
                id="effort",
                compact=True,
            )
            yield Static("", id="effort-note", classes="search-form--note", markup=False)
            yield Label("Max agentic turns (1-100)", classes="search-form--label")
            yield Input(
                "" if s.max_turns is None else str(s.max_turns),
                placeholder="server default",
                type="integer",
                id="max-turns",
            )
            yield Static("", id="max-turns-error", classes="search-form--error", markup=False)

        yield ToolsSection(s.tools, tool_config=self._tool_config, id="tools-section")

    def on_mount(self) -> None:
        self._show_errors()
        self._show_effort_note()

    # ---- public API ----------------------------------------------------------------

    @property
    def settings(self) -> SearchSettings:
        """The last valid settings (a copy)."""
        return self._settings.model_copy(deep=True)

    @property
    def has_errors(self) -> bool:
        """True while some field shows a refused value."""
        return bool(self.errors)

    @property
    def errors(self) -> dict[str, str]:
        """Field -> why its value is refused: web.domains, x.handles, x.dates, max_turns."""
        out = dict(self._errors)
        if self.children:
            for key, editor_id in (("web.domains", "#web-domains"), ("x.handles", "#x-handles")):
                error = self.query_one(editor_id, ListEditor).error
                if error:
                    out[key] = error
            out.update(self.query_one(ToolsSection).errors)
        return out

    def set_settings(self, settings: SearchSettings, *, post: bool = False) -> None:
        """Load `settings` into the form; errors are cleared.

        No `Changed` is posted unless `post` (a preset the user picked, which the
        app must then save with the session).
        """
        new = SearchSettings.model_validate(settings.model_dump())
        changed = new != self._settings
        self._settings = new
        self._errors.clear()
        if self.children:
            self._load_widgets()
            self._show_errors()
            self._show_effort_note()
        if post and changed:
            self.post_message(self.Changed(self, self.settings))

    def focus_first(self) -> None:
        """Focus the first control (the web search switch)."""
        self.query_one("#web-enabled", Switch).focus()

    def focus(self, scroll_visible: bool = True) -> Self:
        """The form itself takes no focus: focusing it focuses its first control."""
        if self.children:
            self.query_one("#web-enabled", Switch).focus(scroll_visible)
        return self

    def set_model(self, model: str | None) -> None:
        """Tell the form which model is chosen (for the reasoning-effort note)."""
        self._model = model
        if self.children:
            self._show_effort_note()

    # ---- list checks (used by the list editors) ---------------------------------------

    def _check_domain(self, items: list[str], raw: str) -> tuple[list[str], str | None]:
        return self._check_list(items, raw, normalize_domain, "web", "domains")

    def _check_handle(self, items: list[str], raw: str) -> tuple[list[str], str | None]:
        return self._check_list(items, raw, normalize_handle, "x", "handles")

    def _check_list(
        self,
        items: list[str],
        raw: str,
        normalize: Any,
        section: Literal["web", "x"],
        field: str,
    ) -> tuple[list[str], str | None]:
        """Add the item(s) in `raw` (commas separate several) through the model's rules."""
        new = list(items)
        notes: list[str] = []
        for part in (p for p in _SPLIT.split(raw) if p.strip()):
            value, note = normalize(part)
            shown = one_line(part.strip(), 60)
            if value.lower() in (v.lower() for v in new):
                notes.append(f"{value} is already in the list")
                continue
            new.append(value)
            if note:
                notes.append(f"{shown} → {value}: {note}")
        data = self._settings.model_dump()
        data[section][field] = new
        try:
            valid = SearchSettings.model_validate(data)
        except ValidationError as exc:
            raise SettingError(_error_text(exc, f"{section}.{field}")) from None
        return list(getattr(getattr(valid, section), field)), ("; ".join(notes) or None)

    # ---- applying changes ---------------------------------------------------------------

    def _apply(self, key: str, change: dict[str, Any]) -> None:
        """Validate the last valid settings plus `change` (dotted paths); commit or show why."""
        data = self._settings.model_dump()
        for path, value in change.items():
            target = data
            *parents, leaf = path.split(".")
            for part in parents:
                target = target[part]
            target[leaf] = value
        try:
            candidate = SearchSettings.model_validate(data)
        except ValidationError as exc:
            self._errors[key] = _error_text(exc)
            self._show_errors()
            return
        self._errors.pop(key, None)
        changed = candidate != self._settings
        self._settings = candidate
        self._show_errors()
        if changed:
            self.post_message(self.Changed(self, self.settings))

    @on(Switch.Changed, "#web-enabled")
    def _web_enabled(self, event: Switch.Changed) -> None:
        value = event.switch.value  # the widget now, not a stale event
        self.query_one("#web-options").disabled = not value
        self._apply("web.enabled", {"web.enabled": value})

    @on(Switch.Changed, "#x-enabled")
    def _x_enabled(self, event: Switch.Changed) -> None:
        value = event.switch.value
        self.query_one("#x-options").disabled = not value
        self._apply("x.enabled", {"x.enabled": value})

    @on(RadioSet.Changed, "#web-mode")
    def _web_mode(self, event: RadioSet.Changed) -> None:
        if not event.pressed.value:
            return  # stale: a later load pressed the other button
        mode = "excluded" if event.pressed.id == "web-excluded" else "allowed"
        self._apply("web.domain_mode", {"web.domain_mode": mode})

    @on(RadioSet.Changed, "#x-mode")
    def _x_mode(self, event: RadioSet.Changed) -> None:
        if not event.pressed.value:
            return
        mode = "excluded" if event.pressed.id == "x-excluded" else "allowed"
        self._apply("x.handle_mode", {"x.handle_mode": mode})

    @on(ListEditor.Changed, "#web-domains")
    def _web_domains(self, event: ListEditor.Changed) -> None:
        self._apply("web.domains.list", {"web.domains": event.items})

    @on(ListEditor.Changed, "#x-handles")
    def _x_handles(self, event: ListEditor.Changed) -> None:
        self._apply("x.handles.list", {"x.handles": event.items})

    @on(Checkbox.Changed)
    def _flag(self, event: Checkbox.Changed) -> None:
        path = {
            "web-images": "web.image_understanding",
            "web-image-search": "web.image_search",
            "x-images": "x.image_understanding",
            "x-videos": "x.video_understanding",
        }.get(event.checkbox.id or "")
        if path:
            self._apply(path, {path: event.checkbox.value})

    @on(Input.Changed, "#x-from, #x-to")
    def _dates(self, event: Input.Changed) -> None:
        """Each date that parses is used; a bad one keeps its last valid value."""
        problems: list[str] = []
        change: dict[str, Any] = {}
        for input_id, label, path in (
            ("#x-from", "from", "x.from_date"),
            ("#x-to", "to", "x.to_date"),
        ):
            widget = self.query_one(input_id, Input)
            text = widget.value
            try:
                change[path] = parse_date(text).isoformat() if text.strip() else None
                widget.remove_class("-invalid")
            except SettingError as exc:
                problems.append(f"{label}: {exc}")
                widget.add_class("-invalid")
        if change:
            data = self._settings.model_dump()
            for path, value in change.items():
                data["x"][path.split(".")[1]] = value
            try:
                candidate = SearchSettings.model_validate(data)
            except ValidationError as exc:
                problems.append(_error_text(exc, "x"))
            else:
                if candidate != self._settings:
                    self._settings = candidate
                    self.post_message(self.Changed(self, self.settings))
        if problems:
            self._errors["x.dates"] = "; ".join(problems)
        else:
            self._errors.pop("x.dates", None)
        self._show_errors()

    @on(Input.Changed, "#max-turns")
    def _max_turns(self, event: Input.Changed) -> None:
        text = event.input.value.strip()
        if not text:
            self._apply("max_turns", {"max_turns": None})
            return
        try:
            value = int(text)
        except ValueError:
            self._errors["max_turns"] = f"{one_line(text, 20)!r} is not a whole number"
            self._show_errors()
            return
        self._apply("max_turns", {"max_turns": value})

    @on(Select.Changed, "#effort")
    def _effort(self, event: Select.Changed) -> None:
        current = event.select.value
        value = current if isinstance(current, str) else DEFAULT_EFFORT
        self._apply(
            "reasoning_effort", {"reasoning_effort": None if value == DEFAULT_EFFORT else value}
        )
        self._show_effort_note()

    @on(ToolsSection.Changed)
    def _tools(self, event: ToolsSection.Changed) -> None:
        event.stop()
        self._apply("tools", {"tools": event.tools.model_dump()})

    @on(Input.Submitted, "#x-from, #x-to, #max-turns")
    def _keep_enter_here(self, event: Input.Submitted) -> None:
        # Enter in a field of the form is not a prompt submission.
        event.stop()

    # ---- showing state ---------------------------------------------------------------

    def _load_widgets(self) -> None:
        s = self._settings
        self.query_one("#web-enabled", Switch).value = s.web.enabled
        self.query_one("#web-options").disabled = not s.web.enabled
        self.query_one(
            "#web-excluded" if s.web.domain_mode == "excluded" else "#web-allowed", RadioButton
        ).value = True
        self.query_one("#web-domains", ListEditor).set_items(s.web.domains)
        self.query_one("#web-images", Checkbox).value = s.web.image_understanding
        self.query_one("#web-image-search", Checkbox).value = s.web.image_search
        self.query_one("#x-enabled", Switch).value = s.x.enabled
        self.query_one("#x-options").disabled = not s.x.enabled
        self.query_one(
            "#x-excluded" if s.x.handle_mode == "excluded" else "#x-allowed", RadioButton
        ).value = True
        self.query_one("#x-handles", ListEditor).set_items(s.x.handles)
        for input_id, value in (("#x-from", s.x.from_date), ("#x-to", s.x.to_date)):
            widget = self.query_one(input_id, Input)
            widget.value = value or ""
            widget.remove_class("-invalid")
        self.query_one("#x-images", Checkbox).value = s.x.image_understanding
        self.query_one("#x-videos", Checkbox).value = s.x.video_understanding
        self.query_one("#effort", Select).value = s.reasoning_effort or DEFAULT_EFFORT
        turns = self.query_one("#max-turns", Input)
        turns.value = "" if s.max_turns is None else str(s.max_turns)
        self.query_one(ToolsSection).set_tools(s.tools)

    def _show_errors(self) -> None:
        if not self.children:
            return
        for key, widget_id, input_ids in (
            ("x.dates", "#x-dates-error", ()),
            ("max_turns", "#max-turns-error", ("#max-turns",)),
        ):
            message = self._errors.get(key)
            label = self.query_one(widget_id, Static)
            note = None if message else self._unused_note(key)
            label.update(Content(one_line(message or note or "", 300)))
            label.display = bool(message or note)
            label.set_class(note is not None, "-note")
            for input_id in input_ids:
                self.query_one(input_id, Input).set_class(bool(message), "-invalid")

    def _unused_note(self, key: str) -> str | None:
        """A setting that does not apply now says so (it is not sent)."""
        s = self._settings
        if key == "max_turns" and s.max_turns is not None and not s.any_enabled:
            return "applies only with a server-side tool on (search, code, MCP, collections); not sent now"
        return None

    def _show_effort_note(self) -> None:
        """The note under the effort choice and the choice's options: efforts
        the chosen model refuses are greyed out with the reason, and the note
        says what is sent (nothing, when the model refuses the choice)."""
        if not self.children:
            return
        note = self.query_one("#effort-note", Static)
        text = ""
        efforts = reasoning_efforts_for(self._model) if self._model else None
        refusal = None
        if self._model:
            model = one_line(self._model, 40)
            refusal = effort_refusal(self._model, self._settings.reasoning_effort)
            if refusal:
                text = f"{refusal}: not sent to {model} (kept for other models)"
            elif efforts == ():
                text = f"{model} takes no reasoning effort"
            elif efforts is not None:
                text = f"{model} takes {', '.join(efforts)}"
        self._grey_out_efforts(efforts)
        note.update(Content(text))
        note.set_class(refusal is not None, "-warning")
        note.display = bool(text)

    def _grey_out_efforts(self, efforts: tuple[str, ...] | None) -> None:
        select = self.query_one("#effort", Select)
        shown = () if efforts is None else efforts
        key = ("known", shown) if efforts is not None else ("unknown",)
        if getattr(self, "_effort_options_key", None) == key:
            return
        self._effort_options_key = key
        model = one_line(self._model or "", 30)
        options: list[tuple[Content | str, str]] = [("model default", DEFAULT_EFFORT)]
        for effort in REASONING_EFFORTS:
            if efforts is None or effort in efforts:
                options.append((effort, effort))
            else:
                options.append(
                    (Content.styled(f"{effort} (not for {model})", "dim strike"), effort)
                )
        value = select.value
        with self.prevent(Select.Changed):
            select.set_options(options)
            select.value = value
