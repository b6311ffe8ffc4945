"""Exit statuses of every `grok-tui` command (one home: `cli`, `ask`, `sessions`).

Textual-free and import-free, so the front ends share them without importing
each other.
"""

from __future__ import annotations

#: Success.
EXIT_OK = 0
#: The request failed: an API error in `ask`, a failed operation in `sessions`.
EXIT_FAILURE = 1
#: `ask`'s name for the same status: the API answered with an error.
EXIT_API_ERROR = EXIT_FAILURE
#: A usage error: bad arguments, invalid filters, nothing to open.
EXIT_USAGE = 2
#: Stopped with Ctrl+C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130
#: stdout was closed by its reader (`ask ... | head`): the status of a process
#: killed by SIGPIPE, as a shell reports it (128 + 13).
EXIT_BROKEN_PIPE = 141
