"""The parts of sending a turn that are the same in every front end (no Textual).

* `TurnSender`: builds the request of a turn from the settings (storage,
  conversation mode), checks it first (`preflight`), and streams it; with a
  chained request (`previous_response_id`) that the server no longer knows
  (expired after 30 days, deleted, another key: HTTP 404), the same turn is sent
  again at once with the full history and a note says so (once, on that turn).
  A turn that fails because the server no longer has one of its documents
  (`chat/reupload.py`): the document is uploaded again from the copy kept
  with the session, its new id saved, and the turn sent again once, with a
  note; no copy left: the turn fails with a sentence naming the file.
* `mask_prompt(message, secrets)`: the API key typed into a prompt is masked in
  the message once its request is built, so the screen, the session file and
  exports never hold it (the model got it once, after the user confirmed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field

from grok_tui.api.chat_request import ApiKind, ChatRequest
from grok_tui.api.errors import NotFoundError
from grok_tui.api.events import DebugEvent, Failed, StreamEvent
from grok_tui.chat.preflight import TurnCheck, check_turn, preflight
from grok_tui.chat.pricing import ModelCatalog
from grok_tui.chat.request_builder import RequestOptions, build_request
from grok_tui.chat.reupload import DocumentError, FileKeeper, restore_missing_files
from grok_tui.chat.session import Attachment, Message, Session
from grok_tui.chat.tools import ToolConfig
from grok_tui.chat.uploading import UploadState

#: The note on a turn that had to resend the whole history.
FALLBACK_NOTE = (
    "the server no longer has the previous response (expired or deleted); "
    "this turn was sent with the full history"
)

StreamFn = Callable[[ChatRequest], AsyncIterator[StreamEvent]]


def _ignore(value: object) -> None:
    return None


@dataclass
class TurnSender:
    """What the chat screen needs to send a turn; `secrets` are masked."""

    api: ApiKind
    options: RequestOptions
    catalog: ModelCatalog
    secrets: Callable[[], Iterable[str]]
    #: The MCP servers of config.toml the session's tools may switch on.
    tool_config: ToolConfig | None = None
    #: Uploads again the documents the server lost (None: such a turn just fails).
    files: FileKeeper | None = None
    #: Each step of such an upload (the UI's progress); None when it is over.
    reupload_progress: Callable[[UploadState | None], None] = field(default=_ignore)
    #: The notes of the documents uploaded again, before the turn is sent again.
    reuploaded: Callable[[list[str]], None] = field(default=_ignore)
    #: Saves the session once a document's new id is on it.
    save: Callable[[Session], None] = field(default=_ignore)

    def check(self, session: Session, text: str, attachments: Sequence[Attachment]) -> TurnCheck:
        return check_turn(
            preflight(
                model=session.model,
                api=self.api,
                settings=session.search,
                image_count=sum(1 for att in attachments if att.kind != "document"),
                catalog=self.catalog,
                text=text,
                secrets=self.secrets(),
                store=self.options.store_responses,
            )
        )

    def build(self, session: Session, *, full_history: bool = False) -> ChatRequest:
        """Raises `AttachmentError` when an attached file has gone."""
        return build_request(
            session,
            api=self.api,
            options=self.options,
            full_history=full_history,
            tool_config=self.tool_config,
        )

    async def stream(
        self, stream: StreamFn, session: Session, request: ChatRequest
    ) -> AsyncIterator[StreamEvent]:
        """`stream(request)`; when it fails before anything was shown: sent
        again once with the documents the server lost uploaded again, and
        once with the full history when the server does not know the
        `previous_response_id`."""
        full_history = reuploaded = False
        while True:
            again: ChatRequest | None = None
            events = stream(request)
            try:
                async for event in events:
                    if isinstance(event, Failed) and not event.partial:
                        if not reuploaded and self.files is not None:
                            try:
                                notes = await self._restore_files(session, request, event)
                            except DocumentError as exc:
                                yield Failed(exc, partial=False)
                                return
                            if notes:
                                reuploaded = True
                                self.reuploaded(notes)
                                for note in notes:
                                    yield DebugEvent(note, "request")
                                again = self.build(session, full_history=full_history)
                                break
                        if (
                            request.previous_response_id
                            and not full_history
                            and isinstance(event.error, NotFoundError)
                        ):
                            yield DebugEvent(FALLBACK_NOTE, "request")
                            full_history = True
                            again = self.build(session, full_history=True)
                            break
                    yield event
            finally:
                close = getattr(events, "aclose", None)
                if close is not None:
                    await close()
            if again is None:
                return
            request = again

    async def _restore_files(
        self, session: Session, request: ChatRequest, failed: Failed
    ) -> list[str] | None:
        assert self.files is not None
        try:
            return await restore_missing_files(
                self.files,
                session,
                request,
                failed.error,
                self.reupload_progress,
                self.save,
            )
        finally:
            self.reupload_progress(None)


def mask_prompt(message: Message, secrets: Iterable[str], session: Session | None = None) -> bool:
    """Mask every secret in the message's text (and in the session's title,
    made from the first prompt); True when something was masked. Also used on
    a reply that repeats the key."""
    from grok_tui.api.endpoint import mask_secrets

    keys = list(secrets)
    if session is not None:
        session.title = mask_secrets(session.title, keys)
    masked = mask_secrets(message.text, keys)
    if masked == message.text:
        return False
    message.text = masked
    return True


def break_chain(session: Session) -> None:
    """The next turn must not continue the stored conversation (its system
    prompt changed): it is sent with the full history and starts a new chain."""
    for message in reversed(session.messages):
        if message.role == "assistant":
            message.stored_on_server = False
            return
