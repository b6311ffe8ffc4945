"""Textual `Binding`s from the keymap table (`grok_tui.config.keymap`), and the
check that a `[keys]` remap does not land on a key a text widget takes.

Widgets and screens build their `BINDINGS` with `bindings_for(scope)` (or
`binding(id)` one by one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from grok_tui.config.keymap import DEFAULT_BINDINGS, Scope, normalize_keys

if TYPE_CHECKING:
    from textual.binding import Binding, BindingType
    from textual.widgets import Input, TextArea


def binding(binding_id: str, *, action: str | None = None, show: bool | None = None) -> Binding:
    """The Textual `Binding` of one id (its default keys; `set_keymap` remaps it)."""
    from textual.binding import Binding

    spec = DEFAULT_BINDINGS[binding_id]
    return Binding(
        spec.keys,
        action if action is not None else spec.action,
        spec.description,
        show=spec.show if show is None else show,
        priority=spec.priority,
        id=spec.id,
    )


def bindings_for(scope: Scope) -> list[BindingType]:
    """All `Binding`s of a scope, for a class's `BINDINGS`."""
    return [binding(bid) for bid, spec in DEFAULT_BINDINGS.items() if spec.scope == scope]


def _text_widget_keys() -> list[tuple[str, set[str]]]:
    """(who, keys it takes for itself) for the text widgets a user types in."""
    from textual.widgets import Input, TextArea

    def keys_of(cls: type[Input] | type[TextArea]) -> set[str]:
        out: set[str] = set()
        for b in cls.BINDINGS:
            keys = b.key if hasattr(b, "key") else b[0]  # type: ignore[union-attr,index]
            out.update(normalize_keys(keys).split(","))
        return out

    return [
        ("the prompt (a TextArea)", keys_of(TextArea) | {"enter", "tab"}),
        (
            "text inputs (Input: the session browser's filter, dialogs, the search form)",
            keys_of(Input) | {"enter"},
        ),
    ]


def _types_a_character(key: str) -> bool:
    from textual.keys import key_to_character

    character = key_to_character(key)
    return character is not None and character.isprintable() and "+" not in key.strip("+")


def consumed_key_warnings(keymap: Mapping[str, str]) -> list[str]:
    """One warning per remapped binding with a key that a focused text widget
    takes for itself (its own binding, or a character it types), so the
    binding does nothing while that widget has focus. Priority bindings (the
    prompt's, Ctrl+Q, Ctrl+P) run first and are never taken."""
    widgets = _text_widget_keys()
    warnings: list[str] = []
    for binding_id, keys in keymap.items():
        spec = DEFAULT_BINDINGS.get(binding_id)
        # The conversation's keys act only while it (no text widget) has focus.
        if spec is None or spec.priority or spec.scope == "conversation":
            continue
        for key in normalize_keys(keys).split(","):
            takers = [who for who, taken in widgets if key in taken]
            if _types_a_character(key):
                takers = [who for who, _ in widgets]
            if takers:
                warnings.append(
                    f"keys.{binding_id} = {keys!r}: {key!r} is taken by "
                    f"{' and by '.join(takers)} while {'it has' if len(takers) == 1 else 'they have'} "
                    f"focus, so {spec.description!r} "
                    "does not run from there; choose another key (F1 lists the keys in force)"
                )
                break
    return warnings
