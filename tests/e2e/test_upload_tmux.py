"""End to end in tmux: a document attached with Ctrl+T uploads to the loopback
fake (paced by the `upload_slow` scenario) with a bar on the attachment line;
Esc, then Ctrl+C, sent from the prompt where the focus is, cancel it (nothing
sent, nothing stored, text and attachment kept); a connection dropped
mid-upload is said and loses nothing; Enter then uploads and sends."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from tests.e2e.tmux_harness import skip_reason, start_and_attach, tmux_server

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)

KEY = "xai-e2e-upload-0123456789abcdef"
#: Larger than loopback's socket buffers, so the paced fake holds it back.
SIZE = 12 * 1024 * 1024


def _wait_taken(fake: FakeXAI, timeout: float = 20.0) -> None:
    """Wait until the server took every queued scenario (it is reading the upload)."""
    deadline = time.monotonic() + timeout
    while fake.queued and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not fake.queued, f"the server never read the upload; queued: {fake.queued}"


def test_upload_progress_and_cancel_keys(tmp_path: Path) -> None:
    doc = tmp_path / "report.pdf"
    doc.write_bytes(b"%PDF-1.7\n" + b"x" * SIZE)
    fake = FakeXAI(FakeConfig(api_key=KEY))
    with FakeServer(fake) as server, tmux_server() as tmux:
        start_and_attach(tmux, server.url, tmp_path, KEY, doc)
        tmux.wait(lambda s: "report.pdf 12.0 MiB" in s, "the chip")

        for cancel_key in ("Escape", "C-c"):
            fake.queue_scenarios(["upload_slow"])
            tmux.type("what is in it?")
            tmux.send("Enter")
            screen = tmux.wait(lambda s: "⇡ Uploading report.pdf" in s, "the bar")
            assert "/ 12.0 MiB" in screen
            # The bar moves once the client hands bytes to its socket, which can
            # be before the server reads the request: cancel once it took its
            # scenario, so a request read late cannot take the next one's.
            _wait_taken(fake)
            tmux.send(cancel_key)
            screen = tmux.wait(lambda s: "Upload cancelled: nothing was sent" in s, "the cancel")
            assert "⇡ Uploading" not in screen and "report.pdf 12.0 MiB" in screen
            assert "what is in it?" in screen
            assert server.wait_idle()
            assert fake.files.files == {}
            tmux.send("C-u")  # the draft stays; cleared here only to type it again
            tmux.wait(lambda s: "what is in it?" not in s, "the cleared prompt")

        fake.queue_scenarios(["upload_drop"])
        tmux.type("what is in it?")
        tmux.send("Enter")
        screen = tmux.wait(lambda s: "dropped during the upload" in s, "the drop")
        assert "what is in it?" in screen and "report.pdf 12.0 MiB" in screen

        tmux.send("Enter")
        tmux.wait(lambda s: "I read report.pdf" in s and "idle" in s, "the reply", timeout=60)
        assert len(fake.files.files) == 1
        assert not [r for r in fake.requests if r.path == "/v1/responses"][:-1]
