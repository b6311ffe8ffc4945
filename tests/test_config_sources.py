"""The config package's typed records: where each value came from (`Source`),
what was wrong with one (`ConfigProblem`), the declared settings, and import
hygiene (no Textual, no tomlkit at start-up)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grok_tui import config
from grok_tui.cli import build_parser
from grok_tui.config import (
    CONFIG_TEMPLATE,
    SCALARS,
    ConfigProblem,
    ProblemKind,
    Source,
    SourceKind,
    describe_settings,
    load_settings,
)
from tests.test_config import KEY, isolated_config_file, write

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolated_config_file(tmp_path, monkeypatch)


def load(cfg: Path, tmp_path: Path, argv: list[str] | None = None, **env: str):
    args = build_parser().parse_args(argv) if argv is not None else None
    return load_settings(
        args, environ={"GROK_TUI_CONFIG_DIR": str(cfg.parent), **env}, cwd=tmp_path
    )


# ---------------------------------------------------------------- provenance


def test_every_source_is_a_typed_record(cfg: Path, tmp_path: Path) -> None:
    write(cfg, 'api = "chat"\n[timeouts]\nread = 60\n[keys]\n"chat.new" = "ctrl+g"\n')
    (tmp_path / ".env").write_text(f"XAI_API_KEY={KEY}\n")
    s, problems = load(cfg, tmp_path, ["--model", "grok-code"], GROK_TUI_THEME="nord")
    assert problems == []
    assert s.sources["model"] == Source(SourceKind.FLAG, "--model")
    assert s.sources["theme"] == Source.env("GROK_TUI_THEME")
    assert s.sources["api"] == Source.file(cfg) and s.sources["api"].name == str(cfg)
    assert s.sources["timeouts.read"].kind is SourceKind.FILE
    assert s.sources["api_key"] == Source.dotenv("XAI_API_KEY")
    assert s.sources["keys.chat.new"].kind is SourceKind.FILE
    assert s.source_of("base_url").kind is SourceKind.DEFAULT
    assert [str(s.source_of(n)) for n in ("model", "theme", "api", "api_key", "base_url")] == [
        "flag --model",
        "env GROK_TUI_THEME",
        "file",
        ".env XAI_API_KEY",
        "default",
    ]
    assert KEY not in s.model_dump_json()


def test_a_refused_file_value_keeps_the_default_provenance(cfg: Path, tmp_path: Path) -> None:
    write(cfg, '[search.web]\nenabled = true\ndomains = ["a b c"]\n')
    s, problems = load(cfg, tmp_path)
    assert s.source_of("search.web.enabled").kind is SourceKind.FILE
    assert s.source_of("search.web.domains").kind is SourceKind.DEFAULT  # it fell back
    assert [p.key for p in problems] == ["search.web.domains"]


def test_demo_without_a_key_is_derived(cfg: Path, tmp_path: Path) -> None:
    s, _ = load(cfg, tmp_path)
    assert s.sources["demo"] == Source.derived("no API key") and str(s.sources["demo"]) == (
        "no API key"
    )
    assert s.source_of("api_key").kind is SourceKind.UNSET
    s, _ = load(cfg, tmp_path, ["--demo"])
    assert s.sources["demo"] == Source.flag("--demo")


# ---------------------------------------------------------------- problems


def test_problems_are_typed_and_read_as_todays_sentences(cfg: Path, tmp_path: Path) -> None:
    write(cfg, 'api = "grpc"\ncolour = "red"\ntimeouts = 3\napi_key = 5\n')
    _, problems = load(cfg, tmp_path, GROK_TUI_DEMO_RATE="fast")
    by_key = {p.key: p for p in problems}
    env = by_key["demo_rate"]
    assert (env.kind, env.source, env.value) == (
        ProblemKind.NOT_ALLOWED,
        Source.env("GROK_TUI_DEMO_RATE"),
        "fast",
    )
    assert str(env) == (
        "GROK_TUI_DEMO_RATE = 'fast' is not allowed (expected a positive number); "
        "using the next source"
    )
    api = by_key["api"]
    assert (api.value, api.reason, api.source) == ("grpc", "responses or chat", Source.file(cfg))
    assert str(api) == (
        f"{cfg}: api = 'grpc' is not allowed (expected responses or chat); "
        "using the default 'responses'"
    )
    assert str(by_key["colour"]) == f"{cfg}: unknown setting 'colour' ignored"
    assert str(by_key["timeouts"]) == f"{cfg}: timeouts must be a table, got 3; using the defaults"
    assert str(by_key["api_key"]) == f"{cfg}: api_key must be a string (got a int); ignored"
    assert len(problems) == 5


def test_file_level_problems_have_no_key(cfg: Path, tmp_path: Path) -> None:
    write(cfg, "model = \n")
    _, problems = load(cfg, tmp_path)
    (problem,) = problems
    assert problem.key is None and problem.kind is ProblemKind.NOTE
    assert str(problem).startswith(f"{cfg}: TOML syntax error: ")
    assert str(problem).endswith("; using the default settings for everything")


def test_problem_values_are_shortened() -> None:
    problem = ConfigProblem(ProblemKind.INVALID, Source.env("X"), "model", "bad", "y" * 200, "ok")
    text = str(problem)
    assert text == "X = '" + "y" * 76 + "...: bad; ok"


# ---------------------------------------------------------------- declarations


def test_every_scalar_is_in_the_template_readme_and_config_output(
    cfg: Path, tmp_path: Path
) -> None:
    readme = (ROOT / "README.md").read_text()
    for scalar in SCALARS:
        leaf = scalar.name.split(".")[-1]
        assert f"\n# {leaf} = " in CONFIG_TEMPLATE, scalar.name
        if scalar.env:
            assert scalar.env in CONFIG_TEMPLATE and scalar.env in readme, scalar.env
            assert config.ENV_VARS[scalar.env] == scalar.name
    s, _ = load(cfg, tmp_path)
    names = [row[0] for row in describe_settings(s)]
    assert all(scalar.name in names for scalar in SCALARS)


def test_config_lists_every_binding_with_its_source(cfg: Path, tmp_path: Path) -> None:
    from grok_tui.config.keymap import DEFAULT_BINDINGS

    write(cfg, '[keys]\n"pane.toggle_tool_log" = "f6"\n')
    s, _ = load(cfg, tmp_path)
    rows = {name: (shown, source) for name, shown, source in describe_settings(s)}
    assert rows["keys.pane.toggle_tool_log"] == ("f6", "file")
    assert rows["keys.app.quit"] == ("ctrl+q", "default")
    assert {f"keys.{b}" for b in DEFAULT_BINDINGS} <= set(rows)


def test_presets_are_listed_one_by_one(cfg: Path, tmp_path: Path) -> None:
    write(cfg, "[presets.news]\nweb = { enabled = true }\n[presets.plain]\n")
    s, _ = load(cfg, tmp_path)
    rows = {name: (shown, source) for name, shown, source in describe_settings(s)}
    assert rows["presets.news"] == ('{"web":{"enabled":true}}', "file")
    assert rows["presets.plain"] == ("(defaults)", "file")


# ---------------------------------------------------------------- import hygiene


def _modules_after(code: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    return set(out.stdout.split())


def test_loading_imports_neither_textual_nor_tomlkit(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('theme = "nord"\n[keys]\n"chat.new" = "ctrl+g"\n')
    modules = _modules_after(
        "from pathlib import Path\nfrom grok_tui.config import load_settings, describe_settings\n"
        f"s, w = load_settings(config_path=Path({str(tmp_path / 'config.toml')!r}), environ={{}})\n"
        "assert w == [] and s.keys and s.theme == 'nord', w\ndescribe_settings(s)"
    )
    assert "grok_tui.config" in modules
    assert not any(m == "textual" or m.startswith("textual.") for m in modules)
    assert "tomlkit" not in modules


def test_ask_does_not_import_cli() -> None:
    modules = _modules_after("import grok_tui.ask")
    assert "grok_tui.cli" not in modules and "textual" not in modules
