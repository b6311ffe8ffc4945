"""What will not work, said before a request is sent: one rule for `ask` and the TUI.

`preflight(...)` looks at the model, the API, the session's search settings and
the images of the turn, and returns typed `Finding`s. Each front end decides:

* `ask` refuses every finding (exit 2, the finding's sentence) before any
  request, except `search_on_chat` which it notes (the answer is still useful);
* the TUI refuses `images_text_only` (the prompt and the images stay, with the
  reason) and adapts the rest: the field is left out of the request and the
  sentence is kept on the turn (`Message.notes`) and shown in the status bar.

Nothing here does I/O; model facts come from `grok_tui.chat.pricing`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from grok_tui.chat.pricing import ModelCatalog
from grok_tui.chat.search import SearchSettings, reasoning_efforts_for
from grok_tui.sanitize import one_line

if TYPE_CHECKING:  # a type only: the status bar needs this module at start-up, not requests
    from grok_tui.api.chat_request import ApiKind

FindingKind = Literal[
    "effort_refused",  # the model refuses the chosen reasoning effort (HTTP 400)
    "images_text_only",  # images to a model that reads text only
    "search_on_chat",  # server-side tools on the Chat Completions API (none exist there)
    "image_understanding_without_search",  # ask: --image-understanding alone
    "max_turns_without_tools",  # max turns without a server-side tool
    "api_key_in_prompt",  # the prompt contains the configured API key
    "images_stored",  # images with store: true (xAI advises store: false for images)
]


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    text: str  # one sentence for the user


def effort_refusal(model: str, effort: str | None) -> str | None:
    """Why `model` refuses `effort` (one sentence), or None when it may be sent."""
    if not effort:
        return None
    efforts = reasoning_efforts_for(model)
    name = one_line(model, 60)
    if efforts == ():
        return f"{name} takes no reasoning effort"
    if efforts is not None and effort not in efforts:
        return f"{name} does not take reasoning effort {effort!r} (it takes {', '.join(efforts)})"
    return None


def effort_to_send(model: str, effort: str | None) -> str | None:
    """The effort the request carries for `model`: None when the model refuses it."""
    return None if effort_refusal(model, effort) else effort


def images_refusal(model: str, image_count: int, catalog: ModelCatalog | None) -> str | None:
    if image_count <= 0:
        return None
    accepts = (catalog or ModelCatalog()).accepts_images(model)
    if accepts is not False:
        return None
    what = "an image" if image_count == 1 else f"{image_count} images"
    return (
        f"{one_line(model, 60)} reads text only and cannot take {what}; "
        "remove the image or pick a model that reads images"
    )


def search_on_chat(settings: SearchSettings, api: ApiKind) -> str | None:
    """What of the server-side tools the Chat Completions API leaves out (none
    exist there): web and X search, code execution, MCP servers, collections."""
    if api != "chat" or not settings.any_enabled:
        return None
    tools = settings.tools
    names = [
        name
        for on, name in (
            (settings.web.enabled, "web search"),
            (settings.x.enabled, "X search"),
            (tools.code_execution, "code execution"),
            (bool(tools.mcp), "MCP servers"),
            (bool(tools.collections), "collections search"),
        )
        if on
    ]
    which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    kind = (
        "search tools"
        if not tools.any_enabled
        else "server-side tools (search, code execution, MCP, collections)"
    )
    return (
        f"{which} not sent: {kind} exist only on the Responses API, "
        "not on Chat Completions (api = chat)"
    )


def contains_secret(text: str, secrets: Iterable[str]) -> bool:
    """Whether `text` holds one of `secrets` (keys shorter than 8 chars are ignored)."""
    return any(len(s) >= 8 and s in text for s in secrets)


def preflight(
    *,
    model: str,
    api: ApiKind,
    settings: SearchSettings,
    image_count: int = 0,
    catalog: ModelCatalog | None = None,
    text: str = "",
    secrets: Iterable[str] = (),
    store: bool = False,
) -> list[Finding]:
    """Everything about this turn that will not work as chosen, in a fixed order."""
    found: list[Finding] = []
    refusal = effort_refusal(model, settings.reasoning_effort)
    if refusal:
        found.append(
            Finding(
                "effort_refused",
                f"reasoning effort {settings.reasoning_effort!r} not sent: {refusal}",
            )
        )
    images = images_refusal(model, image_count, catalog)
    if images:
        found.append(Finding("images_text_only", images))
    if store and api == "responses" and image_count > 0 and not images:
        found.append(
            Finding(
                "images_stored",
                "images sent with store: true (store_responses); xAI advises store: false "
                "for images, the request may fail",
            )
        )
    chat = search_on_chat(settings, api)
    if chat:
        found.append(Finding("search_on_chat", chat))
    if settings.max_turns is not None and not settings.any_enabled:
        found.append(
            Finding(
                "max_turns_without_tools",
                f"max turns ({settings.max_turns}) applies only with a server-side tool on; not sent",
            )
        )
    if contains_secret(text, secrets):
        found.append(
            Finding(
                "api_key_in_prompt",
                "the prompt contains your API key; it would be sent to the model",
            )
        )
    return found


#: Findings the TUI adapts to (the field is left out) and notes on the turn.
TURN_NOTE_KINDS: tuple[FindingKind, ...] = ("effort_refused", "search_on_chat", "images_stored")


@dataclass(frozen=True, slots=True)
class TurnCheck:
    """The TUI's decision for one turn, from `preflight`."""

    refusal: str | None  # not sent, and why (images to a text-only model)
    key_in_prompt: bool  # ask before sending the API key to the model
    notes: tuple[str, ...]  # kept on the turn: what was left out of the request


def check_turn(findings: Iterable[Finding]) -> TurnCheck:
    found = list(findings)
    refusal = next((f.text for f in found if f.kind == "images_text_only"), None)
    return TurnCheck(
        refusal=refusal,
        key_in_prompt=any(f.kind == "api_key_in_prompt" for f in found),
        notes=tuple(f.text for f in found if f.kind in TURN_NOTE_KINDS),
    )
