"""What will not work, said where it is chosen (issue 13, defects 1, 4 and 7):
the status bar follows the search form with what is *sent* (search on the
chat API and a refused effort left out), the form says search is not sent on
the chat API, and picking a text-only model with an image attached warns."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select, Static, Switch

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.backend import Backend
from grok_tui.chat.session import Attachment
from grok_tui.fake import FakeTransport, FakeXAI
from grok_tui.ui.app import GrokApp
from tests.ui.conftest import TEST_KEY, wait_for


def _bar(app: GrokApp) -> str:
    return str(app.chat.query_one("#status").plain)  # type: ignore[attr-defined]


async def _open_form(pilot: Any, app: GrokApp) -> Any:
    await app.chat.run_action("search_settings")
    await wait_for(
        pilot, lambda: bool(app.chat.query("#search-form #web-enabled")), what="the search form"
    )
    await pilot.pause()
    return app.chat.query_one("#search-form")


async def test_web_search_switched_on_in_the_form_on_the_chat_api(
    fake: FakeXAI, store: Any
) -> None:
    client = XAIClient(
        TEST_KEY,
        "http://fake.invalid/v1",
        api="chat",
        transport=FakeTransport(fake),
        retry=RetryPolicy(max_retries=0),
    )
    app = GrokApp(backend=Backend(client=client, demo=False, fake=fake), store=store)
    async with app.run_test(size=(160, 40)) as pilot:
        form = await _open_form(pilot, app)
        note = form.query_one("#api-note", Static)
        assert note.display and "Not sent with api = chat" in str(note.render())
        assert app.focused is form.query_one("#web-enabled", Switch)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.chat.session.search.web.enabled, what="web search on")
        await pilot.pause()
        assert "search not sent (chat API)" in _bar(app)
        assert "web" not in _bar(app).replace("not sent", "")


async def test_the_form_has_no_api_note_on_the_responses_api(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        form = await _open_form(pilot, app)
        assert not form.query_one("#api-note", Static).display
        await pilot.press("space")
        await wait_for(pilot, lambda: app.chat.session.search.web.enabled, what="web search on")
        await pilot.pause()
        assert "│ web │" in _bar(app)


async def test_an_effort_chosen_in_the_form_that_the_model_refuses_is_not_shown(
    make_app: Any,
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        app.chat.set_model("grok-4.3")  # takes none/low/medium/high, not xhigh
        form = await _open_form(pilot, app)
        form.query_one("#effort", Select).value = "xhigh"
        await wait_for(
            pilot,
            lambda: app.chat.session.search.reasoning_effort == "xhigh",
            what="the effort chosen",
        )
        await pilot.pause()
        assert "effort" not in _bar(app)
        form.query_one("#effort", Select).value = "high"
        await wait_for(pilot, lambda: "effort: high" in _bar(app), what="an effort the model takes")


async def test_picking_a_text_only_model_with_an_image_attached_warns(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        chat = app.chat
        chat.attachments = [Attachment(source="url", url="https://example.com/cat.png", name="cat")]
        chat.set_model("grok-3")  # reads text only
        await pilot.pause()
        notice = chat.query_one("#notice", Static)
        assert notice.display
        assert "grok-3 reads text only and cannot take an image" in str(notice.render())
