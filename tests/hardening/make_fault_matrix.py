"""Write docs/fault-matrix.md from the fault cases (run from the repo root:
`.venv/bin/python -m tests.hardening.make_fault_matrix`): the client-level
table from running `CASES` against the fake, and the app-level table from
`UI_CASES` (which `tests/ui/test_fault_matrix_app.py` asserts through Pilot)."""

from __future__ import annotations

from pathlib import Path

from tests.hardening.fault_cases import matrix_markdown, run_all

DOC = Path(__file__).resolve().parents[2] / "docs" / "fault-matrix.md"


def main() -> None:
    DOC.write_text(matrix_markdown(run_all()), encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
