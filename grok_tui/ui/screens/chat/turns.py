"""Beginning turns: send (with its checks), regenerate, and the safe edit
of the last message (`chat/edit.py`: nothing changes until the edit is sent).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, assert_never

from textual import on

from grok_tui.chat.edit import Draft, EditError, PendingEdit, begin_edit_last
from grok_tui.chat.session import Attachment
from grok_tui.ui.screens.chat.base import ChatScreenBase
from grok_tui.ui.screens.chat.uploads import run_uploads
from grok_tui.ui.widgets.edit_banner import EditBanner
from grok_tui.ui.widgets.prompt_input import PromptInput

if TYPE_CHECKING:  # imported with the first turn (start-up time)
    from grok_tui.chat.turn_types import Refused, Turn


class TurnsPart(ChatScreenBase):
    """Send, regenerate, edit."""

    # -- sending --------------------------------------------------------------

    @on(PromptInput.Submitted)
    async def _on_submit(self, event: PromptInput.Submitted) -> None:
        event.stop()
        await self.send(event.text)

    async def send(self, text: str, *, key_confirmed: bool = False) -> bool:
        """Send `text` with the current attachments; False when nothing was sent
        (refused with the reason, or waiting for the API-key confirmation)."""
        if not text.strip():
            return False
        if self.uploading:
            self.show_notice(
                "The documents of this message are still uploading: Esc cancels.", error=False
            )
            return False
        if self.is_streaming:
            self._notify("A reply is still streaming: Esc stops it.", severity="warning")
            return False
        attachments = list(self.attachments)
        session = self.session
        sender = self.sender
        check = sender.check(session, text, attachments)
        if check.refusal:
            self.show_notice(f"Not sent: {check.refusal}.")
            return False
        if check.key_in_prompt and not key_confirmed:
            self._confirm_key_in_prompt(text)
            return False
        from grok_tui.chat.uploading import pending_documents

        if pending_documents(attachments):
            # Uploaded in a worker, so keys (Esc) still work; sent when done.
            self.upload_started = time.monotonic()
            self.run_worker(
                self._upload_then_send(text, attachments, list(check.notes)),
                group="upload",
                exclusive=True,
                exit_on_error=False,
            )
            return True
        self._turn_notes = list(check.notes)
        return self._run(await self.turns.send(text, attachments, edit=self.pending_edit))

    async def _upload_then_send(
        self, text: str, attachments: list[Attachment], notes: list[str]
    ) -> None:
        """Upload the message's documents, then send it; a failed or cancelled
        upload sends nothing (the prompt keeps text and attachments)."""
        if not await run_uploads(self, attachments):
            return
        self._turn_notes = notes
        self._run(await self.turns.send(text, attachments, edit=self.pending_edit))

    def cancel_upload(self) -> None:
        """Stop the upload of the message's documents (Esc, Ctrl+C); nothing is sent."""
        self.workers.cancel_group(self, "upload")

    def action_cancel_upload(self) -> None:
        """Ctrl+C: cancel the upload; otherwise copy, as Ctrl+C does everywhere.

        Giving the binding id `chat.cancel_upload` the key makes Textual's
        keymap drop every other Ctrl+C binding of this screen, the screen's
        own copy of a mouse selection among them, so that copy is done here;
        with nothing selected the key goes on (SkipAction) to the focused
        widget's copy and the App's quit hint, as before."""
        if self.uploading:
            self.cancel_upload()
            return
        self.action_copy_text()  # raises SkipAction when nothing is selected

    def _run(self, result: Turn | Refused) -> bool:
        """Run an accepted turn in the stream worker, or say why it was refused."""
        from grok_tui.chat.turn_types import Refusal, Refused, Turn

        match result:
            case Turn():
                self.run_worker(
                    self.turns.run_turn(result), group="stream", exclusive=True, exit_on_error=False
                )
                return True
            case Refused(reason=Refusal.EMPTY):
                return False
            case Refused(reason=Refusal.BAD_ATTACHMENT, message=message):
                self.show_notice(message)
                return False
            case Refused(message=message):
                self._notify(message, severity="warning")
                return False
            case _:
                assert_never(result)

    def _confirm_key_in_prompt(self, text: str) -> None:
        """The prompt holds the API key: ask before it goes to the model."""
        from grok_tui.ui.screens.confirm import ConfirmScreen

        async def answered(send: bool | None) -> None:
            if send:
                await self.send(text, key_confirmed=True)
            else:
                self.show_notice(
                    "Not sent: the prompt contains your API key. Remove it and send again."
                )
                self.prompt.focus()

        question = (
            "This prompt contains your xAI API key. Send it to the model anyway? "
            "It is masked in the saved chat and in the prompt history."
        )
        self.app.push_screen(ConfirmScreen(question, confirm="Send", danger=True), answered)

    async def action_regenerate(self) -> None:
        """Regenerate the last reply (also: retry a failed one, or resend an unsent prompt)."""
        from grok_tui.chat.turn_types import Turn

        if self.uploading:
            self._notify("Documents are uploading: Esc cancels.", severity="warning")
            return
        if self.is_streaming:
            self._notify("A reply is still streaming: Esc stops it.", severity="warning")
            return
        if self.pending_edit is not None:
            self._notify(self._editing_sentence(), severity="warning")
            return
        if self.unsent is not None and self.prompt.text.strip():
            await self.send(self.prompt.text)
            return
        session = self.session
        self._turn_notes = list(self.sender.check(session, "", []).notes)
        result = await self.turns.regenerate()
        if isinstance(result, Turn):
            self.clear_notice()
        self._run(result)

    async def action_edit_last(self) -> None:
        """Load the last message of yours into the prompt to edit it. Nothing
        changes (in memory or on disk) until the edit is sent; Esc cancels."""
        prompt = self.prompt
        if self.uploading:
            self._notify("Documents are uploading: Esc cancels.", severity="warning")
            return
        if self.pending_edit is not None:  # never pulls an earlier turn
            self._notify(self._editing_sentence(), severity="warning")
            prompt.focus()
            return
        if self.is_streaming:
            self._notify("A reply is still streaming: Esc stops it, then edit.", severity="warning")
            return
        draft = Draft(prompt.text, list(self.attachments), prompt.cursor_location)
        try:
            edit = begin_edit_last(self.session, draft)
        except EditError as exc:
            self._notify(str(exc).capitalize() + ".", severity="warning")
            return
        self.load_edit(edit)

    def load_edit(self, edit: PendingEdit) -> None:
        """Show a pending edit: the banner, its text and attachments in the prompt."""
        prompt = self.prompt
        self._show_edit(edit)
        prompt.set_text(edit.text)
        self.attachments = list(edit.attachments)
        self._refresh_chips()
        prompt.focus()

    def cancel_edit(self) -> None:
        """Leave the pending edit: the prompt gets back the draft it had before."""
        edit = self.pending_edit
        if edit is None:
            return
        self._end_edit(restore_draft=True)
        self._notify(f"Edit of message {edit.number} cancelled; nothing was changed.")

    def _editing_sentence(self) -> str:
        edit = self.pending_edit
        number = edit.number if edit is not None else 0
        return f"Already editing message {number}: Enter sends the edit, Esc cancels it."

    def _show_edit(self, edit: PendingEdit) -> None:
        self.pending_edit = edit
        view = self.conversation.view_at(edit.index)
        self.query_one("#edit-banner", EditBanner).show_edit(edit, view)

    def _end_edit(self, *, restore_draft: bool) -> None:
        edit, self.pending_edit = self.pending_edit, None
        if edit is None:
            return
        self.query_one("#edit-banner", EditBanner).hide()
        if restore_draft:
            draft = edit.previous_draft
            self.prompt.set_text(draft.text)
            if draft.cursor is not None:
                self.prompt.move_cursor(draft.cursor)
            self.attachments = list(draft.attachments)
            self._refresh_chips()
            self.prompt.focus()
