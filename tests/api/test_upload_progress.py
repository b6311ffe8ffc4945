"""Uploads over a real loopback socket: the body is streamed in pieces with
its exact length, progress follows the bytes as the (paced) server takes
them, a cancel part way leaves nothing on the server, a connection dropped
mid-upload is an error that says so, and a cancel after every byte went out
deletes the file the server stored (`chat/uploading.py`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.errors import APIConnectionError
from grok_tui.api.upload import CHUNK_BYTES, multipart_upload
from grok_tui.chat.session import Attachment
from grok_tui.chat.uploading import UploadFailed, UploadState, upload_documents
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from grok_tui.fake.files_api import parse_multipart

KEY = "xai-upload-progress-key-01"
#: Larger than the kernel's socket buffers on loopback (a few MiB), so a
#: paced server holds the client's writes back part way.
BIG = b"%PDF-1.7\n" + bytes(range(256)) * (40 * 1024)  # ~10 MiB


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(FakeXAI(FakeConfig(api_key=KEY))) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _reset(server: FakeServer) -> None:
    server.fake.reset()
    server.fake.config.upload_bytes_per_second = None


def client(server: FakeServer) -> XAIClient:
    return XAIClient(KEY, server.url, retry=RetryPolicy(max_retries=0))


async def _until(condition: Callable[[], bool]) -> None:
    """Return once `condition()` holds (it changes in the server's thread)."""
    while not condition():
        await asyncio.sleep(0.01)


async def test_multipart_body_parses_with_odd_filenames() -> None:
    body = multipart_upload('re"port\r\nX: y ü.pdf', b"%PDF-data", "application/pdf")
    data = b"".join([piece async for piece in body.chunks()])
    assert len(data) == body.content_length
    parts = parse_multipart(body.content_type, data)
    assert parts["file"] == ("re%22port%0D%0AX: y ü.pdf", "application/pdf", b"%PDF-data")
    assert parts["purpose"][2] == b"assistants"


async def test_progress_follows_a_paced_upload(server: FakeServer) -> None:
    server.fake.config.upload_bytes_per_second = 8 * 1024 * 1024
    seen: list[tuple[int, int]] = []
    async with client(server) as c:
        info = await c.upload_file(
            "big.pdf", BIG, "application/pdf", progress=lambda s, t: seen.append((s, t))
        )
    assert info["bytes"] == len(BIG) and server.fake.files.get(info["id"]) is not None
    sent = [s for s, _ in seen]
    assert sent == sorted(sent) and sent[0] == 0 and seen[-1] == (len(BIG), len(BIG))
    assert len(seen) >= len(BIG) // CHUNK_BYTES  # one step per piece, not one jump
    posted = [r for r in server.fake.requests if r.path == "/v1/files"][-1]
    assert "transfer-encoding" not in posted.headers  # an exact Content-Length
    assert int(posted.headers["content-length"]) > len(BIG)


async def test_cancel_part_way_leaves_nothing_on_the_server(server: FakeServer) -> None:
    server.fake.queue_scenarios(["upload_slow"])
    halfway = asyncio.Event()
    seen: list[int] = []

    def progress(sent: int, total: int) -> None:
        seen.append(sent)
        if sent > 0:
            halfway.set()

    async with client(server) as c:
        task = asyncio.create_task(c.upload_file("big.pdf", BIG, progress=progress))
        await asyncio.wait_for(halfway.wait(), 30)
        # Progress counts what the client handed to its socket, which the kernel
        # takes before the server has accepted the connection. Cancel only once
        # the server is reading this upload (it took the scenario): a request
        # it reads after the cancel would take the next test's scenario.
        await asyncio.wait_for(_until(lambda: not server.fake.queued), 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert max(seen) < len(BIG)
    assert server.wait_idle()
    assert server.fake.files.files == {}


async def test_a_connection_dropped_mid_upload_says_so(server: FakeServer) -> None:
    server.fake.queue_scenarios(["upload_drop"])
    async with client(server) as c:
        with pytest.raises(APIConnectionError) as err:
            await c.upload_file("big.pdf", BIG, "application/pdf")
        assert "dropped during the upload" in err.value.user_message()
        # The next upload goes through (the scenario was used once).
        info = await c.upload_file("big.pdf", BIG, "application/pdf")
    assert list(server.fake.files.files) == [info["id"]]
    assert [r.path for r in server.fake.requests] == ["/v1/files", "/v1/files"]


async def test_upload_documents_keeps_what_went_up_and_names_the_failure(
    server: FakeServer, tmp_path: Any
) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("# a\n")
    second.write_text("# b\n")
    atts = [
        Attachment(kind="document", source="file", path=str(p), name=p.name, size_bytes=4)
        for p in (first, second)
    ]
    states: list[tuple[int, int, int]] = []

    def on_progress(s: UploadState) -> None:
        states.append((s.number, s.count, s.sent))

    server.fake.queue_scenarios(["upload_drop"])  # the first upload drops
    async with client(server) as c:
        with pytest.raises(UploadFailed) as err:
            await upload_documents(c, atts, on_progress)
        assert err.value.reason.startswith("could not upload a.md: The connection dropped")
        assert atts[0].file_id is None
        await upload_documents(c, atts, on_progress)
        assert all(a.file_id in server.fake.files.files for a in atts)
        ids = [a.file_id for a in atts]
        await upload_documents(c, atts, on_progress)  # nothing left to upload
    assert [a.file_id for a in atts] == ids
    assert (2, 2, 4) in states


class _SlowAnswer:
    """A client whose upload sends every byte, then waits for its answer."""

    def __init__(self) -> None:
        self.all_sent = asyncio.Event()
        self.answer = asyncio.Event()
        self.deleted: list[str] = []

    async def upload_file(self, filename: str, data: bytes, mime_type: str = "", **kw: Any) -> Any:
        kw["progress"](len(data), len(data))
        self.all_sent.set()
        await self.answer.wait()
        return {"id": "file_stored"}

    async def delete_file(self, file_id: str) -> bool:
        self.deleted.append(file_id)
        return True


async def test_a_cancel_after_every_byte_went_out_deletes_the_stored_file(tmp_path: Any) -> None:
    doc = tmp_path / "a.md"
    doc.write_text("# a\n")
    att = Attachment(kind="document", source="file", path=str(doc), name="a.md", size_bytes=4)
    fake = _SlowAnswer()
    task = asyncio.create_task(upload_documents(fake, [att], lambda s: None))
    await asyncio.wait_for(fake.all_sent.wait(), 10)
    task.cancel()
    await asyncio.sleep(0)
    fake.answer.set()  # the server answers after the cancel
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fake.deleted == ["file_stored"] and att.file_id is None
