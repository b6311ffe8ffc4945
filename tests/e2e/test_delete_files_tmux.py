"""End to end in tmux: a session that uploaded a document is deleted from the
session browser (F4, F8) with the keys a terminal sends; the dialog offers
to delete the file on the server (ticked), `n` cancels, Space clears and
ticks the box, Enter moves the session to the trash and deletes the file on
the loopback fake, and the browser says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from tests.e2e.tmux_harness import skip_reason, start_and_attach, tmux_server

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)

KEY = "xai-e2e-delete-files-0123456789ab"


def test_delete_session_offers_to_delete_its_uploaded_file(tmp_path: Path) -> None:
    doc = tmp_path / "report.md"
    doc.write_text("# Report\nquarterly numbers\n", encoding="utf-8")
    fake = FakeXAI(FakeConfig(api_key=KEY))
    with FakeServer(fake) as server, tmux_server() as tmux:
        start_and_attach(tmux, server.url, tmp_path, KEY, doc)
        tmux.wait(lambda s: "report.md" in s and "Alt+X clears" in s, "the chip")
        tmux.type("summarize the report")
        tmux.send("Enter")
        tmux.wait(lambda s: "I read report.md" in s and "idle" in s, "the reply")
        assert len(fake.files.files) == 1
        file_id = next(iter(fake.files.files))

        tmux.send("C-n")
        tmux.type("hello there")
        tmux.send("Enter")
        tmux.wait(lambda s: "hello there" in s and "idle" in s and "out " in s, "the second reply")

        tmux.send("F4")
        tmux.wait(lambda s: "Sessions: 2" in s, "the browser")
        tmux.send("Down")
        tmux.send("F8")
        tmux.wait(lambda s: "Also delete it from xAI's servers" in s, "the dialog")
        tmux.send("n")
        tmux.wait(lambda s: "Nothing was deleted." in s, "the cancel")
        assert file_id in fake.files.files

        tmux.send("F8")
        tmux.wait(lambda s: "Also delete it from xAI's servers" in s, "the dialog again")
        tmux.send("Space")
        tmux.wait(lambda s: "Not ticked: it will stay on" in s, "the box cleared")
        tmux.send("Space")
        tmux.wait(lambda s: "Ticked: it will be deleted" in s, "the box ticked")
        tmux.send("Enter")
        screen = tmux.wait(lambda s: "Deleted 1 uploaded file" in s, "the report")
        assert "Sessions: 1" in screen and "Moved “summarize the report”" in screen
        assert fake.files.files == {}
        assert [r.path for r in fake.requests if r.method == "DELETE"] == [f"/v1/files/{file_id}"]
