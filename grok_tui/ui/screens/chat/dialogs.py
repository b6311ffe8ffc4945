"""The chat screen's dialog openers and what it does with their results:
model picker, system prompt, attach, API key, session browser.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from grok_tui.chat.session import Attachment
from grok_tui.sanitize import strip_control
from grok_tui.ui.screens.chat.base import ChatScreenBase

if TYPE_CHECKING:
    from grok_tui.ui.screens.session_browser.server_files import FileServer


class DialogsPart(ChatScreenBase):
    """Dialogs and their results."""

    def action_pick_model(self) -> None:
        from grok_tui.ui.screens.model_picker import ModelPickerScreen

        def chosen(model: str | None) -> None:
            if model:
                self.set_model(model)

        # The list fetched in the background at start (or that fetch, or a new one).
        picker = ModelPickerScreen(self.grok.model_list.models, current=self.session.model)
        self.app.push_screen(picker, chosen)

    def set_model(self, model: str) -> None:
        self.session.model = strip_control(model)
        self.grok.remember_model(self.session.model)
        if self._search_form is not None:
            self._search_form.set_model(self.session.model)
        self.refresh_status()
        self.checkpointer.save(self.session)
        self._notify(f"Model: {self.session.model}")
        refusal = self._images_refusal()
        if refusal:  # said where the model is chosen too; the send refuses it
            self.show_notice(f"⚠ {refusal} (Alt+X removes attachments, Ctrl+O picks a model).")

    def _images_refusal(self) -> str | None:
        from grok_tui.chat.preflight import images_refusal

        return images_refusal(self.session.model, len(self.attachments), self.grok.model_catalog)

    def action_system_prompt(self) -> None:
        from grok_tui.chat.sending import break_chain
        from grok_tui.ui.screens.text_editor import TextEditorScreen

        def done(text: str | None) -> None:
            if text is not None:
                if text != self.session.system_prompt:
                    break_chain(self.session)  # the stored conversation has the old one
                self.session.system_prompt = text
                self.checkpointer.save(self.session)
                self._notify("System prompt set." if text.strip() else "System prompt cleared.")

        editor = TextEditorScreen(
            "System prompt",
            self.session.system_prompt,
            hint="Sent with every request of this chat. Ctrl+S saves, Esc cancels.",
        )
        self.app.push_screen(editor, done)

    def action_attach(self) -> None:
        from grok_tui.ui.screens.attach import AttachScreen

        if self._refuse_while_uploading():
            return

        def done(value: str | None) -> None:
            if value:
                self.attach(value)

        self.app.push_screen(AttachScreen(), done)

    def attach(self, path_or_url: str) -> Attachment | None:
        """Attach an image; on refusal show the reason and return None."""
        from grok_tui.chat.attachments import AttachmentError, attachment_from_input

        try:
            att = attachment_from_input(path_or_url)
        except AttachmentError as exc:
            self.show_notice(f"✖ Not attached: {exc.reason}")
            self._notify(f"Not attached: {exc.reason}", severity="error")
            return None
        self.attachments.append(att)
        self.clear_notice()
        self._refresh_chips()
        refusal = self._images_refusal()
        if refusal:  # said where the image is chosen; the send refuses it too
            self.show_notice(f"⚠ {refusal} (Alt+X removes attachments, Ctrl+O picks a model).")
        return att

    def _file_server(self) -> FileServer:
        """Where the documents of a deleted session are deleted (the browser asks)."""
        from grok_tui.ui.screens.session_browser.server_files import FileServer

        backend = self.backend
        where = "the demo server (offline)" if backend.demo else "xAI's servers"
        return FileServer(backend.client, where)

    def _refuse_while_uploading(self) -> bool:
        if self.uploading:
            self._notify(
                "The attachments are uploading: Esc cancels, then change them.",
                severity="warning",
            )
        return self.uploading

    def action_clear_attachments(self) -> None:
        if self._refuse_while_uploading():
            return
        had = len(self.attachments)
        self.attachments.clear()
        self._refresh_chips()
        if had:
            self._notify(f"Removed {had} attachment{'s' if had != 1 else ''}.")

    def action_api_key(self) -> None:
        from grok_tui.ui.screens.api_key import ApiKeyScreen

        def done(result: tuple[str, bool] | None) -> None:
            if result:
                key, save = result
                self.grok.use_api_key(key, save=save)

        current, source = self.grok.api_key_in_use()
        dialog = ApiKeyScreen(
            current_key=current, current_source=source, config_path=self.grok.settings.config_path
        )
        self.app.push_screen(dialog, done)

    async def action_sessions(self) -> None:
        """F4: the session browser; open the chosen session here."""
        store = self.grok.store
        if store is None:
            self._notify(
                "Sessions are not saved in this run (no session store).", severity="warning"
            )
            return
        from grok_tui.ui.screens.session_browser import (
            BrowserResult,
            CurrentDeleted,
            OpenSession,
            SessionBrowserScreen,
            open_on_message,
        )

        if self.session.messages:
            self.checkpointer.save(self.session)
            await self.checkpointer.flush()
        browser = SessionBrowserScreen(
            store,
            self.session.id,
            before_delete_current=self.checkpointer.forget,
            file_server=self._file_server,
        )

        async def done(result: BrowserResult | None) -> None:
            if isinstance(result, CurrentDeleted):
                self.checkpointer.forget(self.session.id)
                if self.is_streaming:  # its last checkpoint is skipped (forgotten)
                    await self._stop_and_wait()
                await self.load_session(self.grok.new_session())
                return
            if result is not None and result.renamed_current:
                self.session.title = result.renamed_current
                self.session.title_is_custom = True
            if self.checkpointer.is_forgotten(self.session.id):
                self.checkpointer.remember(self.session.id)  # its delete failed
            if isinstance(result, OpenSession) and (
                result.session_id != self.session.id or result.message_id
            ):
                session_id = result.session_id
                if self.is_streaming:
                    await self._stop_and_wait()
                session = self.session
                if session_id != session.id:
                    try:
                        session = await asyncio.to_thread(store.load, session_id)
                    except Exception as exc:  # noqa: BLE001  # any failure is said, the chat stays
                        self._notify(f"Cannot open that session: {exc}", severity="error")
                        return
                    self.checkpointer.save(self.session)
                # A search hit on another branch: show that branch, the hit highlighted.
                hit = open_on_message(session, result.message_id)
                await self.load_session(session)
                if hit is not None:
                    self.checkpointer.save(session)  # the file records the branch shown
                    await self.conversation.ensure_view(hit)
                    self.conversation.highlighted = hit

        self.app.push_screen(browser, done)
