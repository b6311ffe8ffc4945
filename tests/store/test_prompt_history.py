"""The prompt history file: JSONL round trip, dedupe, compaction, damage,
concurrent writers, key masking, failures that never raise, 0600, limit 0."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grok_tui.store import prompt_history as ph
from grok_tui.store.prompt_history import MAX_ENTRY_BYTES, PromptHistoryFile, default_path
from tests.store.helpers import REPO

KEY = "xai-SECRETkey0123456789abcdefWXYZ"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "prompt_history.jsonl"


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def test_default_path_is_in_the_data_dir(tmp_path: Path) -> None:
    assert default_path() == tmp_path / "data" / "prompt_history.jsonl"


def test_round_trip_multiline_and_unicode(path: Path) -> None:
    texts = [
        "hello",
        "two\nlines\n\nand a blank one",
        'quotes " and \\ backslashes \\n (not a newline)',
        "héllo wörld ✓ 日本語 😀 \u200b zero-width",
        "tab\tand\rcarriage return and \x1b[31m escape",
        "  leading and trailing spaces  \n",
        "lone surrogate \udc80 here",
    ]
    h = PromptHistoryFile(path)
    for t in texts:
        assert h.append(t) is True
    assert PromptHistoryFile(path).load() == texts
    raw = lines_of(path)
    assert len(raw) == len(texts)  # one line per entry, whatever the text holds
    assert all(isinstance(json.loads(line), str) for line in raw)


def test_load_of_a_missing_file_is_empty(path: Path) -> None:
    assert PromptHistoryFile(path).load() == []
    assert not path.exists()


def test_blank_prompts_are_not_stored(path: Path) -> None:
    h = PromptHistoryFile(path)
    assert h.append("") is False
    assert h.append("  \n\t ") is False
    assert not path.exists()


def test_consecutive_duplicates_are_stored_once(path: Path) -> None:
    h = PromptHistoryFile(path)
    for t in ("a", "a", "b", "a", "a\nb", "a\nb"):
        h.append(t)
    assert h.load() == ["a", "b", "a", "a\nb"]
    assert len(lines_of(path)) == 4
    # Another writer (process) sees the same last line and does not repeat it.
    assert PromptHistoryFile(path).append("a\nb") is True
    assert len(lines_of(path)) == 4


def test_repeats_written_by_two_processes_load_once(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'"x"\n"x"\n"y"\n')
    assert PromptHistoryFile(path).load() == ["x", "y"]


def test_compaction_keeps_the_last_limit_entries(path: Path) -> None:
    h = PromptHistoryFile(path, limit=5)
    inode = None
    for i in range(10):  # up to 2 x limit: only appended
        h.append(f"p{i}")
        if inode is None:
            inode = os.stat(path).st_ino
    assert len(lines_of(path)) == 10
    assert os.stat(path).st_ino == inode
    h.append("p10")  # past 2 x limit: rewritten with the last 5
    assert [json.loads(x) for x in lines_of(path)] == ["p6", "p7", "p8", "p9", "p10"]
    assert os.stat(path).st_ino != inode  # replaced (atomic_write), not edited in place
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not list(path.parent.glob("*.tmp"))
    for i in range(11, 30):
        h.append(f"p{i}")
        assert len(lines_of(path)) <= 10
    assert h.load() == [f"p{i}" for i in range(25, 30)]


def test_load_returns_at_most_limit(path: Path) -> None:
    big = PromptHistoryFile(path, limit=100)
    for i in range(30):
        big.append(f"p{i}")
    assert PromptHistoryFile(path, limit=10).load() == [f"p{i}" for i in range(20, 30)]


def test_a_big_file_found_at_start_is_compacted_at_the_first_append(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(json.dumps(f"p{i}").encode() + b"\n" for i in range(50)))
    h = PromptHistoryFile(path, limit=10)
    assert len(h.load()) == 10
    assert len(lines_of(path)) == 50  # loading never rewrites
    h.append("new")
    assert h.load()[-1] == "new"
    assert len(lines_of(path)) == 10


def test_an_unloaded_history_counts_the_file_before_compacting(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(json.dumps(f"p{i}").encode() + b"\n" for i in range(50)))
    PromptHistoryFile(path, limit=10).append("new")  # no load() first
    assert [json.loads(x) for x in lines_of(path)][-2:] == ["p49", "new"]
    assert len(lines_of(path)) == 10


DAMAGED = (
    b'"good one"\n'
    b"not json at all\n"
    b"123\n"
    b'{"text": "an object"}\n'
    b'["a list"]\n'
    b"null\n"
    b'""\n'
    b'"bad utf-8 \xff\xfe"\n'
    b'"good two"\n'
    b"\n"
    b'"torn write with no end'
)


def test_damaged_lines_are_skipped_and_the_file_kept(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(DAMAGED)
    h = PromptHistoryFile(path)
    assert h.load() == ["good one", "good two"]
    assert path.read_bytes() == DAMAGED  # loading never rewrites
    # An append after the torn line starts a new line: nothing is glued to it.
    assert h.append("after") is True
    assert path.read_bytes() == DAMAGED + b'\n"after"\n'
    assert h.load() == ["good one", "good two", "after"]


def test_compaction_drops_damaged_lines(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(DAMAGED)
    h = PromptHistoryFile(path, limit=3)
    h.load()
    h.append("after")  # 11 lines > 2 x 3: compacted
    assert path.read_bytes() == b'"good one"\n"good two"\n"after"\n'


def test_two_histories_interleave_appends(path: Path) -> None:
    a, b = PromptHistoryFile(path), PromptHistoryFile(path)
    for i in range(5):
        a.append(f"a{i}\nsecond line")
        b.append(f"b{i}")
    expected = [t for i in range(5) for t in (f"a{i}\nsecond line", f"b{i}")]
    assert PromptHistoryFile(path).load() == expected
    assert a.load() == b.load() == expected


def test_two_histories_appending_from_threads_lose_nothing(path: Path) -> None:
    n = 300
    histories = [PromptHistoryFile(path, limit=10_000) for _ in range(2)]

    def writer(k: int) -> None:
        for i in range(n):
            assert histories[k].append(f"w{k}-{i} " + "x" * (i % 50) + "\nend")

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    raw = lines_of(path)
    assert len(raw) == 2 * n
    got = [json.loads(x) for x in raw]  # every line whole
    for k in range(2):
        mine = [t for t in got if t.startswith(f"w{k}-")]
        assert mine == [f"w{k}-{i} " + "x" * (i % 50) + "\nend" for i in range(n)]


def test_appends_of_another_writer_count_towards_compaction(path: Path) -> None:
    """Two writers (two processes; here two objects, each with its own count):
    what the other appended counts, so the file never grows past 2 x limit + 1
    lines. Each once trusted its own count and let the file reach 3 x limit."""
    a, b = PromptHistoryFile(path, limit=5), PromptHistoryFile(path, limit=5)
    for name, writer in [("a", a), ("b", b), ("a2", a), ("b2", b), ("a3", a)]:
        for i in range(5):
            assert writer.append(f"{name}-{i}")
            assert len(lines_of(path)) <= 11
    assert a.load()[-1] == "a3-4" and b.load() == a.load()


_WRITER = """
import sys
from pathlib import Path
from grok_tui.store.prompt_history import PromptHistoryFile
h = PromptHistoryFile(Path(sys.argv[1]), limit=int(sys.argv[3]))
name = sys.argv[2]
print("ready", flush=True)
sys.stdin.readline()  # start together
for i in range(int(sys.argv[4])):
    assert h.append(f"{name}-{i}\\nline two " + "y" * (i % 300)), h.last_error
"""


def _index(entry: str) -> int:
    return int(entry.split("-")[1].split("\n")[0])


@pytest.mark.parametrize("limit", [100_000, 40])
def test_two_processes_append_at_once(path: Path, limit: int) -> None:
    """Two grok-tui processes appending (and compacting) the same file: every
    line stays whole, each writer's entries stay in order, and the kept ones
    are each writer's newest, without gaps."""
    path.parent.mkdir(parents=True)
    n = 1000
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), name, str(limit), str(n)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("A", "B")
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == "ready\n"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.close()
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    got = [json.loads(x) for x in lines_of(path)]  # raises on a torn line
    if limit > 2 * n:
        assert len(got) == 2 * n
    else:
        assert limit <= len(got) <= 2 * limit + 1
    assert _index(got[-1]) == n - 1  # the writer that finished last: its last entry
    for name in ("A", "B"):
        idx = [_index(t) for t in got if t.startswith(name)]
        assert idx == list(range(n - len(idx), n))  # in order, newest, no gaps


def test_the_api_key_is_masked(path: Path) -> None:
    h = PromptHistoryFile(path, secrets=[KEY])
    h.append(f"my key is {KEY}, and again:{KEY}")
    h.append(f"per call {KEY}x", secrets=["xai-other-key-9876543210"])
    h.append("other xai-other-key-9876543210 end", secrets=["xai-other-key-9876543210"])
    data = path.read_bytes()
    assert b"SECRETkey" not in data and b"other-key" not in data
    assert h.load() == [
        "my key is xai-…WXYZ, and again:xai-…WXYZ",
        "per call xai-…WXYZx",
        "other xai-…3210 end",
    ]


def test_secrets_may_be_a_callable_read_at_each_append(path: Path) -> None:
    keys: list[str] = []
    h = PromptHistoryFile(path, secrets=lambda: keys)
    keys.append(KEY)  # e.g. a key entered after start-up
    h.append(f"k={KEY}")
    assert KEY.encode() not in path.read_bytes()


def test_short_secrets_are_not_masked(path: Path) -> None:
    h = PromptHistoryFile(path, secrets=["abc", ""])
    h.append("abc abc")
    assert h.load() == ["abc abc"]


def test_a_failing_secrets_callback_does_not_break_appending(path: Path) -> None:
    def boom() -> list[str]:
        raise RuntimeError("no")

    assert PromptHistoryFile(path, secrets=boom).append("still saved") is True


def test_too_long_prompts_are_not_stored(path: Path) -> None:
    h = PromptHistoryFile(path)
    assert h.append("a" * MAX_ENTRY_BYTES) is True
    assert h.append("b" * (MAX_ENTRY_BYTES + 1)) is False
    assert h.append("é" * (MAX_ENTRY_BYTES // 2 + 1)) is False  # bytes, not characters
    assert h.load() == ["a" * MAX_ENTRY_BYTES]
    assert h.last_error is None  # not an error: a deliberate skip


def test_dedupe_sees_a_long_escaped_last_line(path: Path) -> None:
    text = "\x01" * (MAX_ENTRY_BYTES // 2)  # six bytes per character once escaped
    h = PromptHistoryFile(path)
    h.append(text)
    h.append(text)
    assert len(lines_of(path)) == 1


def test_new_file_is_0600_and_a_loose_one_is_tightened(path: Path) -> None:
    h = PromptHistoryFile(path)
    h.append("x")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    os.chmod(path, 0o644)
    h.append("y")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_limit_zero_disables_the_file(path: Path) -> None:
    h = PromptHistoryFile(path, limit=0)
    assert not h.enabled
    assert h.append("x") is False
    assert not path.exists() and not path.parent.exists()
    path.parent.mkdir(parents=True)
    path.write_bytes(b'"old"\n')
    assert h.load() == []
    assert h.clear() is True
    assert path.read_bytes() == b'"old"\n'


def test_clear_empties_the_file(path: Path) -> None:
    h = PromptHistoryFile(path)
    assert h.clear() is True  # nothing to clear
    assert not path.exists()
    for t in ("a", "b"):
        h.append(t)
    assert h.clear() is True
    assert PromptHistoryFile(path).load() == []
    assert path.read_bytes() == b""
    h.append("a")  # "a" was the last entry before clearing: stored again
    assert h.load() == ["a"]


def test_unwritable_location_returns_false_and_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    h = PromptHistoryFile(blocker / "prompt_history.jsonl")
    assert h.append("hello") is False
    assert h.last_error is not None and "could not be saved" in h.last_error
    assert h.load() == []
    assert h.clear() is True  # nothing there to clear


def test_full_disk_returns_false_and_keeps_the_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = PromptHistoryFile(path)
    h.append("before")

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ph.os, "write", full)
    assert h.append("after") is False
    assert h.last_error is not None and "the disk is full" in h.last_error
    monkeypatch.undo()
    assert h.load() == ["before"]
    assert h.append("later") is True
    assert h.last_error is None


def test_read_only_file_returns_false(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def readonly(p: object, flags: int, mode: int = 0o777) -> int:
        if str(p) == str(path):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(p, flags, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(ph.os, "open", readonly)
    h = PromptHistoryFile(path)
    assert h.append("x") is False
    assert h.last_error is not None and "read-only" in h.last_error
    assert h.clear() is True  # no file: nothing to do


def test_a_failed_compaction_keeps_the_appended_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(p: Path, data: bytes) -> tuple[int, int]:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ph, "atomic_write", fail)
    h = PromptHistoryFile(path, limit=2)
    for i in range(6):
        assert h.append(f"p{i}") is True  # the entry is stored; compaction waits
    assert len(lines_of(path)) == 6
    monkeypatch.undo()
    h.append("p6")
    assert h.load() == ["p5", "p6"]


_LINES = st.one_of(
    st.text(max_size=20).map(lambda t: json.dumps(t).encode()),  # sound (or blank "")
    st.sampled_from(
        [
            b"not json",
            b"123",
            b'["x"',
            b'"y"]',
            b'"a","b"',
            b"null",
            b"{}",
            b'"\xff"',
            b"[",
            b"]",
            b",",
            b'"torn',
            b'x","y"',
            b'"a',
            b'b","c"',
        ]
    ),
)


def test_damaged_lines_that_glue_into_json_are_skipped(path: Path) -> None:
    """`"a` and `b","c"` join into valid JSON in one parse; each is damaged."""
    path.parent.mkdir(parents=True)
    path.write_bytes(b'"ok"\n"a\nb","c"\n"last"\n')
    assert PromptHistoryFile(path).load() == ["ok", "last"]


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, max_size=12))
def test_reading_matches_line_by_line_decoding(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes]
) -> None:
    """The one-parse fast path never accepts what line-by-line decoding rejects."""
    path = tmp_path_factory.mktemp("h") / "h.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    expected: list[str] = []
    for line in lines:
        entry = ph.decode_line(line)
        if entry is not None and (not expected or expected[-1] != entry):
            expected.append(entry)
    assert PromptHistoryFile(path).load() == expected


def test_only_the_tail_of_a_huge_file_is_read(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ph, "MAX_READ_BYTES", 100)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(json.dumps(f"entry {i:03}").encode() + b"\n" for i in range(40)))
    h = PromptHistoryFile(path, limit=30)
    got = h.load()
    # 100 bytes hold the last 8 lines (12 bytes each) and a cut one, which is dropped.
    assert got == [f"entry {i:03}" for i in range(32, 40)]
    h.append("new")  # a file too big to read whole counts as over the limit: compacted
    kept = [json.loads(x) for x in lines_of(path)]
    assert kept[-1] == "new" and len(kept) <= len(got) + 1
    assert kept[:-1] == got[-(len(kept) - 1) :]  # the newest of what the tail held


def test_file_size(path: Path) -> None:
    h = PromptHistoryFile(path)
    assert h.file_size() == 0
    h.append("abc")
    assert h.file_size() == len(b'"abc"\n')


def test_secrets_given_as_a_one_shot_iterator_mask_every_append(path: Path) -> None:
    h = PromptHistoryFile(path, secrets=iter([KEY]))
    h.append(f"1 {KEY}")
    h.append(f"2 {KEY}")
    assert h.load() == ["1 xai-…WXYZ", "2 xai-…WXYZ"]
