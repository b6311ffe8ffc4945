"""Reply versions and conversation branches on the chat screen.

The session is a tree (`chat/tree.py`): the conversation shows the chosen
path, and a message with siblings shows "‹ n/m ›" in its header. Keys:

- on the highlighted message (the conversation has focus): previous / next
  version of a reply or branch of a message of yours, edit a message of
  yours (sending forks there), delete a version or branch (asks first);
- from anywhere on the chat screen (the prompt): previous / next version of
  the last reply.

A switch repaints the conversation from the first message that changed,
saves the session, and reloads the tool log (each version has its own tool
calls and reasoning). While a reply streams, or an edit is pending, the keys
say why they do nothing instead of changing what is being written to.
"""

from __future__ import annotations

from textual.timer import Timer

from grok_tui.chat import tree
from grok_tui.chat.edit import Draft, EditError, begin_edit
from grok_tui.chat.session import Message, Session
from grok_tui.ui.screens.chat.base import ChatScreenBase

#: Seconds after a switch is painted before the session is saved and the tool
#: log follows it (see `_after_path_painted`).
TOOL_LOG_DELAY = 0.15


def first_difference(before: list[str], after: list[Message]) -> int:
    """The first index where the path `after` differs from the ids `before`."""
    for i, (old, new) in enumerate(zip(before, after, strict=False)):
        if old != new.id:
            return i
    return min(len(before), len(after))


def kind_of(message: Message) -> str:
    return "version" if message.role == "assistant" else "branch"


class BranchesPart(ChatScreenBase):
    """Step, edit and delete versions and branches."""

    def position_of(self, message: Message) -> tuple[int, int] | None:
        """`(n, m)` of a message among its siblings (for "‹ n/m ›"). The
        sibling groups are indexed once per shape of the tree (every tree
        operation sets `updated_at` and moves messages), not per message."""
        key = self._tree_key()
        if getattr(self, "_sibling_key", None) != key:
            self._sibling_index, self._sibling_key = tree.sibling_positions(self.session), key
        return self._sibling_index.get(message.id)

    def _tree_key(self) -> tuple[int, float, int, int]:
        session = self.session
        return id(session), session.updated_at, len(session.messages), len(session.off_path)

    def _busy_reason(self) -> str | None:
        if self.is_streaming:
            return "A reply is streaming: Esc stops it, then switch versions or branches."
        edit = self.pending_edit
        if edit is not None:
            return (
                f"Editing message {edit.number}: Enter sends the edit, Esc cancels it; "
                "then switch versions or branches."
            )
        return None

    def _highlighted_or_last_reply(self) -> int | None:
        c = self.conversation
        return c.highlighted if c.highlighted is not None else c.last_reply_index()

    async def action_step_branch(self, delta: int) -> None:
        """Previous (-1) / next (+1) version or branch of the highlighted message."""
        index = self._highlighted_or_last_reply()
        if index is None:
            self._notify("Nothing to switch yet.", severity="warning")
            return
        await self.step_sibling(index, delta)

    async def action_step_last_reply(self, delta: int) -> None:
        """Previous (-1) / next (+1) version of the last reply (from the prompt)."""
        index = self.conversation.last_reply_index()
        if index is None:
            self._notify("There is no reply yet.", severity="warning")
            return
        await self.step_sibling(index, delta)

    async def step_sibling(self, index: int, delta: int) -> bool:
        """Show the sibling `delta` places from the message at path `index`;
        False (and why, said) when nothing changed."""
        busy = self._busy_reason()
        if busy is not None:
            self._notify(busy, severity="warning")
            return False
        session = self.session
        if not 0 <= index < len(session.messages):
            return False
        message = session.messages[index]
        n, m = tree.position(session, message.id)
        kind = kind_of(message)
        if m == 1:
            hint = "Ctrl+R makes another" if kind == "version" else "e on it edits it"
            what = "reply has only one version" if kind == "version" else "message has no branch"
            self._notify(f"This {what} ({hint}).", severity="warning")
            return False
        before = [msg.id for msg in session.messages]
        indexed = getattr(self, "_sibling_key", None) == self._tree_key()
        target = tree.step_sibling(session, message.id, delta)
        if target is None:
            end = "first" if delta < 0 else "last"
            self._notify(f"This is the {end} {kind} ({n}/{m}).", severity="warning")
            return False
        if indexed:  # a switch moves no message among its siblings: the index holds
            self._sibling_key = self._tree_key()
        await self._show_changed_path(before, highlight=index)
        return True

    _tool_log_timer: Timer | None = None
    _unsaved_session: Session | None = None
    _sibling_index: dict[str, tuple[int, int]]
    _sibling_key: tuple[int, float, int, int]

    async def _show_changed_path(
        self, before: list[str], *, highlight: int | None, positions_changed: bool = False
    ) -> None:
        """After a tree operation: repaint from the first change, save, and
        bring the tool log and the status bar up to date."""
        session = self.session
        conversation = self.conversation
        keep_highlight = conversation.highlighted is not None
        await conversation.repaint_from(
            first_difference(before, session.messages), at_fork=keep_highlight
        )
        if positions_changed:  # a delete: the siblings of what stays count one less
            conversation.refresh_positions()
        if keep_highlight and highlight is not None and highlight < len(session.messages):
            conversation.highlighted = highlight
        self.refresh_status()
        self.call_after_refresh(self._after_path_painted, session)

    def _after_path_painted(self, session: Session) -> None:
        """Saving the session (the dump, and the write in its thread, which
        holds the GIL too) and reloading the tool log (about as long as the
        repaint on a 500-message path) wait until the new path is painted,
        and a moment more: several quick steps through the versions save and
        reload once. (Quitting saves the session anyway.)"""
        timer = getattr(self, "_tool_log_timer", None)
        if timer is not None:
            timer.stop()
            pending = getattr(self, "_unsaved_session", None)
            if pending is not None and pending is not session:
                self.checkpointer.save(pending)
        self._unsaved_session = session
        self._tool_log_timer = self.set_timer(TOOL_LOG_DELAY, self._follow_changed_path)

    def _follow_changed_path(self) -> None:
        self._tool_log_timer = None
        session, self._unsaved_session = self._unsaved_session, None
        if session is not None:
            self.checkpointer.save(session)
        self._reload_tool_log()

    def _reload_tool_log(self) -> None:
        if not self.is_streaming:
            self._tool_log().load_messages(self.session.messages)

    # -- edit ------------------------------------------------------------------

    def action_edit_highlighted(self) -> None:
        """Load the highlighted message of yours into the prompt; sending forks there."""
        index = self.conversation.highlighted
        if index is None:
            self._notify("Highlight a message of yours first (Up/Down).", severity="warning")
            return
        if self.is_streaming:
            self._notify("A reply is still streaming: Esc stops it, then edit.", severity="warning")
            return
        if self.pending_edit is not None:
            self._notify(self._editing_sentence(), severity="warning")
            return
        message = self.session.messages[index]
        prompt = self.prompt
        draft = Draft(prompt.text, list(self.attachments), prompt.cursor_location)
        try:
            edit = begin_edit(self.session, message.id, draft)
        except EditError as exc:
            reason = str(exc)
            if message.role != "user":
                reason += " (a reply: Ctrl+R makes another version)"
            self._notify(reason[:1].upper() + reason[1:] + ".", severity="warning")
            return
        self.load_edit(edit)

    # -- delete ----------------------------------------------------------------

    def delete_question(self, message: Message) -> str | None:
        """The confirm question for deleting `message`, or None (refused: said why)."""
        session = self.session
        n, m = tree.position(session, message.id)
        kind = kind_of(message)
        if m == 1:
            what = "reply has only one version" if kind == "version" else "message has no branch"
            self._notify(
                f"This {what}: there is no other to show instead, so it is not deleted.",
                severity="warning",
            )
            return None
        below = tree.descendant_count(session, message.id)
        whose = "this reply" if kind == "version" else "this message"
        after = f" (and the {below:,} message{'s' if below != 1 else ''} after it)" if below else ""
        return f"Delete {kind} {n} of {m} of {whose}{after}? This cannot be undone."

    def action_delete_highlighted(self) -> None:
        """Delete the highlighted version or branch, after a confirmation."""
        index = self.conversation.highlighted
        if index is None:
            self._notify("Highlight a message first (Up/Down).", severity="warning")
            return
        busy = self._busy_reason()
        if busy is not None:
            self._notify(busy.replace("switch versions or branches", "delete"), severity="warning")
            return
        message = self.session.messages[index]
        question = self.delete_question(message)
        if question is None:
            return
        from grok_tui.ui.screens.confirm import ConfirmScreen

        async def answered(yes: bool | None) -> None:
            if yes:
                await self.delete_branch(message)
            self.conversation.focus()

        self.app.push_screen(ConfirmScreen(question, confirm="Delete", danger=True), answered)

    async def delete_branch(self, message: Message) -> bool:
        """Delete `message` and all below it (confirmed already)."""
        session = self.session
        if self._busy_reason() is not None or tree.find(session, message.id) is None:
            return False
        index = tree.path_index(session, message.id)
        n, m = tree.position(session, message.id)
        kind = kind_of(message)
        before = [msg.id for msg in session.messages]
        try:
            removed = tree.delete_subtree(session, message.id)
        except tree.TreeError as exc:
            self._notify(str(exc).capitalize() + ".", severity="warning")
            return False
        await self._show_changed_path(before, highlight=index, positions_changed=True)
        shown = ""
        if index is not None:
            sn, sm = tree.position(session, session.messages[index].id)
            shown = f"; showing {kind} {sn} of {sm}"
        gone = f"{len(removed):,} message{'s' if len(removed) != 1 else ''}"
        self._notify(f"Deleted {kind} {n} of {m} ({gone}){shown}.")
        return True
