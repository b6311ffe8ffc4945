"""Beginning turns: send (with its checks), regenerate, and the safe edit
of the last message (`chat/edit.py`: nothing changes until the edit is sent).
"""

from __future__ import annotations

from textual import on

from grok_tui.chat import conversation as conv
from grok_tui.chat.attachments import AttachmentError
from grok_tui.chat.edit import Draft, EditError, PendingEdit, begin_edit_last
from grok_tui.chat.sending import mask_prompt
from grok_tui.ui.screens.chat.base import ChatScreenBase, Unsent
from grok_tui.ui.widgets.edit_banner import EditBanner
from grok_tui.ui.widgets.prompt_input import PromptInput


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
        edit = self.pending_edit
        if edit is not None and edit.is_current(session):
            user = edit.apply(session, text, attachments)  # the one change an edit makes
        else:
            edit = None
            user = conv.add_user_message(session, text, attachments)
        try:
            request = sender.build(session)
        except AttachmentError as exc:
            if edit is None or not edit.undo(session):
                session.messages.pop()
            self.show_notice(f"Not sent: {exc.reason}")
            return False
        if edit is not None:
            self._end_edit(restore_draft=False)
            await self.conversation.truncate(edit.index)
        mask_prompt(user, self.grok.api_keys(), session)
        self._turn_notes = list(check.notes)
        self.unsent = None
        self.clear_notice()
        self.history.add(user.text)
        self.prompt.clear()
        self.attachments.clear()
        self._refresh_chips()
        # Busy from here: the status bar says so at once, and a second Enter
        # while the message is being mounted does not send twice.
        self._sending = True
        self._set_state("sending")
        await self.conversation.add_message(user)
        await self._start_reply(request, restore=Unsent(text, attachments, edit))
        return True

    def _confirm_key_in_prompt(self, text: str) -> None:
        """The prompt holds the API key: ask before it goes to the model."""
        from grok_tui.ui.screens.confirm import ConfirmScreen

        async def answered(send: bool | None) -> None:
            if send:
                await self.send(text, key_confirmed=True)
            else:
                self.show_notice("Not sent: the prompt contains your API key. Remove it and send again.")
                self.prompt.focus()

        question = (
            "This prompt contains your xAI API key. Send it to the model anyway? "
            "It is masked in the saved chat and in the prompt history."
        )
        self.app.push_screen(ConfirmScreen(question, confirm="Send", danger=True), answered)

    async def action_regenerate(self) -> None:
        """Regenerate the last reply (also: retry a failed one, or resend an unsent prompt)."""
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
        if conv.last_user_index(session) is None:
            self._notify("Nothing to regenerate yet.", severity="warning")
            return
        conv.prepare_regenerate(session)
        await self.conversation.truncate(len(session.messages))
        try:
            request = self.sender.build(session)
        except AttachmentError as exc:
            self.show_notice(f"Cannot regenerate: {exc.reason}")
            return
        self._turn_notes = list(self.sender.check(session, "", []).notes)
        self.clear_notice()
        await self._start_reply(request, restore=None)

    async def action_edit_last(self) -> None:
        """Load the last message of yours into the prompt to edit it. Nothing
        changes (in memory or on disk) until the edit is sent; Esc cancels."""
        prompt = self.prompt
        if self.pending_edit is not None:  # never pulls an earlier turn
            self._notify(self._editing_sentence(), severity="warning")
            prompt.focus()
            return
        if self.is_streaming:
            self._notify("A reply is still streaming: Esc stops it, then edit.",
                         severity="warning")
            return
        draft = Draft(prompt.text, list(self.attachments), prompt.cursor_location)
        try:
            edit = begin_edit_last(self.session, draft)
        except EditError as exc:
            self._notify(str(exc).capitalize() + ".", severity="warning")
            return
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

