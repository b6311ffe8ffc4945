"""Building the API client the app talks to: the real xAI API or the offline demo.

The demo backend is the fake xAI server (`grok_tui.fake`) mounted in-process as
an httpx transport, so the app runs the very same client code path either way.
Heavy modules are imported here, lazily, not at app import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from grok_tui.chat.tools import DEMO_MCP_SERVER, ToolConfig

if TYPE_CHECKING:
    from grok_tui.api.client import XAIClient
    from grok_tui.config import Settings

ApiKind = Literal["responses", "chat"]


@dataclass
class Backend:
    """The client and what the UI says about it."""

    client: XAIClient
    demo: bool
    #: Why the demo is on ("--demo", "no API key"), for the banner.
    demo_reason: str | None = None
    #: The fake (demo only), e.g. for tests to queue scenarios.
    fake: Any = None
    #: MCP servers and collection names from config.toml (the demo adds one
    #: offline MCP server when none is configured, to show the tool working).
    tool_config: ToolConfig = field(default_factory=ToolConfig)

    @property
    def label(self) -> str:
        if self.demo:
            return "demo"
        return self.client.base_url


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
    """The offline demo: the fake xAI backend in-process (no key, no network)."""
    from grok_tui.api.client import XAIClient
    from grok_tui.fake import DEMO_API_KEY, FakeTransport, demo_fake

    rate = tokens_per_second
    if rate is None:
        rate = settings.demo_rate if settings is not None else 80.0
    fake = demo_fake(tokens_per_second=rate)
    client = XAIClient(
        DEMO_API_KEY,
        "http://demo.invalid/v1",
        api=api,
        timeouts=_timeouts(settings),
        transport=FakeTransport(fake),
    )
    tools = settings.tools if settings is not None else ToolConfig()
    if not tools.mcp_servers:
        tools = tools.model_copy(update={"mcp_servers": [DEMO_MCP_SERVER]})
    return Backend(client=client, demo=True, demo_reason=reason, fake=fake, tool_config=tools)


def real_backend(
    api_key: str | None,
    *,
    base_url: str,
    api: ApiKind = "responses",
    settings: Settings | None = None,
) -> Backend:
    """The real API (or any compatible server at `base_url`). Its event
    streams are read with `ReadPacing` (fewer wake-ups while a reply streams)."""
    from grok_tui.api.client import XAIClient
    from grok_tui.api.sse import ReadPacing

    client = XAIClient(
        api_key, base_url, api=api, timeouts=_timeouts(settings), read_pacing=ReadPacing()
    )
    tools = settings.tools if settings is not None else ToolConfig()
    return Backend(client=client, demo=False, tool_config=tools)


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
