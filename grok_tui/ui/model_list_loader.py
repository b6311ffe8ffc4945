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

Kept in memory only, not on disk: the fetch is one small GET, the documented
prices cover the known models when it fails, and a file would need its own
invalidation (prices change; what the list holds depends on the key and the
base URL) to help only in the rare run where the fetch fails.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual.worker import Worker

from grok_tui.api.model_list import ModelInfo
from grok_tui.chat.pricing import ModelCatalog

if TYPE_CHECKING:
    from grok_tui.ui.app import GrokApp


class ModelList:
    """The model list of the app's current backend (see the module docstring)."""

    def __init__(self, app: GrokApp, catalog: ModelCatalog) -> None:
        self.app = app
        self.catalog = catalog
        #: The client the list (or the fetch in flight) is for.
        self._client: Any = None
        self._models: list[ModelInfo] | None = None
        self._worker: Worker[None] | None = None

    @property
    def loaded(self) -> bool:
        """The current backend's list was fetched."""
        return self._models is not None and self._client is self.app.backend.client

    def _follow_backend(self) -> None:
        """Forget the list of a backend that is no longer the app's."""
        client = self.app.backend.client
        if client is not self._client:
            self._client, self._models, self._worker = client, None, None

    def start(self) -> None:
        """Fetch the list in the background unless it is fetched or being
        fetched for this backend. An app worker (cancelled when the app
        exits) that never fails: a failed fetch is silent."""
        self._follow_backend()
        if self._models is None and (self._worker is None or self._worker.is_finished):
            self._worker = self.app.run_worker(
                self._background(self._client), name="model-list", group="model-list"
            )

    async def _background(self, client: Any) -> None:
        try:
            models = await client.list_models()
        except Exception:  # silent: costs use the documented prices, the picker tries again
            return
        self._keep(client, models)

    def _keep(self, client: Any, models: list[ModelInfo]) -> None:
        if client is self.app.backend.client:
            self._models = list(models)
            self.catalog.update(models)  # prices and modalities for the next replies
            self.app.prices_changed.publish(self.catalog)  # and replies that ended first

    async def models(self) -> list[ModelInfo]:
        """The list for the picker: the one fetched, else the fetch in flight
        (shielded: closing the picker does not cancel it), else a new fetch
        whose error it raises (e.g. `XAIError`, which the picker shows)."""
        self._follow_backend()
        worker = self._worker
        if self._models is None and worker is not None and not worker.is_finished:
            await asyncio.shield(worker.wait())
        if self._models is not None:
            return list(self._models)
        client = self._client
        models: list[ModelInfo] = await client.list_models()
        self._keep(client, models)
        return list(models)
