from __future__ import annotations

import os
from pathlib import Path

import pytest

from grok_tui.chat.attachments import (
    MAX_IMAGE_BYTES,
    AttachmentError,
    attachment_from_input,
    image_part_for,
)
from grok_tui.chat.session import Attachment

from .images import TINY_JPEG, tiny_png


def test_png_and_jpeg_accepted_by_magic_bytes(tmp_path: Path) -> None:
    png = tmp_path / "looks-like.jpg"  # wrong extension, real PNG bytes
    png.write_bytes(tiny_png())
    a = attachment_from_input(str(png))
    assert a.source == "file" and a.mime_type == "image/png"
    assert a.path == str(png.resolve()) and a.name == "looks-like.jpg"
    assert a.size_bytes == len(tiny_png())
    jpg = tmp_path / "noext"
    jpg.write_bytes(TINY_JPEG)
    assert attachment_from_input(str(jpg)).mime_type == "image/jpeg"


def test_home_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "p.png").write_bytes(tiny_png())
    assert attachment_from_input("~/p.png").path == str((tmp_path / "p.png").resolve())


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError, match="file not found") as ei:
        attachment_from_input(str(tmp_path / "nope.png"))
    assert "nope.png" in ei.value.reason


def test_directory_refused(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError, match="not a file"):
        attachment_from_input(str(tmp_path))


def test_not_an_image_despite_extension(tmp_path: Path) -> None:
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"GIF89a....")
    with pytest.raises(AttachmentError, match="not a PNG or JPEG"):
        attachment_from_input(str(fake))


def test_over_20_mib_says_size(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with big.open("wb") as fh:
        fh.write(tiny_png())
        fh.truncate(21 * 1024 * 1024)  # sparse: no 21 MiB actually written
    assert big.stat().st_size > MAX_IMAGE_BYTES
    with pytest.raises(AttachmentError, match=r"21\.0 MiB.*20 MiB"):
        attachment_from_input(str(big))


def test_exactly_20_mib_ok(tmp_path: Path) -> None:
    edge = tmp_path / "edge.png"
    with edge.open("wb") as fh:
        fh.write(tiny_png())
        fh.truncate(MAX_IMAGE_BYTES)
    assert attachment_from_input(str(edge)).size_bytes == MAX_IMAGE_BYTES


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable(tmp_path: Path) -> None:
    p = tmp_path / "secret.png"
    p.write_bytes(tiny_png())
    p.chmod(0)
    with pytest.raises(AttachmentError, match="permission denied"):
        attachment_from_input(str(p))


def test_urls() -> None:
    a = attachment_from_input("  https://example.com/img/cat%20face.png?x=1 ")
    assert a.source == "url" and a.url == "https://example.com/img/cat%20face.png?x=1"
    assert a.name == "cat face.png"
    assert attachment_from_input("http://example.com").name == "example.com"
    for bad in (
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "data:image/png;base64,AAAA",
        "https://",
    ):
        with pytest.raises(AttachmentError, match="http"):
            attachment_from_input(bad)
    with pytest.raises(AttachmentError):
        attachment_from_input("   ")


def test_image_part_for_file_vanished_and_changed(tmp_path: Path) -> None:
    p = tmp_path / "x.png"
    p.write_bytes(tiny_png())
    att = attachment_from_input(str(p))
    assert image_part_for(att).url.startswith("data:image/png;base64,")
    p.write_bytes(b"not an image any more")
    with pytest.raises(AttachmentError, match="no longer a PNG or JPEG"):
        image_part_for(att)
    p.unlink()
    with pytest.raises(AttachmentError, match="gone"):
        image_part_for(att)


def test_image_part_for_url() -> None:
    att = Attachment(source="url", url="https://e.x/a.png")
    assert image_part_for(att).url == "https://e.x/a.png"
    with pytest.raises(AttachmentError):
        image_part_for(Attachment(source="file"))
