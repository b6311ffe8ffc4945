"""The server's model list, fetched once in the background (prices before the picker).

`ModelList(app)` fetches `client.list_models()` once per backend: `start()`
(called after the first frame, so never on the start-up path) runs the fetch
in a worker and fills `app.model_catalog`, so a reply whose server sends no
`cost_in_usd_ticks` is priced from the list's prices from the first turn
(`chat.pricing.fill_cost`), and images to a text-only model are caught by
the list's input modalities. A failure is silent: costs fall back to the
documented prices, as before, and the model picker (`models()`) tries
again and shows its error. `models()` is the picker's source: the list of
this run when it was fetched, else the fetch in flight, else a new one.
A new backend (an API key entered: another key may see other models) makes
the next `models()` and a new `start()` fetch again.

Kept in memory only, not on disk: the fetch is one small GET that finishes
long before a first reply can (the user has yet to type it), the documented
prices cover the known models when it fails, and a file would need its own
invalidation (prices change; what the list holds depends on the key and the
base URL) to help only in the rare run where the fetch fails.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual.worker import Worker, WorkerFailed, WorkerState

from grok_tui.api.models import ModelInfo
from grok_tui.chat.pricing import ModelCatalog

if TYPE_CHECKING:
    from grok_tui.ui.app import GrokApp


class ModelList:
    """The model list of the app's current backend (see the module docstring)."""

    def __init__(self, app: GrokApp, catalog: ModelCatalog) -> None:
        self.app = app
        self.catalog = catalog
        #: The client the fetch in flight (or done) is for.
        self._client: Any = None
        self._worker: Worker[list[ModelInfo]] | None = None

    @property
    def loaded(self) -> bool:
        """The current backend's list was fetched."""
        worker = self._worker
        return (
            worker is not None
            and self._client is self.app.backend.client
            and worker.state == WorkerState.SUCCESS
        )

    def _fetch(self) -> Worker[list[ModelInfo]]:
        client = self.app.backend.client
        worker = self._worker
        failed = (WorkerState.ERROR, WorkerState.CANCELLED)
        if worker is not None and self._client is client and worker.state not in failed:
            return worker
        self._client = client
        # An app worker: cancelled when the app exits, its error never fatal.
        self._worker = self.app.run_worker(
            self._load(client), name="model-list", group="model-list", exit_on_error=False
        )
        return self._worker

    async def _load(self, client: Any) -> list[ModelInfo]:
        models: list[ModelInfo] = await client.list_models()
        if client is self.app.backend.client:
            self.catalog.update(models)  # prices and modalities for the next replies
        return models

    def start(self) -> None:
        """Fetch the list in the background unless it is (being) fetched for
        this backend; a failure is silent (the picker tries again)."""
        self._fetch()

    async def models(self) -> list[ModelInfo]:
        """The list for the picker (raises the fetch's error, e.g. `XAIError`).
        Shielded: closing the picker does not cancel a fetch others wait for."""
        worker = self._fetch()
        try:
            return list(await asyncio.shield(worker.wait()))
        except WorkerFailed as failed:
            raise failed.error from None
