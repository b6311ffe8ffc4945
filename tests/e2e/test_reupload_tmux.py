"""End to end in tmux: a chat with a document, quit; the file is then deleted
on the (loopback fake) server and the user's own copy removed; `grok-tui
--continue` reopens the chat, and the next question, typed and sent with
Enter as a user does, uploads the document again from the copy the store
keeps (a bar on the attachment line). Esc during that upload stops the turn
and leaves nothing on the server; Ctrl+R then uploads it again, says so, and
is answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from grok_tui.store import SessionStore
from tests.e2e.tmux_harness import (
    app_env,
    grok_command,
    skip_reason,
    start_and_attach,
    tmux_server,
)

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)

KEY = "xai-e2e-reupload-0123456789abcdef"
SIZE = 3 * 1024 * 1024


def test_continue_after_the_file_was_deleted_uploads_it_again(tmp_path: Path) -> None:
    doc = tmp_path / "report.pdf"
    data = b"%PDF-1.7\n" + b"x" * SIZE
    doc.write_bytes(data)
    fake = FakeXAI(FakeConfig(api_key=KEY))
    with FakeServer(fake) as server, tmux_server() as tmux:
        start_and_attach(tmux, server.url, tmp_path, KEY, doc)
        tmux.wait(lambda s: "report.pdf 3.0 MiB" in s, "the chip")
        tmux.type("what is in it?")
        tmux.send("Enter")
        tmux.wait(lambda s: "I read report.pdf" in s and "idle" in s, "the reply", timeout=60)
        tmux.send("C-q")
        assert tmux.wait_exit(15), tmux.screen()

        (first_id,) = fake.files.files
        assert fake.files.delete(first_id)  # deleted (or expired) on the server
        doc.unlink()  # and the user's own copy is gone: the store's is used
        fake.config.upload_bytes_per_second = 1024 * 1024  # three seconds: the bar shows

        env = app_env(tmp_path, XAI_API_KEY=KEY)
        tmux.start(
            grok_command("--base-url", server.url, "--continue", keep_key=True),
            env=env,
            cwd=tmp_path,
        )
        tmux.wait(lambda s: "I read report.pdf" in s and "idle" in s, "the reopened chat")
        tmux.type("and page two?")
        tmux.send("Enter")
        screen = tmux.wait(lambda s: "⇡ Uploading again report.pdf" in s, "the bar")
        assert "/ 3.0 MiB" in screen
        tmux.send("Escape")  # from the prompt, where the focus is
        screen = tmux.wait(
            lambda s: "⇡ Uploading" not in s and "Stopped — the partial reply is kept" in s,
            "the stop",
        )
        assert server.wait_idle()
        assert fake.files.files == {}  # the cancelled upload left nothing
        tmux.send("C-r")
        tmux.wait(lambda s: "⇡ Uploading again report.pdf" in s, "the bar again")
        screen = tmux.wait(
            lambda s: (
                "report.pdf was no longer on the server; it was uploaded again" in s
                and "idle" in s
                and s.count("I read report.pdf") >= 2
            ),
            "the notice and the answer",
            timeout=60,
        )
        assert "Not sent" not in screen and "⇡ Uploading" not in screen
        tmux.send("C-q")
        assert tmux.wait_exit(15), tmux.screen()

    (second_id,) = fake.files.files
    assert second_id != first_id and fake.files.files[second_id].data == data
    with SessionStore(tmp_path / "data") as store:
        recent = store.most_recent()
        assert recent is not None
        session = store.load(recent.id)
    assert session.messages[0].attachments[0].file_id == second_id
    assert len(session.messages) == 4
