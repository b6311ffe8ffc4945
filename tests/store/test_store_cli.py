from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from grok_tui.store import SessionStore

from .helpers import PYTHON, make_session, subprocess_env


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "grok_tui", "sessions", *args],
        capture_output=True,
        text=True,
        env=subprocess_env(root),
        timeout=60,
    )


@pytest.fixture
def filled(root: Path) -> dict[str, str]:
    with SessionStore(root) as store:
        a = make_session("how do lifetimes work", "Lifetimes name borrow scopes.")
        a.title = "Rust lifetimes"
        store.save(a)
        b = make_session("pasta", "Boil water \x1b[2Jfirst.")
        b.title = "Cooking"
        store.save(b)
    (root / "sessions" / "broken.json").write_text("{nope")
    return {"a": a.id, "b": b.id}


def test_list_plain_and_json(root: Path, filled: dict[str, str]) -> None:
    r = _run(root, "list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert any(filled["a"] in ln and "Rust lifetimes" in ln for ln in lines)
    assert any("broken" in ln and "DAMAGED" in ln for ln in lines)
    assert "\x1b" not in r.stdout
    j = _run(root, "list", "--json", "--limit", "2")
    data = json.loads(j.stdout)
    assert len(data) == 2 and {"id", "title", "damaged", "snippet", "path"} <= set(data[0])
    # What every reply cost (make_session's reply: $0.001 from the server, 5 tokens).
    assert {(d["cost_usd"], d["cost_estimated"], d["tokens"]) for d in data} <= {
        (0.001, False, 5),
        (None, False, 0),
    }
    assert (0.001, False, 5) in {(d["cost_usd"], d["cost_estimated"], d["tokens"]) for d in data}


def test_list_search(root: Path, filled: dict[str, str]) -> None:
    r = _run(root, "list", "--search", "borrow", "--json")
    data = json.loads(r.stdout)
    assert [d["id"] for d in data] == [filled["a"]]
    assert "borrow" in data[0]["snippet"].lower()
    r2 = _run(root, "list", "--search", "nothingmatches")
    assert r2.returncode == 0 and r2.stdout == "" and "no sessions" in r2.stderr


def test_export_md_json_and_output_file(root: Path, filled: dict[str, str], tmp_path: Path) -> None:
    md = _run(root, "export", filled["b"])
    assert md.returncode == 0 and md.stdout.startswith("# Cooking") and "\x1b" not in md.stdout
    js = _run(root, "export", filled["a"], "--format", "json")
    assert json.loads(js.stdout)["id"] == filled["a"]
    out = tmp_path / "out.md"
    r = _run(root, "export", filled["a"][:10], "-o", str(out))  # a unique prefix is enough
    assert r.returncode == 0 and out.read_text().startswith("# Rust lifetimes")


def test_export_errors(root: Path, filled: dict[str, str]) -> None:
    r = _run(root, "export", "doesnotexist")
    assert r.returncode == 2 and "no session with id" in r.stderr and r.stdout == ""
    d = _run(root, "export", "broken")
    assert d.returncode == 1 and "not valid JSON" in d.stderr


def test_list_shows_branch_counts_and_hits_on_other_branches(
    root: Path, filled: dict[str, str]
) -> None:
    from .test_store_branch_search import regenerated

    with SessionStore(root) as store:
        s = regenerated()
        s.title = "Animals"
        store.save(s)
    lines = _run(root, "list").stdout.splitlines()
    assert any(s.id in ln and ln.endswith("Animals  (2 branches)") for ln in lines)
    assert not any(filled["a"] in ln and "branches" in ln for ln in lines)
    r = _run(root, "list", "--search", "striped")
    assert r.stdout.splitlines()[1] == "    on another branch: zebras are striped"
    [hit] = json.loads(_run(root, "list", "--search", "striped", "--json").stdout)
    assert hit["branch_count"] == 2 and hit["hit_message_id"] == s.off_path[0].id
    md = _run(root, "export", s.id).stdout
    assert "quokkas smile" in md and "_Reply 2 of 2 shown;" in md and "striped" not in md
