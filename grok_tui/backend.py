"""Building the API client the app talks to: the real xAI API or the offline demo.

The demo backend is the fake xAI server (`grok_tui.fake`) mounted in-process as
an httpx transport, so the app runs the very same client code path either way.
Heavy modules are imported here, lazily, not at app import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from grok_tui.chat.tools import DEMO_MCP_SERVER, ToolConfig

if TYPE_CHECKING:
    from grok_tui.api.client import XAIClient
    from grok_tui.config import Settings

ApiKind = Literal["responses", "chat"]
DEMO_BASE_URL = "http://demo.invalid/v1"


class Backend:
    """The client and what the UI says about it.

    Either `client` is given, or `connect` builds it (and, in the demo, the
    fake) on first use: the first request or model-list fetch, or the warm-up
    the app runs after its first frame. httpx and the API modules are not
    imported before that, which keeps them out of start-up. `base_url` and
    `api` answer without building the client.
    """

    def __init__(
        self,
        client: XAIClient | None = None,
        demo: bool = False,
        demo_reason: str | None = None,
        fake: Any = None,
        tool_config: ToolConfig | None = None,
        *,
        connect: Callable[[], tuple[XAIClient, Any]] | None = None,
        base_url: str = "",
        api: ApiKind = "responses",
    ) -> None:
        if client is None and connect is None:
            raise ValueError("Backend needs a client or a connect function")
        self._client = client
        self._fake = fake
        self._connect = connect
        self._base_url = base_url
        self._api: ApiKind = api
        self._lock = threading.Lock()
        self.demo = demo
        #: Why the demo is on ("--demo", "no API key"), for the banner.
        self.demo_reason = demo_reason
        #: MCP servers and collection names from config.toml (the demo adds one
        #: offline MCP server when none is configured, to show the tool working).
        self.tool_config = tool_config if tool_config is not None else ToolConfig()

    def __repr__(self) -> str:
        return f"Backend(label={self.label!r}, connected={self._client is not None})"

    def _connected(self) -> XAIClient:
        with self._lock:  # the warm-up thread and the UI may ask at once
            if self._client is None:
                assert self._connect is not None
                self._client, fake = self._connect()
                if self._fake is None:
                    self._fake = fake
            return self._client

    @property
    def client(self) -> XAIClient:
        """The API client (built now if it was not yet)."""
        return self._client if self._client is not None else self._connected()

    @property
    def built_client(self) -> XAIClient | None:
        """The client if it was built, else None (closing must not build one)."""
        return self._client

    @property
    def fake(self) -> Any:
        """The fake (demo only), e.g. for tests to queue scenarios."""
        if self._fake is None and self._client is None and self._connect is not None:
            self._connected()
        return self._fake

    @property
    def api(self) -> ApiKind:
        return self._client.api if self._client is not None else self._api

    @property
    def base_url(self) -> str:
        return self._client.base_url if self._client is not None else self._base_url

    @property
    def label(self) -> str:
        if self.demo:
            return "demo"
        return self.base_url


def _timeouts(settings: Settings | None) -> Any:
    from grok_tui.api.client import Timeouts

    if settings is None:
        return Timeouts()
    t = settings.timeouts
    return Timeouts(connect=t.connect, read=t.read, write=t.write)


def demo_backend(
    *,
    reason: str | None = "--demo",
    tokens_per_second: float | None = None,
    api: ApiKind = "responses",
    settings: Settings | None = None,
) -> Backend:
    """The offline demo: the fake xAI backend in-process (no key, no network).

    The fake and the client are built on first use (see `Backend`)."""
    rate = tokens_per_second
    if rate is None:
        rate = settings.demo_rate if settings is not None else 80.0

    def connect() -> tuple[XAIClient, Any]:
        from grok_tui.api.client import XAIClient
        from grok_tui.fake import DEMO_API_KEY, FakeTransport, demo_fake

        fake = demo_fake(tokens_per_second=rate)
        client = XAIClient(
            DEMO_API_KEY,
            DEMO_BASE_URL,
            api=api,
            timeouts=_timeouts(settings),
            transport=FakeTransport(fake),
        )
        return client, fake

    tools = settings.tools if settings is not None else ToolConfig()
    if not tools.mcp_servers:
        tools = tools.model_copy(update={"mcp_servers": [DEMO_MCP_SERVER]})
    return Backend(
        demo=True,
        demo_reason=reason,
        tool_config=tools,
        connect=connect,
        base_url=DEMO_BASE_URL,
        api=api,
    )


def real_backend(
    api_key: str | None,
    *,
    base_url: str,
    api: ApiKind = "responses",
    settings: Settings | None = None,
) -> Backend:
    """The real API (or any compatible server at `base_url`); the client is
    built on first use (see `Backend`). Its event streams are read with
    `ReadPacing` (fewer wake-ups while a reply streams)."""

    def connect() -> tuple[XAIClient, Any]:
        from grok_tui.api.client import XAIClient
        from grok_tui.api.sse import ReadPacing

        client = XAIClient(
            api_key, base_url, api=api, timeouts=_timeouts(settings), read_pacing=ReadPacing()
        )
        return client, None

    tools = settings.tools if settings is not None else ToolConfig()
    return Backend(
        demo=False, tool_config=tools, connect=connect, base_url=base_url.rstrip("/"), api=api
    )


def backend_from_settings(settings: Settings) -> Backend:
    """Demo when the settings say so (--demo, or no key on the default API root),
    else the real client. A key-less custom `--base-url` (a local server) is
    used as it is, without a key."""
    if settings.demo:
        return demo_backend(
            reason=settings.demo_reason or "--demo", api=settings.api, settings=settings
        )
    return real_backend(
        settings.key_value(),
        base_url=settings.base_url,
        api=settings.api,
        settings=settings,
    )
