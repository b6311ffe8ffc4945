"""Start-up cost of settings and themes (run: .venv/bin/python bench/bench_config_themes.py).

Each sample is a fresh interpreter, so imports are included. The baseline,
measured in the same run, imports what the TUI loads anyway (textual.app and
the pydantic domain models); the other case adds reading the settings and
loading every theme, so the difference is what config + themes cost at start-up.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "9"))

BASELINE = "import textual.app, grok_tui.chat.search"
THEMES = (
    "import textual.app, grok_tui.chat.search\n"
    "from grok_tui.config import load_settings, ensure_config_file\n"
    "from grok_tui.ui.theme_files import load_themes\n"
    "ensure_config_file(); load_settings(); load_themes(None)"
)


def sample(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "GROK_TUI_CONFIG_DIR": str(Path(tmp) / "config"),
            "GROK_TUI_DATA_DIR": str(Path(tmp) / "data"),
            "PYTHONPATH": str(ROOT),
        }
        results: dict[str, list[float]] = {"baseline": [], "+settings+themes": []}
        sample(THEMES, env)  # warm-up: writes .pyc files and the config file
        for _ in range(RUNS):  # interleaved so noise hits both alike
            results["baseline"].append(sample(BASELINE, env))
            results["+settings+themes"].append(sample(THEMES, env))
    base = statistics.median(results["baseline"])
    print(f"runs per case: {RUNS}")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"{name:<26} median {med * 1000:7.1f} ms   ratio to baseline {med / base:5.2f}")
    extra = statistics.median(results["+settings+themes"]) - base
    print(f"added by settings + themes (fresh process, noisy): {extra * 1000:.1f} ms")
    in_process(env)


def in_process(env: dict[str, str]) -> None:
    """Warm calls in one process; baseline: parsing the config template with tomllib."""
    os.environ.update({k: env[k] for k in ("GROK_TUI_CONFIG_DIR", "GROK_TUI_DATA_DIR")})
    sys.path.insert(0, str(ROOT))
    import tomllib

    from grok_tui.config import CONFIG_TEMPLATE, ensure_config_file, load_settings
    from grok_tui.ui.theme_files import load_themes

    ensure_config_file()

    def median_ms(fn: object, n: int = 30) -> float:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append(time.perf_counter() - t)
        return statistics.median(times) * 1000

    base = median_ms(lambda: tomllib.loads(CONFIG_TEMPLATE))
    settings = median_ms(load_settings)
    themes = median_ms(lambda: load_themes(None))
    print(f"in process: tomllib.loads(template) {base:.2f} ms (baseline)")
    print(f"in process: load_settings()         {settings:.2f} ms  ratio {settings / base:.1f}")
    print(f"in process: load_themes(None)       {themes:.2f} ms  ratio {themes / base:.1f}")


if __name__ == "__main__":
    main()
