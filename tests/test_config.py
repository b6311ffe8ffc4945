"""Settings: precedence, bad values, the API key, .env, file permissions, editing."""

from __future__ import annotations

import argparse
import os
import stat
import tomllib
from pathlib import Path

import pytest

from grok_tui import config
from grok_tui.cli import build_parser
from grok_tui.config import (
    CONFIG_TEMPLATE,
    ConfigError,
    Settings,
    ensure_config_file,
    load_settings,
    mask_key,
    parse_dotenv,
    run_config_command,
    save_api_key,
    save_setting,
)

KEY = "xai-SECRETsecretSECRETsecret1234b14o"


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private config folder; the real environment cannot leak in."""
    return isolated_config_file(tmp_path, monkeypatch)


def isolated_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """config.toml's path in a private config folder (not created); the
    GROK_TUI_* variables and XAI_API_KEY of the real environment removed."""
    cdir = tmp_path / "config"
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(cdir))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))
    for var in [*config.ENV_VARS, "XAI_API_KEY"]:
        monkeypatch.delenv(var, raising=False)
    return cdir / "config.toml"


def env_for(cfg: Path, **extra: str) -> dict[str, str]:
    return {"GROK_TUI_CONFIG_DIR": str(cfg.parent), **extra}


def write(cfg: Path, text: str) -> None:
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(text, encoding="utf-8")


def load(cfg: Path, tmp_path: Path, argv: list[str] | None = None, **env: str):
    args = build_parser().parse_args(argv) if argv is not None else None
    return load_settings(args, environ=env_for(cfg, **env), cwd=tmp_path)


# ---------------------------------------------------------------- defaults


def test_defaults_without_a_file(cfg: Path, tmp_path: Path) -> None:
    settings, warnings = load(cfg, tmp_path)
    assert warnings == []
    assert settings.model == "grok-4.3"
    assert settings.base_url == "https://api.x.ai/v1"
    assert settings.api == "responses"
    assert settings.theme == "grok-dark"
    assert settings.timeouts.read == 3600.0
    assert settings.api_key is None and settings.api_key_source is None
    assert settings.demo is True and settings.demo_reason == "no API key"
    assert not settings.search.any_enabled
    assert "model" not in settings.sources and str(settings.source_of("model")) == "default"
    assert not cfg.exists(), "loading must not create the file"


def test_template_parses_and_changes_nothing(cfg: Path, tmp_path: Path) -> None:
    ensure_config_file(cfg)
    assert cfg.read_text() == CONFIG_TEMPLATE
    tomllib.loads(CONFIG_TEMPLATE)
    settings, warnings = load(cfg, tmp_path)
    assert warnings == []
    assert settings.model_dump(exclude={"sources", "config_path"}) == Settings(
        demo=True, demo_reason="no API key"
    ).model_dump(exclude={"sources", "config_path"})


def test_ensure_config_file_keeps_an_existing_file(cfg: Path) -> None:
    write(cfg, 'model = "mine"\n')
    ensure_config_file(cfg)
    assert cfg.read_text() == 'model = "mine"\n'


# -------------------------------------------------------------- precedence


def test_flags_beat_env_beat_file_beat_defaults(cfg: Path, tmp_path: Path) -> None:
    write(
        cfg, 'model = "file-model"\napi = "chat"\ntheme = "nord"\nbase_url = "http://file:1/v1"\n'
    )
    env = {"GROK_TUI_MODEL": "env-model", "GROK_TUI_API": "responses"}
    s, w = load(cfg, tmp_path, ["--model", "flag-model"], **env)
    assert w == []
    assert (s.model, str(s.sources["model"])) == ("flag-model", "flag --model")
    assert (s.api, str(s.sources["api"])) == ("responses", "env GROK_TUI_API")
    assert (s.theme, str(s.sources["theme"])) == ("nord", "file")
    assert (s.base_url, str(s.sources["base_url"])) == ("http://file:1/v1", "file")
    assert (s.timeouts.write, str(s.source_of("timeouts.write"))) == (30.0, "default")


def test_env_variables_for_every_setting(cfg: Path, tmp_path: Path) -> None:
    s, w = load(
        cfg,
        tmp_path,
        GROK_TUI_BASE_URL="http://127.0.0.1:9/v1/",
        GROK_TUI_THEME="dracula",
        GROK_TUI_CONNECT_TIMEOUT="3",
        GROK_TUI_READ_TIMEOUT="120.5",
        GROK_TUI_WRITE_TIMEOUT="7",
        GROK_TUI_SHOW_TOOL_LOG="off",
        GROK_TUI_DEMO_RATE="500",
    )
    assert w == []
    assert s.base_url == "http://127.0.0.1:9/v1"  # trailing slash dropped
    assert s.theme == "dracula"
    assert (s.timeouts.connect, s.timeouts.read, s.timeouts.write) == (3.0, 120.5, 7.0)
    assert s.show_tool_log is False
    assert s.demo_rate == 500.0


def test_flag_theme_and_demo(cfg: Path, tmp_path: Path) -> None:
    s, w = load(cfg, tmp_path, ["--theme", "gruvbox-dark", "--demo"], XAI_API_KEY=KEY)
    assert w == []
    assert s.theme == "gruvbox-dark"
    assert s.demo is True and s.demo_reason == "--demo"
    assert s.api_key is not None  # the key is still known, demo just ignores it


def test_no_key_with_custom_base_url_is_not_demo(cfg: Path, tmp_path: Path) -> None:
    s, _ = load(cfg, tmp_path, ["--base-url", "http://127.0.0.1:8080/v1"])
    assert s.demo is False and s.api_key is None


def test_bad_env_value_falls_back_to_file(cfg: Path, tmp_path: Path) -> None:
    write(cfg, "[timeouts]\nread = 600\n")
    s, w = load(cfg, tmp_path, GROK_TUI_READ_TIMEOUT="soon", GROK_TUI_API="graphql")
    assert s.timeouts.read == 600.0 and str(s.sources["timeouts.read"]) == "file"
    assert s.api == "responses"
    texts = [str(x) for x in w]
    assert any("GROK_TUI_READ_TIMEOUT" in x and "'soon'" in x and "positive" in x for x in texts)
    assert any("GROK_TUI_API" in x and "'graphql'" in x and "responses or chat" in x for x in texts)


# ------------------------------------------------------------- bad values


@pytest.mark.parametrize(
    ("text", "key", "needle"),
    [
        ('api = "grpc"', "api", "responses or chat"),
        ("model = 42", "model", "non-empty string"),
        ('theme = "no-such-theme"', "theme", "grok-dark"),
        ('show_tool_log = "yes"', "show_tool_log", "true or false"),
        ("demo_rate = -3", "demo_rate", "positive"),
        ('base_url = "ftp://x"', "base_url", "http"),
        ("[timeouts]\nread = -1", "timeouts.read", "positive"),
        ('[timeouts]\nconnect = "fast"', "timeouts.connect", "positive"),
    ],
)
def test_bad_value_warns_and_uses_default(
    cfg: Path, tmp_path: Path, text: str, key: str, needle: str
) -> None:
    write(cfg, text + "\n")
    s, w = load(cfg, tmp_path)
    default = Settings()
    node_default = default
    node_loaded = s
    for part in key.split("."):
        node_default = getattr(node_default, part)
        node_loaded = getattr(node_loaded, part)
    assert node_loaded == node_default
    assert len(w) == 1, w
    assert key.split(".")[-1] in str(w[0]) and needle in str(w[0])
    value_text = text.split("=", 1)[1].strip()
    assert value_text.strip('"') in str(w[0])


def test_one_bad_key_does_not_spoil_the_others(cfg: Path, tmp_path: Path) -> None:
    write(cfg, 'api = "grpc"\nmodel = "grok-3-mini"\n[timeouts]\nread = -5\nconnect = 2\n')
    s, w = load(cfg, tmp_path)
    assert s.model == "grok-3-mini" and s.timeouts.connect == 2.0
    assert s.api == "responses" and s.timeouts.read == 3600.0
    assert len(w) == 2


def test_syntax_error_one_warning_with_line_and_all_defaults(cfg: Path, tmp_path: Path) -> None:
    write(cfg, 'model = "grok-3"\n\n[search\nweb = 1\n')
    s, w = load(cfg, tmp_path)
    assert s.model == "grok-4.3"
    assert len(w) == 1
    assert "line 3" in str(w[0]) and str(cfg) in str(w[0])


def test_unknown_keys_warn(cfg: Path, tmp_path: Path) -> None:
    write(cfg, 'colour = "red"\n[timeouts]\npool = 3\n')
    _, w = load(cfg, tmp_path)
    assert any("'colour'" in x for x in map(str, w))
    assert any("timeouts.pool" in x for x in map(str, w))


def test_wrong_table_types_never_crash(cfg: Path, tmp_path: Path) -> None:
    write(cfg, 'timeouts = 3\nsearch = "web"\npresets = 1\nkeys = []\n')
    s, w = load(cfg, tmp_path)
    assert s.timeouts.read == 3600.0 and not s.search.any_enabled
    assert len(w) == 4


# ---------------------------------------------------------------- search


def test_search_defaults_and_presets(cfg: Path, tmp_path: Path) -> None:
    write(
        cfg,
        """
[search]
reasoning_effort = "high"
max_turns = 4
[search.web]
enabled = true
domain_mode = "excluded"
domains = ["https://www.Reddit.com/r/x", "pinterest.com"]
[search.x]
enabled = true
handles = ["@xai", "elonmusk"]
from_date = 2025-01-01
to_date = "2025-06-30"
[presets.news]
web = { enabled = true, domains = ["reuters.com"] }
[presets."x only".x]
enabled = true
""",
    )
    s, w = load(cfg, tmp_path)
    assert w == []
    assert s.search.reasoning_effort == "high" and s.search.max_turns == 4
    assert s.search.web.domain_mode == "excluded"
    assert s.search.web.domains == ["reddit.com", "pinterest.com"]
    assert s.search.x.handles == ["xai", "elonmusk"]
    assert (s.search.x.from_date, s.search.x.to_date) == ("2025-01-01", "2025-06-30")
    assert s.presets["news"].web.domains == ["reuters.com"]
    assert s.presets["x only"].x.enabled and not s.presets["x only"].web.enabled
    assert str(s.sources["search.web.domains"]) == "file"


def test_invalid_search_filter_warns_per_field(cfg: Path, tmp_path: Path) -> None:
    write(
        cfg,
        """
[search]
reasoning_effort = "ludicrous"
[search.web]
enabled = true
domains = ["a.com", "b.com", "c.com", "d.com", "e.com", "f.com"]
[search.x]
handles = ["not a handle!"]
from_date = "2025-05-01"
to_date = "2025-01-01"
""",
    )
    s, w = load(cfg, tmp_path)
    assert s.search.web.enabled is True  # the good field in the same table survives
    assert s.search.web.domains == []
    assert s.search.x.handles == [] and s.search.x.from_date is None
    assert s.search.reasoning_effort is None
    text = "\n".join(map(str, w))
    assert "search.web.domains" in text and "at most 5" in text
    assert "search.x.handles" in text and "not a handle!" in text
    assert "ludicrous" in text and "reasoning effort must be one of" in text
    assert "after the to-date" in text
    assert len(w) == 4


# ---------------------------------------------------------------- api key


def test_key_precedence_env_dotenv_file(cfg: Path, tmp_path: Path) -> None:
    write(cfg, 'api_key = "xai-fromfile000000000000aaaa"\n')
    os.chmod(cfg, 0o600)
    (tmp_path / ".env").write_text("XAI_API_KEY=xai-fromdotenv0000000000bbbb\n")
    s, _ = load(cfg, tmp_path, XAI_API_KEY="xai-fromenv000000000000cccc")
    assert s.api_key_source == "env" and s.key_value().endswith("cccc")  # type: ignore[union-attr]
    s, _ = load(cfg, tmp_path)
    assert s.api_key_source == ".env" and s.key_value().endswith("bbbb")  # type: ignore[union-attr]
    (tmp_path / ".env").unlink()
    s, _ = load(cfg, tmp_path)
    assert s.api_key_source == "config" and s.key_value().endswith("aaaa")  # type: ignore[union-attr]
    assert s.demo is False


def test_parse_dotenv() -> None:
    text = """
# comment
export XAI_API_KEY="xai-quoted # not a comment"
PLAIN=value # trailing comment
SINGLE='it''s'
EMPTY=
 SPACED = spaced value
DQ="line\\nbreak"
not a line
1BAD=x
"""
    env = parse_dotenv(text)
    assert env["XAI_API_KEY"] == "xai-quoted # not a comment"
    assert env["PLAIN"] == "value"
    assert env["SINGLE"] == "it"
    assert env["EMPTY"] == ""
    assert env["SPACED"] == "spaced value"
    assert env["DQ"] == "line\nbreak"
    assert "1BAD" not in env and "not a line" not in env


def test_key_file_permissions_are_fixed(cfg: Path, tmp_path: Path) -> None:
    write(cfg, f'api_key = "{KEY}"\n')
    os.chmod(cfg, 0o644)
    s, w = load(cfg, tmp_path)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    assert len(w) == 1 and "0600" in str(w[0]) and KEY not in str(w[0])
    _, w2 = load(cfg, tmp_path)
    assert w2 == []


def test_save_api_key_is_0600_and_keeps_the_rest(cfg: Path) -> None:
    ensure_config_file(cfg)
    os.chmod(cfg, 0o644)
    save_api_key(KEY, path=cfg)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    text = cfg.read_text()
    assert tomllib.loads(text)["api_key"] == KEY
    assert "# model = " in text and "[search.web]" in text
    save_api_key("xai-second00000000000000zzzz", path=cfg)
    assert text.count("api_key = ") == 1
    assert tomllib.loads(cfg.read_text())["api_key"].endswith("zzzz")


def test_save_api_key_rejects_empty(cfg: Path) -> None:
    with pytest.raises(ConfigError):
        save_api_key("  ", path=cfg)


def test_repr_and_str_never_show_the_key(cfg: Path, tmp_path: Path) -> None:
    s, _ = load(cfg, tmp_path, XAI_API_KEY=KEY)
    assert KEY not in repr(s) and KEY not in str(s)
    assert KEY not in s.model_dump_json()
    assert s.masked_key == "xai-…b14o"


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        (KEY, "xai-…b14o"),
        ("sk-abcdefghijklmnop", "…mnop"),
        ("xai-short", "xai-…"),
        ("", "not set"),
        (None, "not set"),
    ],
)
def test_mask_key(key: str | None, shown: str) -> None:
    assert mask_key(key) == shown
    if key:
        assert key[-5:] not in mask_key(key)


def test_mask_key_accepts_secretstr() -> None:
    from pydantic import SecretStr

    assert mask_key(SecretStr(KEY)) == "xai-…b14o"


# ---------------------------------------------------------------- save_setting


def test_save_setting_preserves_comments_and_other_keys(cfg: Path, tmp_path: Path) -> None:
    write(
        cfg,
        '# my notes\nmodel = "grok-3"  # the cheap one\ntheme = "nord" # night\n'
        '\n[timeouts]\n# slow network\nread = 100\n\n[keys]\n"chat.new" = "ctrl+n"\n',
    )
    save_setting("theme", "dracula", path=cfg)
    save_setting("show_tool_log", False, path=cfg)
    save_setting("timeouts.write", 12.5, path=cfg)
    text = cfg.read_text()
    assert "# my notes" in text and "# the cheap one" in text and "# slow network" in text
    assert 'theme = "dracula" # night' in text  # the user's own spacing is kept
    data = tomllib.loads(text)
    assert data["model"] == "grok-3" and data["theme"] == "dracula"
    assert data["show_tool_log"] is False
    assert data["timeouts"] == {"read": 100, "write": 12.5}
    assert data["keys"] == {"chat.new": "ctrl+n"}
    # top-level keys stay above the first table
    assert text.index("show_tool_log") < text.index("[timeouts]")
    s, w = load(cfg, tmp_path)
    assert w == [] and s.theme == "dracula" and s.show_tool_log is False


def test_save_setting_uncomments_template_line(cfg: Path) -> None:
    ensure_config_file(cfg)
    save_setting("theme", "nord", path=cfg)
    text = cfg.read_text()
    assert 'theme = "nord"\n' in text
    assert '# theme = "grok-dark"' not in text
    assert text.count("\n") == CONFIG_TEMPLATE.count("\n")


def test_save_setting_presets_add_and_delete(cfg: Path, tmp_path: Path) -> None:
    from grok_tui.chat.search import SearchSettings

    ensure_config_file(cfg)
    preset = SearchSettings.model_validate(
        {"web": {"enabled": True, "domains": ["arxiv.org"]}, "max_turns": 3}
    )
    save_setting("presets.papers", preset, path=cfg)
    save_setting(("presets", "x news"), {"x": {"enabled": True}}, path=cfg)
    s, w = load(cfg, tmp_path)
    assert w == []
    assert s.presets["papers"] == preset
    assert s.presets["x news"].x.enabled
    save_setting("presets.papers", preset.model_copy(update={"max_turns": 9}), path=cfg)
    s, _ = load(cfg, tmp_path)
    assert s.presets["papers"].max_turns == 9
    save_setting("presets.papers", None, path=cfg)
    s, w = load(cfg, tmp_path)
    assert w == [] and list(s.presets) == ["x news"]
    assert "[keys]" in cfg.read_text()  # the template's tables survive


def test_save_setting_key_binding_with_dots(cfg: Path, tmp_path: Path) -> None:
    ensure_config_file(cfg)
    save_setting("keys.pane.toggle_tool_log", "f6", path=cfg)
    s, w = load(cfg, tmp_path)
    assert w == [] and s.keys == {"pane.toggle_tool_log": "f6"}


def test_save_setting_replaces_multiline_value(cfg: Path) -> None:
    write(cfg, '[search.web]\ndomains = [\n  "a.com",  # one\n  "b.com",\n]\nenabled = true\n')
    save_setting("search.web.domains", ["c.com"], path=cfg)
    data = tomllib.loads(cfg.read_text())
    assert data["search"]["web"] == {"domains": ["c.com"], "enabled": True}


def test_save_setting_creates_missing_file_and_table(cfg: Path) -> None:
    save_setting("search.x.enabled", True, path=cfg)
    data = tomllib.loads(cfg.read_text())
    assert data["search"]["x"]["enabled"] is True


def test_save_setting_refuses_broken_file(cfg: Path) -> None:
    write(cfg, "model = \n")
    with pytest.raises(ConfigError, match="syntax"):
        save_setting("theme", "nord", path=cfg)
    assert cfg.read_text() == "model = \n"


def test_save_setting_strings_are_escaped(cfg: Path) -> None:
    tricky = 'he said "hi"\\ \n\t\x7f é'
    save_setting("model", tricky, path=cfg)
    assert tomllib.loads(cfg.read_text())["model"] == tricky


def test_save_setting_keeps_file_mode(cfg: Path) -> None:
    write(cfg, 'model = "x"\n')
    os.chmod(cfg, 0o640)
    save_setting("model", "y", path=cfg)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o640
    assert not [p for p in cfg.parent.iterdir() if p.name != "config.toml"], "temp file left"


# ---------------------------------------------------------------- keys


def test_keys_table(cfg: Path, tmp_path: Path) -> None:
    write(
        cfg,
        '[keys]\n"chat.new" = "ctrl+g"\n"pane.toggle_search" = ["f7", "?"]\n'
        '"chat.nope" = "f9"\n"app.help" = "ctrl+nonsense"\n',
    )
    s, w = load(cfg, tmp_path)
    assert s.keys == {"chat.new": "ctrl+g", "pane.toggle_search": "f7,question_mark"}
    assert len(w) == 2
    texts = [str(x) for x in w]
    assert any("chat.nope" in x for x in texts) and any("app.help" in x for x in texts)


# ---------------------------------------------------------------- grok-tui config


def test_config_command_output(
    cfg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XAI_API_KEY", KEY)
    monkeypatch.setenv("GROK_TUI_THEME", "nord")
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(["--model", "grok-code", "config"])
    assert run_config_command(args) == 0
    out, err = capsys.readouterr()
    assert KEY not in out and KEY not in err
    assert str(cfg) in out and "(created)" in out and cfg.exists()
    assert str(tmp_path / "data") in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "xai-…b14o" in lines["api_key"] and "env XAI_API_KEY" in lines["api_key"]
    assert "nord" in lines["theme"] and "env GROK_TUI_THEME" in lines["theme"]
    assert "grok-code" in lines["model"] and "flag --model" in lines["model"]
    assert "(default)" in lines["api"]


def test_config_command_key_from_file_and_warnings(
    cfg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(cfg, f'api_key = "{KEY}"\napi = "{KEY}"\n')
    os.chmod(cfg, 0o600)
    assert run_config_command(argparse.Namespace()) == 0
    out, err = capsys.readouterr()
    assert KEY not in out and KEY not in err
    assert "api" in err and "xai-…b14o" in err  # the bad value is shown masked
    assert "(file)" in out.splitlines()[4] or any(
        line.startswith("api_key") and "(file)" in line for line in out.splitlines()
    )


def test_main_config_subcommand(
    cfg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from grok_tui.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["config"]) == 0
    assert "config file:" in capsys.readouterr().out


def test_save_setting_handles_quotes_in_table_names(tmp_path) -> None:
    import tomllib

    from grok_tui.chat.search import SearchSettings
    from grok_tui.config import save_setting

    path = tmp_path / "config.toml"
    save_setting(("presets", 'q"uote'), SearchSettings().model_dump(), path=path)
    save_setting(("presets", "other"), SearchSettings().model_dump(), path=path)
    save_setting(("presets", 'q"uote'), None, path=path)
    assert list(tomllib.loads(path.read_text())["presets"]) == ["other"]
