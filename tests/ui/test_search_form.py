"""The search settings form, driven from the keyboard in a tiny host app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, RadioSet, Select, Static, Switch

from grok_tui.chat.search import SearchSettings
from grok_tui.ui.widgets.list_editor import ItemList, ListEditor
from grok_tui.ui.widgets.search_form import SearchForm
from tests.ui.conftest import palette_search
from tests.waiting import wait_for


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))


class Host(App[None]):
    CSS = "SearchForm { width: 38; }"

    def __init__(self, settings: SearchSettings | None = None, model: str | None = None) -> None:
        super().__init__()
        self.initial = settings
        self.model = model
        self.changes: list[SearchSettings] = []

    def compose(self) -> ComposeResult:
        yield SearchForm(self.initial, model=self.model)

    def on_search_form_changed(self, event: SearchForm.Changed) -> None:
        self.changes.append(event.settings)

    @property
    def form(self) -> SearchForm:
        return self.query_one(SearchForm)


def web_on(**web: object) -> SearchSettings:
    return SearchSettings.model_validate({"web": {"enabled": True, **web}})


def x_on(**x: object) -> SearchSettings:
    return SearchSettings.model_validate({"x": {"enabled": True, **x}})


async def type_in(
    pilot: Pilot[None], widget: Input, text: str, *, enter: bool = False, keys: bool = False
) -> None:
    """Append `text` to the input (key by key when `keys`), then press Enter if asked."""
    widget.focus()
    await pilot.pause()
    if keys:
        await pilot.press("end", *text)
    else:
        widget.value += text
        widget.cursor_position = len(widget.value)
    if enter:
        await pilot.press("enter")
    await pilot.pause()


def editor(app: Host, editor_id: str) -> ListEditor:
    return app.form.query_one(f"#{editor_id}", ListEditor)


def message_of(ed: ListEditor) -> str:
    return str(ed.query_one(".list-editor--message", Static).render())


def shown(app: Host, static_id: str) -> str:
    label = app.form.query_one(f"#{static_id}", Static)
    return str(label.render()) if label.display else ""


# ---- switches and flags ----------------------------------------------------------------


async def test_space_toggles_web_search_and_posts_changed() -> None:
    app = Host()
    async with app.run_test() as pilot:
        switch = app.form.query_one("#web-enabled", Switch)
        assert app.form.query_one("#web-options").disabled
        switch.focus()
        await pilot.press("space")
        await pilot.pause()
        assert app.form.settings.web.enabled is True
        assert [c.web.enabled for c in app.changes] == [True]
        assert not app.form.query_one("#web-options").disabled
        await pilot.press("space")
        await pilot.pause()
        assert app.form.settings.web.enabled is False
        assert [c.web.enabled for c in app.changes] == [True, False]
        assert app.form.query_one("#web-options").disabled


async def test_x_search_switch_and_all_image_video_flags() -> None:
    app = Host(SearchSettings.model_validate({"web": {"enabled": True}}))
    async with app.run_test() as pilot:
        app.form.query_one("#x-enabled", Switch).focus()
        await pilot.press("space")
        await pilot.pause()
        assert app.form.settings.x.enabled
        for box_id in ("web-images", "web-image-search", "x-images", "x-videos"):
            app.form.query_one(f"#{box_id}", Checkbox).focus()
            await pilot.press("space")
            await pilot.pause()
        s = app.form.settings
        assert s.web.image_understanding and s.web.image_search
        assert s.x.image_understanding and s.x.video_understanding
        assert len(app.changes) == 5
        assert app.changes[-1] == s


async def test_tools_off_keeps_filters_but_disables_their_controls() -> None:
    app = Host(web_on(domains=["x.ai"]))
    async with app.run_test() as pilot:
        app.form.query_one("#web-enabled", Switch).focus()
        await pilot.press("space")
        await pilot.pause()
        s = app.form.settings
        assert not s.web.enabled and not s.x.enabled and not s.any_enabled
        assert s.web.domains == ["x.ai"]
        # Tab skips the disabled options: from the web switch to the X switch.
        await pilot.press("tab")
        assert app.focused is app.form.query_one("#x-enabled", Switch)


# ---- domain and handle lists -------------------------------------------------------------


async def test_enter_adds_a_domain_with_a_visible_normalization_note() -> None:
    app = Host(web_on())
    async with app.run_test() as pilot:
        ed = editor(app, "web-domains")
        await type_in(pilot, ed.input, "https://x.ai/docs", enter=True, keys=True)
        assert app.form.settings.web.domains == ["x.ai"]
        assert app.changes[-1].web.domains == ["x.ai"]
        note = message_of(ed)
        assert "x.ai" in note and "removed https://" in note and "removed the path" in note
        assert ed.input.value == ""
        assert not app.form.has_errors


async def test_duplicates_are_collapsed_with_a_note() -> None:
    app = Host(web_on(domains=["x.ai"]))
    async with app.run_test() as pilot:
        ed = editor(app, "web-domains")
        await type_in(pilot, ed.input, "X.AI", enter=True)
        assert app.form.settings.web.domains == ["x.ai"]
        assert "x.ai is already in the list" in message_of(ed)
        assert app.changes == []


async def test_sixth_domain_is_refused_and_the_text_stays() -> None:
    five = ["a.com", "b.com", "c.com", "d.com", "e.com"]
    app = Host(web_on(domains=five))
    async with app.run_test() as pilot:
        ed = editor(app, "web-domains")
        await type_in(pilot, ed.input, "f.com", enter=True)
        assert app.form.settings.web.domains == five
        assert ed.input.value == "f.com"
        assert app.form.has_errors
        assert "at most 5 domains" in app.form.errors["web.domains"]
        assert "at most 5 domains" in message_of(ed)
        assert ed.input.has_class("-invalid")
        assert app.changes == []
        # Removing one makes room; Enter again adds the kept text.
        items = ed.query_one(ItemList)
        items.focus()
        items.highlighted = 0
        await pilot.press("delete")
        await pilot.pause()
        assert app.form.settings.web.domains == five[1:]
        await type_in(pilot, ed.input, "", enter=True)
        assert app.form.settings.web.domains == [*five[1:], "f.com"]
        assert not app.form.has_errors


async def test_bad_domains_are_refused_in_words() -> None:
    app = Host(web_on())
    async with app.run_test() as pilot:
        ed = editor(app, "web-domains")
        await type_in(pilot, ed.input, "not a domain", enter=True)
        assert "contains spaces" in app.form.errors["web.domains"]
        assert ed.input.value == "not a domain"
        assert app.form.settings.web.domains == []
        ed.input.value = ""
        await pilot.pause()
        assert not app.form.has_errors  # the refused text was erased


async def test_several_domains_at_once_separated_by_commas() -> None:
    app = Host(web_on())
    async with app.run_test() as pilot:
        ed = editor(app, "web-domains")
        await type_in(pilot, ed.input, "x.ai, wikipedia.org", enter=True)
        assert app.form.settings.web.domains == ["x.ai", "wikipedia.org"]
        assert len(app.changes) == 1


async def test_subdomain_sent_as_its_domain_and_the_field_says_so() -> None:
    """xAI's filters take domains without subdomains: `www.wikipedia.org` is
    sent as `wikipedia.org`, and the field says what is sent."""
    app = Host(web_on())
    async with app.run_test() as pilot:
        ed = editor(app, "web-domains")
        await type_in(pilot, ed.input, "https://www.Wikipedia.org/wiki/X", enter=True)
        assert app.form.settings.web.domains == ["wikipedia.org"]
        text = " ".join(str(w.render()) for w in ed.query("Static"))
        assert "sent as wikipedia.org (xAI filters take the domain without subdomains)" in text
        # A registrable domain under a public suffix stays whole.
        await type_in(pilot, ed.input, "alice.github.io", enter=True)
        assert app.form.settings.web.domains == ["wikipedia.org", "alice.github.io"]


async def test_backspace_removes_the_highlighted_domain() -> None:
    app = Host(web_on(domains=["a.com", "b.com", "c.com"]))
    async with app.run_test() as pilot:
        items = editor(app, "web-domains").query_one(ItemList)
        items.focus()
        items.highlighted = 1
        await pilot.press("backspace")
        await pilot.pause()
        assert app.form.settings.web.domains == ["a.com", "c.com"]
        assert app.changes[-1].web.domains == ["a.com", "c.com"]
        assert items.option_count == 2


async def test_allowed_and_excluded_switch_with_the_keyboard() -> None:
    app = Host(web_on(domains=["x.ai"]))
    async with app.run_test() as pilot:
        radio = app.form.query_one("#web-mode", RadioSet)
        radio.focus()
        await pilot.press("right", "space")
        await pilot.pause()
        s = app.form.settings
        assert (s.web.domain_mode, s.web.domains) == ("excluded", ["x.ai"])
        await pilot.press("left", "space")
        await pilot.pause()
        assert app.form.settings.web.domain_mode == "allowed"
        assert [c.web.domain_mode for c in app.changes] == ["excluded", "allowed"]


async def test_handles_lose_the_at_and_bad_ones_are_refused() -> None:
    app = Host(x_on())
    async with app.run_test() as pilot:
        ed = editor(app, "x-handles")
        await type_in(pilot, ed.input, "@xai", enter=True)
        assert app.form.settings.x.handles == ["xai"]
        assert "removed the leading @" in message_of(ed)
        await type_in(pilot, ed.input, "no spaces!", enter=True)
        assert "not a valid X handle" in app.form.errors["x.handles"]
        assert ed.input.value == "no spaces!"
        assert app.form.settings.x.handles == ["xai"]


async def test_eleventh_handle_is_refused() -> None:
    ten = [f"user{i}" for i in range(10)]
    app = Host(x_on(handles=ten, handle_mode="excluded"))
    async with app.run_test() as pilot:
        ed = editor(app, "x-handles")
        await type_in(pilot, ed.input, "@one_more", enter=True)
        assert "at most 10 handles" in app.form.errors["x.handles"]
        assert app.form.settings.x.handles == ten
        assert ed.input.value == "@one_more"


async def test_list_items_and_messages_are_not_markup() -> None:
    app = Host(x_on())
    async with app.run_test() as pilot:
        ed = editor(app, "x-handles")
        await type_in(pilot, ed.input, "[@click=app.quit]x[/]", enter=True)
        await pilot.pause()
        assert app.is_running
        assert "[@click=app.quit]x[/]" in message_of(ed)


# ---- dates -------------------------------------------------------------------------------


async def test_dates_apply_and_bad_ones_keep_the_last_valid_value() -> None:
    app = Host(x_on())
    async with app.run_test() as pilot:
        from_input = app.form.query_one("#x-from", Input)
        to_input = app.form.query_one("#x-to", Input)
        await type_in(pilot, from_input, "2025-11-01", keys=True)
        await type_in(pilot, to_input, "2025-12-01")
        s = app.form.settings
        assert (s.x.from_date, s.x.to_date) == ("2025-11-01", "2025-12-01")
        assert app.changes[-1] == s
        # A bad date: shown in words, not sent, typed text kept.
        to_input.value = "2025-13-01"
        await pilot.pause()
        assert "not a real calendar date" in shown(app, "x-dates-error")
        assert "x.dates" in app.form.errors
        assert app.form.settings.x.to_date == "2025-12-01"
        assert to_input.value == "2025-13-01"
        assert to_input.has_class("-invalid")
        # From after to: refused, both stay as they were.
        to_input.value = "2025-10-01"
        await pilot.pause()
        assert "after the to-date" in shown(app, "x-dates-error")
        assert app.form.settings.x.to_date == "2025-12-01"
        # Fixing clears the error and applies.
        from_input.value = "2025-09-01"
        await pilot.pause()
        assert shown(app, "x-dates-error") == ""
        assert not app.form.has_errors
        s = app.form.settings
        assert (s.x.from_date, s.x.to_date) == ("2025-09-01", "2025-10-01")
        # Clearing a date removes it.
        from_input.value = ""
        await pilot.pause()
        assert app.form.settings.x.from_date is None


async def test_half_typed_date_is_an_error_until_complete() -> None:
    app = Host(x_on(from_date="2025-01-01"))
    async with app.run_test() as pilot:
        from_input = app.form.query_one("#x-from", Input)
        from_input.value = "2025-0"  # as if the user erased the end of the date
        await pilot.pause()
        assert "YYYY-MM-DD" in shown(app, "x-dates-error")
        assert app.form.settings.x.from_date == "2025-01-01"
        await type_in(pilot, from_input, "2-03", keys=True)
        assert app.form.settings.x.from_date == "2025-02-03"
        assert not app.form.has_errors


# ---- model-side options --------------------------------------------------------------------


async def test_reasoning_effort_and_max_turns() -> None:
    app = Host(model="grok-4.3")
    async with app.run_test() as pilot:
        assert "grok-4.3 takes none, low, medium, high" in shown(app, "effort-note")
        app.form.query_one("#effort", Select).value = "high"
        await pilot.pause()
        assert app.form.settings.reasoning_effort == "high"
        # Efforts the model refuses are greyed out with the reason.
        labels = {v: str(p) for p, v in app.form.query_one("#effort", Select)._options}
        assert labels["xhigh"] == "xhigh (not for grok-4.3)" and labels["high"] == "high"
        app.form.query_one("#effort", Select).value = "xhigh"
        await pilot.pause()
        note = shown(app, "effort-note")
        assert "does not take reasoning effort 'xhigh'" in note and "not sent to grok-4.3" in note
        assert app.form.query_one("#effort-note").has_class("-warning")
        # Another model: the options follow it, the choice is kept.
        app.form.set_model("grok-4-1-fast-reasoning")
        await pilot.pause()
        labels = {v: str(p) for p, v in app.form.query_one("#effort", Select)._options}
        assert labels["low"] == "low (not for grok-4-1-fast-reasoning)"
        assert app.form.query_one("#effort", Select).value == "xhigh"
        assert "takes no reasoning effort" in shown(app, "effort-note")
        app.form.set_model("grok-4.3")
        await pilot.pause()
        app.form.query_one("#effort", Select).value = "default"
        await pilot.pause()
        assert app.form.settings.reasoning_effort is None

        turns = app.form.query_one("#max-turns", Input)
        await type_in(pilot, turns, "5")
        assert app.form.settings.max_turns == 5
        # With no search on it would do nothing: the field says so.
        assert (
            "applies only with a server-side tool on (search, code, MCP, collections); not sent now"
            in shown(app, "max-turns-error")
        )
        assert not app.form.has_errors
        await type_in(pilot, turns, "00", keys=True)  # 50 is valid on the way to 500
        assert "between 1 and 100" in shown(app, "max-turns-error")
        assert app.form.settings.max_turns == 50
        assert turns.value == "500"
        turns.value = ""
        await pilot.pause()
        assert app.form.settings.max_turns is None
        assert not app.form.has_errors
        assert [c.reasoning_effort for c in app.changes[:3]] == ["high", "xhigh", None]
        assert [c.max_turns for c in app.changes[3:]] == [5, 50, None]


async def test_effort_note_for_a_model_without_effort() -> None:
    app = Host(model="grok-4-0709")
    async with app.run_test():
        assert "takes no reasoning effort" in shown(app, "effort-note")
        app.form.set_model("grok-4.5")
        assert shown(app, "effort-note") == ""


# ---- loading --------------------------------------------------------------------------------


async def test_set_settings_loads_every_control_without_posting_changed() -> None:
    app = Host()
    loaded = SearchSettings.model_validate(
        {
            "web": {
                "enabled": True,
                "domain_mode": "excluded",
                "domains": ["x.ai"],
                "image_understanding": True,
            },
            "x": {
                "enabled": True,
                "handles": ["xai"],
                "from_date": "2025-01-01",
                "to_date": "2025-02-01",
                "video_understanding": True,
            },
            "reasoning_effort": "low",
            "max_turns": 7,
        }
    )
    async with app.run_test() as pilot:
        app.form.query_one("#x-to", Input).value = "nope"
        await pilot.pause()
        assert app.form.has_errors
        app.form.set_settings(loaded)
        await pilot.pause()
        assert app.changes == []
        assert app.form.settings == loaded
        assert not app.form.has_errors
        f = app.form
        assert f.query_one("#web-enabled", Switch).value
        assert f.query_one("#web-excluded").value  # type: ignore[attr-defined]
        assert editor(app, "web-domains").items == ["x.ai"]
        assert f.query_one("#web-images", Checkbox).value
        assert editor(app, "x-handles").items == ["xai"]
        assert f.query_one("#x-from", Input).value == "2025-01-01"
        assert f.query_one("#x-to", Input).value == "2025-02-01"
        assert f.query_one("#x-videos", Checkbox).value
        assert f.query_one("#effort", Select).value == "low"
        assert f.query_one("#max-turns", Input).value == "7"
        # A preset the user picked is announced.
        f.set_settings(SearchSettings(), post=True)
        await pilot.pause()
        assert app.changes == [SearchSettings()]
        assert not f.query_one("#web-enabled", Switch).value


async def test_tab_walks_the_enabled_controls_in_order() -> None:
    app = Host(
        SearchSettings.model_validate(
            {"web": {"enabled": True, "domains": ["x.ai"]}, "x": {"enabled": True}}
        )
    )
    async with app.run_test(size=(80, 30)) as pilot:
        app.form.focus_first()
        await pilot.pause()
        order: list[str] = []
        for _ in range(15):
            focused = app.focused
            assert focused is not None
            order.append(focused.id or type(focused).__name__)
            await pilot.press("tab")
        assert order == [
            "web-enabled",
            "web-mode",
            "Input",
            "ItemList",
            "web-images",
            "web-image-search",
            "x-enabled",
            "x-mode",
            "Input",
            "x-from",
            "x-to",
            "x-images",
            "x-videos",
            "effort",
            "max-turns",
        ]


# ---- end to end: the form inside the real app, the request the fake backend got ----------------
#
# The chat screen mounts the form in `#search-pane` the first time F3 opens it
# and keeps `session.search` in step with `SearchForm.Changed`. The form is
# driven with the keyboard (focus, type, press) and each test checks the exact
# JSON the fake backend received.


async def open_form(pilot: Pilot[None], app: Any) -> SearchForm:
    """Show the search pane with its key (F3) and return the form in it."""
    await pilot.press("f3")
    await pilot.pause()
    chat = app.chat
    pane = chat.query_one("#search-pane")
    assert pane.display
    form = pane.query_one(SearchForm)
    assert chat.search_form is form
    await wait_for(
        pilot, lambda: form.query("#web-enabled").first().has_focus, what="F3 to focus the form"
    )
    return form


async def send_and_get_body(
    pilot: Pilot[None], app: Any, fake: Any, text: str = "hello"
) -> dict[str, Any]:
    chat = app.chat
    before = len([r for r in fake.requests if r.method == "POST"])
    chat.prompt.set_text(f"scenario:plain {text}")  # a short reply keeps the test fast
    chat.prompt.focus()
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: len([r for r in fake.requests if r.method == "POST"]) > before,
        what="the request",
    )
    await wait_for(pilot, lambda: not chat.is_streaming, what="the reply to end")
    body = [r for r in fake.requests if r.method == "POST"][-1].json
    assert isinstance(body, dict)
    return body


async def press_on(pilot: Pilot[None], widget: Any, *keys: str) -> None:
    widget.focus()
    await pilot.pause()
    await pilot.press(*keys)
    await pilot.pause()


async def type_keys(pilot: Pilot[None], widget: Input, text: str, *, enter: bool = False) -> None:
    """Type `text` into `widget` key by key (Enter after it if asked)."""
    await type_in(pilot, widget, text, enter=enter, keys=True)


async def test_e2e_web_search_with_an_allowed_domain(make_app: Any, fake: Any, store: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.chat.search_form is None  # not built at start-up
        form = await open_form(pilot, app)
        await pilot.press("space")  # the web switch has the focus
        await type_keys(
            pilot, editor_of(form, "web-domains").input, "https://x.ai/docs", enter=True
        )
        assert app.chat.session.search.web.domains == ["x.ai"]
        assert "web: x.ai" in app.chat.query_one("#status").plain
        body = await send_and_get_body(pilot, app, fake)
        assert body["tools"] == [{"type": "web_search", "allowed_domains": ["x.ai"]}]
        assert "max_turns" not in body and "reasoning" not in body
        await app.chat.checkpointer.flush()
        assert store.saved[-1]["search"]["web"]["domains"] == ["x.ai"]


async def test_e2e_each_web_flag_alone(make_app: Any, fake: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(pilot, app)
        await pilot.press("space")
        body = await send_and_get_body(pilot, app, fake)
        assert body["tools"] == [{"type": "web_search"}]
        await press_on(pilot, form.query_one("#web-images"), "space")
        body = await send_and_get_body(pilot, app, fake, "images")
        assert body["tools"] == [{"type": "web_search", "enable_image_understanding": True}]
        await press_on(pilot, form.query_one("#web-images"), "space")
        await press_on(pilot, form.query_one("#web-image-search"), "space")
        body = await send_and_get_body(pilot, app, fake, "image search")
        assert body["tools"] == [{"type": "web_search", "enable_image_search": True}]


async def test_e2e_excluded_domains_and_image_flags(make_app: Any, fake: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(pilot, app)
        await pilot.press("space")
        await type_keys(
            pilot, editor_of(form, "web-domains").input, "reddit.com, quora.com", enter=True
        )
        await press_on(pilot, form.query_one("#web-mode"), "right", "space")
        await press_on(pilot, form.query_one("#web-images"), "space")
        await press_on(pilot, form.query_one("#web-image-search"), "space")
        body = await send_and_get_body(pilot, app, fake)
        assert body["tools"] == [
            {
                "type": "web_search",
                "excluded_domains": ["reddit.com", "quora.com"],
                "enable_image_understanding": True,
                "enable_image_search": True,
            }
        ]


async def test_e2e_x_search_handles_dates_and_media_flags(make_app: Any, fake: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(pilot, app)
        await press_on(pilot, form.query_one("#x-enabled"), "space")
        await type_keys(pilot, editor_of(form, "x-handles").input, "@xai", enter=True)
        await type_keys(pilot, editor_of(form, "x-handles").input, "@elonmusk", enter=True)
        body = await send_and_get_body(pilot, app, fake)
        assert body["tools"] == [{"type": "x_search", "allowed_x_handles": ["xai", "elonmusk"]}]
        await type_keys(pilot, form.query_one("#x-from", Input), "2025-11-01")
        body = await send_and_get_body(pilot, app, fake, "from")
        assert body["tools"] == [
            {
                "type": "x_search",
                "allowed_x_handles": ["xai", "elonmusk"],
                "from_date": "2025-11-01",
            }
        ]
        await type_keys(pilot, form.query_one("#x-to", Input), "2025-12-01")
        await press_on(pilot, form.query_one("#x-images"), "space")
        await press_on(pilot, form.query_one("#x-videos"), "space")
        body = await send_and_get_body(pilot, app, fake, "to")
        assert body["tools"] == [
            {
                "type": "x_search",
                "allowed_x_handles": ["xai", "elonmusk"],
                "from_date": "2025-11-01",
                "to_date": "2025-12-01",
                "enable_image_understanding": True,
                "enable_video_understanding": True,
            }
        ]
        # Excluded instead, only a to-date, both searches, effort and turns.
        await press_on(pilot, form.query_one("#x-mode"), "right", "space")
        await press_on(pilot, form.query_one("#x-from", Input), "end", "ctrl+u")
        await press_on(pilot, form.query_one("#web-enabled"), "space")
        effort = form.query_one("#effort", Select)
        await press_on(pilot, effort, "enter")
        await pilot.press(
            "down", "down", "down", "down", "enter"
        )  # model default, none, low, medium, high
        await wait_for(pilot, lambda: effort.value == "high", what="the effort to be chosen")
        await type_keys(pilot, form.query_one("#max-turns", Input), "3")
        body = await send_and_get_body(pilot, app, fake, "again")
        assert body["tools"] == [
            {"type": "web_search"},
            {
                "type": "x_search",
                "excluded_x_handles": ["xai", "elonmusk"],
                "to_date": "2025-12-01",
                "enable_image_understanding": True,
                "enable_video_understanding": True,
            },
        ]
        assert body["reasoning"] == {"effort": "high"}
        assert body["max_turns"] == 3


async def test_e2e_tools_off_sends_no_tools_key(make_app: Any, fake: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(pilot, app)
        await pilot.press("space")
        await type_keys(pilot, form.query_one("#max-turns", Input), "4")
        body = await send_and_get_body(pilot, app, fake)
        assert body["tools"] == [{"type": "web_search"}] and body["max_turns"] == 4
        await press_on(pilot, form.query_one("#web-enabled"), "space")
        body = await send_and_get_body(pilot, app, fake, "no search now")
        assert "tools" not in body
        assert "max_turns" not in body


async def test_e2e_invalid_input_then_send_uses_the_last_valid_settings(
    make_app: Any, fake: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(pilot, app)
        await pilot.press("space")
        await type_in(
            pilot,
            editor_of(form, "web-domains").input,
            "a.com, b.com, c.com, d.com, e.com",
            enter=True,
        )
        await press_on(pilot, form.query_one("#x-enabled"), "space")
        await type_keys(pilot, form.query_one("#x-from", Input), "2025-11-01")
        # Now the bad ones: a sixth domain, a bad handle, a to-date before the from-date.
        await type_keys(pilot, editor_of(form, "web-domains").input, "f.com", enter=True)
        await type_keys(pilot, editor_of(form, "x-handles").input, "not a handle", enter=True)
        await type_keys(pilot, form.query_one("#x-to", Input), "2025-10-01")
        assert set(form.errors) == {"web.domains", "x.handles", "x.dates"}
        body = await send_and_get_body(pilot, app, fake)
        assert body["tools"] == [
            {
                "type": "web_search",
                "allowed_domains": ["a.com", "b.com", "c.com", "d.com", "e.com"],
            },
            {"type": "x_search", "from_date": "2025-11-01"},
        ]
        # Nothing typed was thrown away.
        assert editor_of(form, "web-domains").input.value == "f.com"
        assert editor_of(form, "x-handles").input.value == "not a handle"
        assert form.query_one("#x-to", Input).value == "2025-10-01"


NEWS = SearchSettings.model_validate(
    {"x": {"enabled": True, "handles": ["xai"], "from_date": "2025-11-01"}, "max_turns": 2}
)


async def run_palette_command(pilot: Pilot[None], app: Any, query: str) -> None:
    from textual.command import CommandPalette

    await palette_search(pilot, app, query)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), what="palette closed")


async def test_e2e_preset_applied_from_the_palette(make_app: Any, fake: Any, store: Any) -> None:
    from grok_tui.config import Settings
    from grok_tui.ui.screens.presets import PresetCommands

    settings = Settings(presets={"news from @xai": NEWS})
    app = make_app(settings=settings)
    assert any(isinstance(c, type) and issubclass(c, PresetCommands) for c in app.COMMANDS)
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.preset_store.names() == ["news from @xai"]
        form = await open_form(pilot, app)
        await run_palette_command(pilot, app, "Search preset: news")
        await wait_for(pilot, lambda: app.chat.session.search == NEWS, what="the preset")
        assert form.settings == NEWS
        assert editor_of(form, "x-handles").items == ["xai"]
        assert "X: @xai" in app.chat.query_one("#status").plain
        body = await send_and_get_body(pilot, app, fake)
        assert body["tools"] == [
            {"type": "x_search", "allowed_x_handles": ["xai"], "from_date": "2025-11-01"}
        ]
        assert body["max_turns"] == 2
        await app.chat.checkpointer.flush()
        assert store.saved[-1]["search"]["x"]["handles"] == ["xai"]


async def test_e2e_preset_applies_before_the_pane_was_ever_opened(make_app: Any, fake: Any) -> None:
    from grok_tui.config import Settings

    app = make_app(settings=Settings(presets={"news from @xai": NEWS}))
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.chat.search_form is None
        await run_palette_command(pilot, app, "Search preset: news")
        await wait_for(pilot, lambda: app.chat.session.search == NEWS, what="the preset")
        assert not app.chat.query_one("#search-pane").display  # still closed
        body = await send_and_get_body(pilot, app, fake)
        assert body["tools"] == [
            {"type": "x_search", "allowed_x_handles": ["xai"], "from_date": "2025-11-01"}
        ]
        form = await open_form(pilot, app)
        assert form.query_one("#x-enabled", Switch).value
        assert editor_of(form, "x-handles").items == ["xai"]


async def test_e2e_palette_search_settings_opens_focuses_and_closes(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        chat = app.chat
        await run_palette_command(pilot, app, "Search settings")
        # The command runs after the palette closed (App.call_later).
        await wait_for(
            pilot,
            lambda: chat.search_form is not None and chat.query_one("#search-pane").display,
            what="the pane",
        )
        form = chat.search_form
        assert form is not None
        await wait_for(pilot, lambda: form.query_one("#web-enabled").has_focus, what="focus")
        # Open but the prompt has the focus: the command focuses the form again.
        chat.prompt.focus()
        await run_palette_command(pilot, app, "Search settings")
        await wait_for(pilot, lambda: form.query_one("#web-enabled").has_focus, what="focus")
        # With the focus in the form it closes the pane, and the prompt gets the focus.
        await run_palette_command(pilot, app, "Search settings")
        await wait_for(
            pilot, lambda: not chat.query_one("#search-pane").display, what="the pane closed"
        )
        await wait_for(pilot, lambda: chat.prompt.has_focus, what="the prompt's focus")


async def test_e2e_form_shows_the_settings_of_a_reopened_session(make_app: Any, store: Any) -> None:
    from grok_tui.chat.session import Session

    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(pilot, app)
        saved = web_on(domains=["x.ai"])
        writes = len(store.saved)
        await app.chat.load_session(Session(search=saved, model="grok-3-mini"))
        await pilot.pause()
        assert form.settings == saved
        assert app.chat.session.search == saved
        assert editor_of(form, "web-domains").items == ["x.ai"]
        assert form.query_one("#web-enabled", Switch).value
        assert "grok-3-mini" in str(form.query_one("#effort-note", Static).render())
        await app.chat.checkpointer.flush()
        assert len(store.saved) == writes  # loading is not a change to save


async def test_e2e_new_chat_starts_from_the_configured_defaults(make_app: Any, fake: Any) -> None:
    from grok_tui.config import Settings

    defaults = web_on(domains=["wikipedia.org"])
    app = make_app(settings=Settings(search=defaults))
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.chat.session.search == defaults
        form = await open_form(pilot, app)
        await press_on(pilot, form.query_one("#x-enabled"), "space")
        assert app.chat.session.search.x.enabled
        await app.chat.action_new_chat()
        await pilot.pause()
        assert app.chat.session.search == defaults
        assert form.settings == defaults
        assert not form.query_one("#x-enabled", Switch).value
        assert app.settings.search == defaults  # the defaults were not edited in place
        body = await send_and_get_body(pilot, app, fake)
        assert body["tools"] == [{"type": "web_search", "allowed_domains": ["wikipedia.org"]}]


async def test_e2e_form_created_later_starts_from_the_current_session(make_app: Any) -> None:
    from grok_tui.chat.session import Session

    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        saved = x_on(handles=["xai"])
        await app.chat.load_session(Session(search=saved))
        form = await open_form(pilot, app)
        assert form.settings == saved
        assert editor_of(form, "x-handles").items == ["xai"]


async def test_e2e_model_change_reaches_the_form(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(pilot, app)
        app.chat.set_model("grok-3-mini")
        await pilot.pause()
        assert "grok-3-mini" in str(form.query_one("#effort-note", Static).render())


def editor_of(form: SearchForm, editor_id: str) -> ListEditor:
    return form.query_one(f"#{editor_id}", ListEditor)


async def test_two_loads_in_one_tick_leave_the_last_one_and_post_nothing() -> None:
    app = Host()
    first = SearchSettings.model_validate(
        {"web": {"enabled": True, "image_understanding": True}, "max_turns": 3}
    )
    second = SearchSettings.model_validate({"x": {"enabled": True}, "reasoning_effort": "low"})
    async with app.run_test() as pilot:
        app.form.set_settings(first)
        app.form.set_settings(second)
        await pilot.pause()
        assert app.form.settings == second
        assert app.changes == []
        assert not app.form.query_one("#web-enabled", Switch).value
        assert not app.form.query_one("#web-images", Checkbox).value
