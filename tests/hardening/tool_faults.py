"""The faults the server-side tools and documents brought, for the fault
matrix (docs/fault-matrix.md, "Tools and documents"): what the user sees,
what is kept, and the tests that prove each row. `make_fault_matrix.py`
writes them; `test_fault_matrix.py` checks that every test named here exists
(a renamed or deleted test makes the doc fail)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ToolFault:
    fault: str
    seen: str
    kept: str
    #: "path::test_name" of the tests that assert the row.
    tests: tuple[str, ...]


UPLOAD_KEPT = "the prompt's text and attachments (Enter tries again); nothing is sent to the model"

TOOL_FAULTS: tuple[ToolFault, ...] = (
    ToolFault(
        "document refused before any upload (over 48 MiB, empty, not a PDF or UTF-8 text)",
        "at Ctrl+T: `✖ Not attached: empty.md is empty` above the prompt (and a toast); "
        "`ask --file`: the reason, exit 2 before any request",
        "the prompt's text; nothing is attached or uploaded",
        (
            "tests/test_documents.py::test_documents_are_checked_by_content",
            "tests/ui/test_document_faults.py::test_gone_file_and_refused_upload_keep_the_message",
            "tests/test_documents.py::test_ask_file_refused_before_any_request",
        ),
    ),
    ToolFault(
        "attached file deleted or changed before the send",
        "`✖ Not sent: the attached file is gone: /path/notes.md. The message and its "
        "attachments are kept; Enter tries again.`",
        UPLOAD_KEPT,
        ("tests/ui/test_document_faults.py::test_gone_file_and_refused_upload_keep_the_message",),
    ),
    ToolFault(
        "upload refused as too large (413)",
        "`✖ Not sent: could not upload paper.pdf: HTTP 413: File size exceeds the maximum "
        "allowed size of 48 MB. Attach a smaller file (the Files API takes at most 48 MB). …`",
        UPLOAD_KEPT,
        (
            "tests/ui/test_documents_chat.py::test_chat_attach_pdf_upload_and_refusal",
            "tests/test_documents.py::test_fake_files_api_and_input_file_validation",
        ),
    ),
    ToolFault(
        "upload refused with another 4xx (403 shown)",
        "`✖ Not sent: could not upload notes.md: HTTP 403: … Check the key's permissions "
        "and team status at console.x.ai. …`",
        UPLOAD_KEPT,
        ("tests/ui/test_document_faults.py::test_gone_file_and_refused_upload_keep_the_message",),
    ),
    ToolFault(
        "connection dropped mid-upload (fake: `upload_drop`)",
        "`✖ Not sent: could not upload report.pdf: The connection dropped during the upload, "
        "after N of M bytes (ReadError). Check the network and --base-url, then retry. …`",
        UPLOAD_KEPT + "; the server stored nothing (the body never completed)",
        (
            "tests/api/test_upload_progress.py::test_a_connection_dropped_mid_upload_says_so",
            "tests/ui/test_upload_progress_ui.py::"
            "test_upload_shows_progress_cancels_and_keeps_everything",
            "tests/e2e/test_upload_tmux.py::test_upload_progress_and_cancel_keys",
        ),
    ),
    ToolFault(
        "upload cancelled by the user (Esc or Ctrl+C while the bar shows)",
        "`Upload cancelled: nothing was sent. The message and its attachments are kept; "
        "Enter uploads and sends again.`",
        UPLOAD_KEPT + "; nothing left on the server (part way: the connection is closed; "
        "every byte out: the file is deleted when the server answers)",
        (
            "tests/api/test_upload_progress.py::test_cancel_part_way_leaves_nothing_on_the_server",
            "tests/api/test_upload_progress.py::"
            "test_a_cancel_after_every_byte_went_out_deletes_the_stored_file",
            "tests/ui/test_upload_progress_ui.py::"
            "test_upload_shows_progress_cancels_and_keeps_everything",
            "tests/e2e/test_upload_tmux.py::test_upload_progress_and_cancel_keys",
        ),
    ),
    ToolFault(
        "one of several documents fails to upload",
        "the sentence names that file (`could not upload a.md: …`)",
        "the documents uploaded before it keep their file ids; the retry uploads only the rest",
        (
            "tests/api/test_upload_progress.py::"
            "test_upload_documents_keeps_what_went_up_and_names_the_failure",
        ),
    ),
    ToolFault(
        "a document of the conversation no longer on the server (deleted or expired: "
        "404 on the turn), its copy kept with the session",
        "the bar `⇡ Uploading again report.pdf … 100%` above the prompt, then "
        "`⇡ report.pdf was no longer on the server; it was uploaded again (the message was "
        "sent once more).` and the same as a note on the reply; Esc stops it",
        "everything: the new file id is saved on every message that used the old one, and "
        "the turn is answered (sent once more, once)",
        (
            "tests/api/test_reupload.py::"
            "test_a_lost_document_is_uploaded_again_and_the_turn_sent_once_more",
            "tests/ui/test_document_faults.py::"
            "test_a_document_lost_on_the_server_is_uploaded_again_with_progress",
            "tests/e2e/test_reupload_tmux.py::"
            "test_continue_after_the_file_was_deleted_uploads_it_again",
        ),
    ),
    ToolFault(
        "a document of the conversation no longer on the server, and no copy left (neither "
        "the store's nor the user's file)",
        "`✖ Not sent — old.pdf is no longer on the server and no copy of it is left on this "
        "computer; attach old.pdf again to your message (Ctrl+T) and press Enter. Your "
        "message is back in the prompt (Enter or Ctrl+R resends).`",
        "the new prompt (back in the prompt) and the whole history; a document of the same "
        "name attached again stands in for the lost one",
        (
            "tests/ui/test_document_faults.py::"
            "test_a_document_lost_on_the_server_with_no_copy_left_is_named",
            "tests/api/test_reupload.py::"
            "test_no_copy_left_fails_the_turn_naming_the_file_and_what_to_do",
            "tests/api/test_reupload.py::test_a_document_attached_again_stands_in_for_the_lost_one",
        ),
    ),
    ToolFault(
        "deleting a session's files: the server refuses a DELETE",
        "in the browser, in red: `… Could not delete two.pdf: HTTP 500: Internal server error. "
        "The service had a problem; retry shortly. It stays on the server.`",
        "the session is in the trash (restorable); the file stays on the server",
        ("tests/ui/test_delete_server_files.py::test_untick_failure_and_already_gone_are_said",),
    ),
    ToolFault(
        "deleting a session's files: a file already gone (404)",
        "`1 was no longer there (old.pdf).` (a toast when it was the open chat's session)",
        "the session is in the trash",
        ("tests/ui/test_delete_server_files.py::test_untick_failure_and_already_gone_are_said",),
    ),
    ToolFault(
        "deleting a session's files: another saved or trashed session uses one",
        "in the dialog and after: `Kept shared.pdf: also used by “other”.`",
        "that file on the server; the others are deleted",
        (
            "tests/ui/test_delete_server_files.py::"
            "test_delete_offers_to_delete_the_files_and_keeps_shared_ones",
            "tests/e2e/test_delete_files_tmux.py::"
            "test_delete_session_offers_to_delete_its_uploaded_file",
        ),
    ),
    ToolFault(
        "deleting a session's files: another session file cannot be read",
        "`1 other session file could not be read, so no uploaded file is deleted (one of them "
        "may use it).`",
        "every file on the server (the session still goes to the trash)",
        (
            "tests/ui/test_delete_server_files.py::"
            "test_an_unreadable_session_file_means_no_file_is_deleted",
        ),
    ),
    ToolFault(
        "code execution: the code raises (fake: `code_error`)",
        "the tool-log row's details show the traceback (`ZeroDivisionError: division by "
        "zero`); the reply goes on and completes",
        "the reply, the code and its logs (saved with the reply)",
        (
            "tests/api/test_tools_client.py::test_code_that_raises",
            "tests/ui/test_tool_log_tools.py::test_failures_show_their_error_and_traceback",
        ),
    ),
    ToolFault(
        "code execution: the sandbox times out (call `failed` or `incomplete`)",
        "the row is marked ✗ (failed) or – (incomplete) with the logs printed so far; "
        "the reply goes on",
        "the reply and the logs",
        (
            "tests/api/test_decoders.py::"
            "test_code_execution_that_times_out_is_a_failed_call_with_its_logs",
        ),
    ),
    ToolFault(
        "MCP server unreachable or refusing the token, during a call (fake: `mcp_error`, a "
        "502; a 401 comes in the same `error` field)",
        "`✗ deepwiki/read_wiki_structure`, details `error: Error calling MCP server deepwiki: "
        "502 Bad Gateway`; `ask --json`: `tool_call_finished` with phase `failed` and the "
        "error; the reply goes on, the call is not billed",
        "the reply and the call's error; the token appears nowhere",
        (
            "tests/api/test_tools_client.py::test_mcp_server_error",
            "tests/ui/test_tool_log_tools.py::test_failures_show_their_error_and_traceback",
            "tests/test_ask_tools.py::test_json_events_for_every_new_tool",
            "tests/hardening/test_secrets_mcp.py::test_tui_session_file_history_and_screen",
        ),
    ),
    ToolFault(
        "MCP token variable (`token_env`) not set",
        "`MCP server linear: LINEAR_MCP_TOKEN is not set; sent without a token`",
        "the request goes without an `authorization`",
        ("tests/test_ask_tools.py::test_unset_token_env_is_a_note",),
    ),
    ToolFault(
        "collection id that does not exist (fake: `collections_missing`)",
        "the turn fails before any content: `HTTP 404: Collection collection_… was not found "
        "or you do not have access to it. Check the collection ids in the tools pane (F3) or "
        "--collection.` (the app: on the notice line, as `✖ Not sent — …`)",
        "the prompt (back in the prompt); no turn is added",
        (
            "tests/api/test_tools_client.py::test_collection_that_does_not_exist",
            "tests/ui/test_document_faults.py::"
            "test_a_missing_collection_fails_the_turn_with_what_to_check",
        ),
    ),
    ToolFault(
        "invalid tool settings (a collection id with a space, results outside 1–50, an 11th "
        "collection, a bad MCP server label)",
        "the reason next to the field in the tools pane, never sent; `ask`: exit 2 before any "
        "request",
        "the other settings; the session's saved settings",
        (
            "tests/ui/test_tools_pane.py::"
            "test_e2e_invalid_values_show_next_to_the_field_and_are_never_sent",
            "tests/ui/test_tools_pane.py::test_eleventh_collection_is_refused",
            "tests/test_ask_tools.py::test_invalid_tool_flags_exit_2_before_any_request",
            "tests/chat/test_tools_settings.py::test_tool_settings_refuse_bad_values",
        ),
    ),
)


def tool_faults_markdown() -> list[str]:
    """The "Tools and documents" section of the fault matrix."""
    lines = [
        "",
        "## Tools and documents",
        "",
        "Faults of the server-side tools (code execution, remote MCP, collections) and of",
        "documents (Files API uploads, and deleting a session's files). Rows are written",
        "in `tests/hardening/tool_faults.py`; every test named in the last column",
        "exists (`test_fault_matrix.py` checks) and asserts the row.",
        "",
        "| fault | what the user sees | what is kept | tests |",
        "|---|---|---|---|",
    ]
    for row in TOOL_FAULTS:
        tests = "<br>".join(f"`{t}`" for t in row.tests)
        lines.append(f"| {row.fault} | {row.seen} | {row.kept} | {tests} |")
    return lines
