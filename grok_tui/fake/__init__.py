"""The fake xAI backend: an independent implementation of the wire format in
`xai-wire.md`, served over loopback HTTP (`FakeServer`) or in process
(`FakeTransport`). It never imports `grok_tui.api`, so a parser bug cannot hide
behind the same bug here.
"""

from grok_tui.fake.catalog import MODELS, ModelEntry, resolve_model
from grok_tui.fake.core import DEMO_API_KEY, FakeConfig, FakeXAI, demo_fake
from grok_tui.fake.scenarios import HTTP_ERROR_SCENARIOS, SCENARIOS, STREAM_SCENARIOS
from grok_tui.fake.server import FakeServer
from grok_tui.fake.transport import FakeTransport
from grok_tui.fake.wire import DROP, Drop, FakeResponse, Pause, RecordedRequest

__all__ = [
    "DEMO_API_KEY",
    "DROP",
    "Drop",
    "FakeConfig",
    "FakeResponse",
    "FakeServer",
    "FakeTransport",
    "FakeXAI",
    "HTTP_ERROR_SCENARIOS",
    "MODELS",
    "ModelEntry",
    "Pause",
    "RecordedRequest",
    "SCENARIOS",
    "STREAM_SCENARIOS",
    "demo_fake",
    "resolve_model",
]
