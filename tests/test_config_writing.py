"""Comment-keeping writes of config.toml with tomlkit, and the first-run file."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from grok_tui.config import CONFIG_TEMPLATE, ensure_config_file, load_settings, save_setting
from grok_tui.config.writing import REWRITTEN_HEADER


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


def test_uncommenting_keeps_the_line_and_its_trailing_comment(cfg: Path) -> None:
    ensure_config_file(cfg)
    save_setting("search.x.from_date", "2025-03-01", path=cfg)
    save_setting("search.web.domain_mode", "excluded", path=cfg)
    save_setting("keys.chat.new", "ctrl+g", path=cfg)
    save_setting("timeouts.read", 120.0, path=cfg)
    text = cfg.read_text()
    assert 'from_date = "2025-03-01"      # YYYY-MM-DD\n' in text
    assert 'domain_mode = "excluded"       # "allowed" or "excluded"\n' in text
    assert '"chat.new" = "ctrl+g"\n' in text and '# "chat.new"' not in text
    assert "\nread = 120.0\n" in text and "# read = " not in text
    assert text.count("\n") == CONFIG_TEMPLATE.count("\n")  # edited in place, no line added
    data = tomllib.loads(text)
    assert data["search"]["x"] == {"from_date": "2025-03-01"}
    assert data["keys"] == {"chat.new": "ctrl+g"}


def test_only_the_right_table_is_uncommented(cfg: Path) -> None:
    # `image_understanding` is commented out in both [search.web] and [search.x].
    ensure_config_file(cfg)
    save_setting("search.x.image_understanding", True, path=cfg)
    data = tomllib.loads(cfg.read_text())
    assert data["search"]["x"] == {"image_understanding": True}
    assert data["search"]["web"] == {}
    assert "# image_understanding = false\n# image_search" in cfg.read_text()


def test_a_new_key_in_a_hand_written_file_joins_its_table(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text(
        "# mine\n[timeouts] # slow link\nread = 100   # keep\n\n[search.web]\nenabled = true\n"
    )
    save_setting("timeouts.write", 9, path=cfg)
    save_setting("model", "grok-3-mini", path=cfg)
    text = cfg.read_text()
    assert text.startswith('# mine\nmodel = "grok-3-mini"\n')
    assert "[timeouts] # slow link\nread = 100   # keep\nwrite = 9\n" in text
    assert tomllib.loads(text)["search"] == {"web": {"enabled": True}}


def test_delete_keeps_the_rest_and_a_missing_key_changes_nothing(cfg: Path) -> None:
    cfg.parent.mkdir()
    original = '# top\nmodel = "x"  # why\ntheme = "nord"\n'
    cfg.write_text(original)
    before = cfg.stat().st_mtime_ns
    save_setting("search.web.enabled", None, path=cfg)
    assert cfg.read_text() == original and cfg.stat().st_mtime_ns == before  # not rewritten
    save_setting("theme", None, path=cfg)
    assert cfg.read_text() == '# top\nmodel = "x"  # why\n'


def test_dotted_keys_are_edited_in_place(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text("search.web.enabled = true  # dotted\n[search.x]\nenabled = true\n")
    save_setting("search.web.domains", ["a.com"], path=cfg)
    text = cfg.read_text()
    assert text.startswith('search.web.enabled = true  # dotted\nsearch.web.domains = ["a.com"]\n')
    data = tomllib.loads(text)
    assert data["search"] == {
        "web": {"enabled": True, "domains": ["a.com"]},
        "x": {"enabled": True},
    }


def test_when_no_edit_in_place_fits_the_file_is_rewritten_from_data(
    cfg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import grok_tui.config.toml_edit as toml_edit

    cfg.parent.mkdir()
    cfg.write_text('model = "x"  # lost\n[timeouts]\nread = 5\n')
    monkeypatch.setattr(toml_edit, "edit_text", lambda *a: None)
    save_setting("timeouts.write", 7, path=cfg)
    text = cfg.read_text()
    assert text.startswith(REWRITTEN_HEADER)
    assert tomllib.loads(text) == {"model": "x", "timeouts": {"read": 5, "write": 7}}


def test_arrays_of_tables_are_left_alone(cfg: Path) -> None:
    cfg.parent.mkdir()
    text = '[[mcp]]\nname = "a"  # first\n# model = "commented"\n\n[[mcp]]\nname = "b"\n'
    cfg.write_text(text)
    save_setting("model", "grok-3", path=cfg)
    data = tomllib.loads(cfg.read_text())
    assert data["model"] == "grok-3" and data["mcp"] == [{"name": "a"}, {"name": "b"}]
    assert '# model = "commented"' in cfg.read_text() and 'name = "a"  # first' in cfg.read_text()


def test_a_key_in_the_file_makes_it_private_and_removing_it_keeps_the_mode(cfg: Path) -> None:
    ensure_config_file(cfg)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o644
    save_setting("api_key", "xai-" + "k" * 30, path=cfg)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    assert '\napi_key = "xai-kkkk' in cfg.read_text()  # the template's "# api_key" line
    save_setting("api_key", None, path=cfg)
    assert "api_key =" not in cfg.read_text().replace("# api_key =", "")
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600


def test_ensure_config_file_never_replaces_a_file(
    cfg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even when the file appears between the check and the write (two
    grok-tui starting at once), the one already there is kept."""
    import grok_tui.config.writing as writing

    cfg.parent.mkdir()
    real_exists = Path.exists

    def appears_after_the_check(self: Path) -> bool:
        found = real_exists(self)
        if self == cfg and not found:
            cfg.write_text('model = "theirs"\n')
        return found

    monkeypatch.setattr(Path, "exists", appears_after_the_check)
    assert writing.ensure_config_file(cfg) == cfg
    monkeypatch.undo()
    assert cfg.read_text() == 'model = "theirs"\n'
    assert [p.name for p in cfg.parent.iterdir()] == ["config.toml"]  # no temp file left


def test_ensure_config_file_without_hard_links(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: str, dst: str) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    ensure_config_file(cfg)
    assert cfg.read_text() == CONFIG_TEMPLATE
    assert [p.name for p in cfg.parent.iterdir()] == ["config.toml"]
    settings, problems = load_settings(config_path=cfg, environ={})
    assert problems == [] and settings.model == "grok-4.3"
