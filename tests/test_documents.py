"""Documents: checked before upload (type by content, size), uploaded through
the fake's Files API, sent as `input_file` parts; from `ask --file` and from
the chat screen (Ctrl+T's `attach`), where a refused upload sends nothing and
keeps the prompt's text and attachments."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.errors import XAIError
from grok_tui.chat.attachments import AttachmentError, attachment_from_input
from grok_tui.chat.documents import MAX_DOCUMENT_BYTES, document_from_path
from grok_tui.cli import build_parser
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI

KEY = "xai-documents-test-key-01"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture(scope="module")
def _server() -> Any:
    with FakeServer(FakeXAI(FakeConfig(api_key=KEY))) as server:
        yield server


@pytest.fixture()
def server(_server: FakeServer) -> FakeServer:
    _server.fake.reset()
    return _server


def make(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_documents_are_checked_by_content(tmp_path: Path) -> None:
    pdf = document_from_path(str(make(tmp_path, "paper.pdf", PDF)))
    assert (pdf.kind, pdf.mime_type, pdf.size_bytes) == ("document", "application/pdf", len(PDF))
    md = attachment_from_input(str(make(tmp_path, "notes.md", "# Notes\nünïcode\n".encode())))
    assert (md.kind, md.mime_type) == ("document", "text/markdown")
    py = attachment_from_input(str(make(tmp_path, "tool.py", b"print('hi')\n")))
    assert py.kind == "document" and py.mime_type == "text/x-python"
    img = attachment_from_input(str(make(tmp_path, "a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)))
    assert img.kind == "image"
    for name, data, needle in (
        ("bin.txt", b"\x00\x01\x02binary", "not a PDF or a UTF-8 text"),
        ("empty.md", b"", "is empty"),
        ("latin.txt", "café".encode("latin-1") + b" and more text here", "not a PDF or a UTF-8"),
        ("tool.exe", b"MZ\x90\x00", "not a PNG or JPEG image, a PDF, or a text"),
    ):
        with pytest.raises(AttachmentError) as info:
            attachment_from_input(str(make(tmp_path, name, data)))
        assert needle in info.value.reason, name
    big = tmp_path / "huge.pdf"
    with big.open("wb") as fh:
        fh.write(PDF)
        fh.truncate(MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(AttachmentError) as info:
        document_from_path(str(big))
    assert "documents must be at most 48 MiB" in info.value.reason


async def test_fake_files_api_and_input_file_validation(server: FakeServer, tmp_path: Path) -> None:
    async with XAIClient(KEY, server.url, retry=RetryPolicy(max_retries=0)) as client:
        info = await client.upload_file("paper.pdf", PDF, "application/pdf")
        assert info["filename"] == "paper.pdf" and info["bytes"] == len(PDF)
        stored = server.fake.files.get(info["id"])
        assert (
            stored is not None and stored.data == PDF and stored.content_type == "application/pdf"
        )
        server.fake.queue_scenarios(["upload_too_large"])
        with pytest.raises(XAIError) as err:
            await client.upload_file("big.pdf", PDF, "application/pdf")
        assert err.value.status == 413 and "48 MB" in err.value.message
        assert "Attach a smaller file" in err.value.user_message()
        from grok_tui.api.chat_request import ChatRequest, FilePart, InputMessage

        for file_id, ok in ((info["id"], True), ("file_nope", False)):
            request = ChatRequest(
                model="grok-4.3",
                messages=(InputMessage("user", "summarize", files=(FilePart(file_id),)),),
            )
            events = [e async for e in client.stream(request)]
            assert (events[-1].kind == "completed") is ok
        body = [r for r in server.fake.requests if r.path == "/v1/responses"][0].json
        assert body["input"][0]["content"] == [
            {"type": "input_file", "file_id": info["id"]},
            {"type": "input_text", "text": "summarize"},
        ]
        assert await client.delete_file(info["id"]) is True
        assert await client.delete_file(info["id"]) is False


def ask(server: FakeServer, *argv: str) -> tuple[int, str, str]:
    from grok_tui.ask import run_ask

    args = build_parser().parse_args(["ask", "--base-url", server.url, *argv])
    out, err = io.StringIO(), io.StringIO()
    code = run_ask(args, stdin=io.StringIO(""), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XAI_API_KEY", KEY)
    for k in list(os.environ):
        if k.startswith("GROK_TUI_") and k not in ("GROK_TUI_CONFIG_DIR", "GROK_TUI_DATA_DIR"):
            monkeypatch.delenv(k)


def test_ask_file_uploads_then_sends_input_file(
    server: FakeServer, tmp_path: Path, env: None
) -> None:
    notes = make(tmp_path, "notes.md", b"# Release notes\nVersion 2 adds tools.\n")
    code, out, err = ask(
        server, "--file", str(notes), "--file", str(make(tmp_path, "p.pdf", PDF)), "summarize"
    )
    assert code == 0, err
    assert "I read **notes.md** (38 bytes). It begins: “# Release notes”." in out
    ids = list(server.fake.files.files)
    body = [r for r in server.fake.requests if r.path == "/v1/responses"][-1].json
    assert [
        p.get("file_id") for p in body["input"][0]["content"] if p["type"] == "input_file"
    ] == ids
    assert err.count("uploaded ") == 2


def test_ask_file_refused_before_any_request(server: FakeServer, tmp_path: Path, env: None) -> None:
    code, out, err = ask(server, "--file", str(make(tmp_path, "x.bin", b"\x00\x00")), "hi")
    assert code == 2 and "cannot attach" in err
    assert server.fake.requests == []
    server.fake.queue_scenarios(["upload_too_large"])
    code, out, err = ask(server, "--file", str(make(tmp_path, "a.md", b"text\n")), "hi")
    assert code == 1 and "could not upload a.md" in err and "48 MB" in err
    assert not [r for r in server.fake.requests if r.path == "/v1/responses"]


class TerminalErr(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_ask_file_shows_upload_progress_on_a_terminal_stderr_only(
    server: FakeServer, tmp_path: Path, env: None
) -> None:
    from grok_tui.ask import run_ask

    doc = make(tmp_path, "big.pdf", b"%PDF-1.7\n" + b"x" * 400_000)
    argv = ["ask", "--base-url", server.url, "--file", str(doc), "summarize"]

    out, err = io.StringIO(), TerminalErr()
    code = run_ask(build_parser().parse_args(argv), stdin=io.StringIO(""), stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    text = err.getvalue()
    frames = [f for f in text.split("\r\x1b[K") if f.startswith("⇡ uploading big.pdf")]
    assert frames[0] == "⇡ uploading big.pdf  0 bytes / 391 KiB  0%"
    assert frames[-1] == "⇡ uploading big.pdf  391 KiB / 391 KiB  100%"
    assert len(frames) == len(set(frames)) >= 3  # one line, redrawn as it moves
    # the line is cleared before the next note, which starts a line of its own
    assert "100%\r\x1b[Kuploaded big.pdf as file_" in text
    assert "I read **big.pdf**" in out.getvalue()
    assert "\x1b" not in out.getvalue() and "uploading" not in out.getvalue()

    out, err = io.StringIO(), io.StringIO()  # a file or a pipe
    code = run_ask(build_parser().parse_args(argv), stdin=io.StringIO(""), stdout=out, stderr=err)
    assert code == 0
    assert "\x1b" not in err.getvalue() and "\r" not in err.getvalue()
    assert "⇡ uploading" not in err.getvalue() and "uploaded big.pdf as file_" in err.getvalue()
    assert "I read **big.pdf**" in out.getvalue()
