"""The parts of sending a turn that are the same in every front end (no Textual).

* `TurnSender`: builds the request of a turn from the settings (storage,
  conversation mode), checks it first (`preflight`), and streams it; with a
  chained request (`previous_response_id`) that the server no longer knows
  (expired after 30 days, deleted, another key: HTTP 404), the same turn is sent
  again at once with the full history and a note says so (once, on that turn).
* `mask_prompt(message, secrets)`: the API key typed into a prompt is masked in
  the message once its request is built, so the screen, the session file and
  exports never hold it (the model got it once, after the user confirmed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass

from grok_tui.api.chat_request import ApiKind, ChatRequest
from grok_tui.api.errors import NotFoundError
from grok_tui.api.events import DebugEvent, Failed, StreamEvent
from grok_tui.chat.preflight import TurnCheck, check_turn, preflight
from grok_tui.chat.pricing import ModelCatalog
from grok_tui.chat.request_builder import RequestOptions, build_request
from grok_tui.chat.session import Attachment, Message, Session
from grok_tui.chat.tools import ToolConfig

#: The note on a turn that had to resend the whole history.
FALLBACK_NOTE = (
    "the server no longer has the previous response (expired or deleted); "
    "this turn was sent with the full history"
)

StreamFn = Callable[[ChatRequest], AsyncIterator[StreamEvent]]


@dataclass
class TurnSender:
    """What the chat screen needs to send a turn; `secrets` are masked."""

    api: ApiKind
    options: RequestOptions
    catalog: ModelCatalog
    secrets: Callable[[], Iterable[str]]
    #: The MCP servers of config.toml the session's tools may switch on.
    tool_config: ToolConfig | None = None

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
        """`stream(request)`, falling back to the full history when the server
        does not know the `previous_response_id` (nothing shown yet)."""
        async for event in stream(request):
            if (
                request.previous_response_id
                and isinstance(event, Failed)
                and isinstance(event.error, NotFoundError)
                and not event.partial
            ):
                yield DebugEvent(FALLBACK_NOTE, "request")
                async for again in stream(self.build(session, full_history=True)):
                    yield again
                return
            yield event


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
