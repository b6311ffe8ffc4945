"""Deterministic, LLM-like answer text for the fake's scenarios.

Everything here is seeded so the same prompt (or the same token count) gives
the same text: benchmarks and byte-comparison tests are repeatable.
"""

from __future__ import annotations

import random
import re
import zlib

CHARS_PER_TOKEN = 4

_TOPICS = (
    "streaming parsers",
    "terminal rendering",
    "async I/O",
    "rate limiting",
    "caching",
    "backpressure",
    "incremental layout",
    "event loops",
    "structured logging",
    "retries",
    "connection pooling",
    "token accounting",
    "search grounding",
    "Unicode handling",
)
_NOUNS = (
    "buffer",
    "frame",
    "widget",
    "session",
    "request",
    "stream",
    "token",
    "cursor",
    "queue",
    "worker",
    "snapshot",
    "index",
    "parser",
    "renderer",
    "checkpoint",
)
_VERBS = (
    "parses",
    "buffers",
    "renders",
    "validates",
    "schedules",
    "retries",
    "batches",
    "flushes",
    "normalizes",
    "measures",
    "caches",
    "streams",
    "merges",
    "tracks",
)
_ADJ = (
    "incremental",
    "bounded",
    "lazy",
    "deterministic",
    "idempotent",
    "linear-time",
    "cancellable",
    "atomic",
    "compact",
    "robust",
    "observable",
    "ordered",
)
_SENTENCES = (
    "The key idea is to keep the {adj} {noun} small and to touch it only once per {noun2}.",
    "A {noun} that {verb} each {noun2} as it arrives avoids quadratic work on long answers.",
    "In practice, the {adj} approach wins because the {noun} never has to be rebuilt.",
    "You can measure this by timing how long each {noun2} takes to reach the screen.",
    "When the {noun} grows, the cost should stay proportional to the new {noun2} only.",
    "Most bugs here come from assuming the {noun} is complete before the stream ends.",
    "Keep the {noun} {adj}: it makes cancellation and retries much easier to reason about.",
    "A good rule of thumb is one {noun} per {noun2}, with nothing shared between them.",
    "If the {noun2} arrives out of order, the {noun} {verb} it by its sequence number.",
    "This is also where `{code}` helps, since it {verb} the {noun2} without copying.",
    "The trade-off is memory: an {adj} {noun} keeps a little more state around.",
    "For example, a chat client {verb} every {noun2} and appends it to the visible {noun}.",
)
_LINKS = (
    ("the xAI docs", "https://docs.x.ai/"),
    ("the Textual guide", "https://textual.textualize.io/guide/"),
    ("the httpx docs", "https://www.python-httpx.org/"),
    ("the SSE specification", "https://html.spec.whatwg.org/multipage/server-sent-events.html"),
    ("PEP 492", "https://peps.python.org/pep-0492/"),
)
_CODE_WORDS = ("append()", "flush()", "asyncio.sleep(0)", "memoryview", "bisect", "deque")


def seed_of(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _sentence(rng: random.Random) -> str:
    tpl = rng.choice(_SENTENCES)
    noun, noun2 = rng.sample(_NOUNS, 2)
    return tpl.format(
        adj=rng.choice(_ADJ),
        noun=noun,
        noun2=noun2,
        verb=rng.choice(_VERBS),
        code=rng.choice(_CODE_WORDS),
    )


def _paragraph(rng: random.Random, n: int | None = None) -> str:
    count = n if n is not None else rng.randint(2, 5)
    sentences = [_sentence(rng) for _ in range(count)]
    if rng.random() < 0.35:
        label, url = rng.choice(_LINKS)
        sentences.append(f"See [{label}]({url}) for details.")
    return " ".join(sentences)


def _code_block(rng: random.Random) -> str:
    lines_wanted = rng.randint(10, 30)
    name = f"{rng.choice(_VERBS).rstrip('s')}_{rng.choice(_NOUNS)}s"
    noun = rng.choice(_NOUNS)
    lines = [
        "```python",
        "from __future__ import annotations",
        "",
        "from collections.abc import Iterable, Iterator",
        "",
        "",
        f"def {name}(items: Iterable[str], limit: int = {rng.randint(2, 64)}) -> Iterator[str]:",
        f'    """Yield each {noun} once, at most `limit` at a time."""',
        "    batch: list[str] = []",
        "    for item in items:",
        "        batch.append(item.strip())",
        "        if len(batch) >= limit:",
        "            yield from batch",
        "            batch.clear()",
    ]
    extra = [
        f"    # {rng.choice(_ADJ)} by design: no {rng.choice(_NOUNS)} is copied",
        f"    total = sum(len(x) for x in batch)  # {rng.randint(1, 999)} expected",
        "    if total == 0:",
        "        return",
        "    seen: set[str] = set()",
        "    for item in batch:",
        "        if item in seen:",
        "            continue",
        "        seen.add(item)",
        "        yield item",
        "",
        "",
        'if __name__ == "__main__":',
        f'    for out in {name}(["a", "b", "a"], limit={rng.randint(1, 4)}):',
        "        print(out)",
        f'    print("done: {rng.randint(100, 999)}")',
    ]
    body_needed = max(0, lines_wanted - (len(lines) - 1))
    lines.extend(extra[:body_needed])
    lines.append("```")
    return "\n".join(lines)


def _table(rng: random.Random) -> str:
    cols = ("Approach", "Latency", "Memory", "Notes")
    rows = []
    for _ in range(rng.randint(3, 5)):
        rows.append(
            (
                f"{rng.choice(_ADJ).capitalize()} {rng.choice(_NOUNS)}",
                f"{rng.randint(1, 90)} ms",
                f"{rng.randint(1, 512)} KiB",
                f"`{rng.choice(_CODE_WORDS)}` {rng.choice(_VERBS)} each {rng.choice(_NOUNS)}",
            )
        )
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join(["---"] * len(cols)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def _bullets(rng: random.Random, numbered: bool) -> str:
    items = []
    for i in range(rng.randint(3, 6)):
        prefix = f"{i + 1}." if numbered else "-"
        text = _sentence(rng)
        if rng.random() < 0.4:
            text = f"**{rng.choice(_ADJ).capitalize()} {rng.choice(_NOUNS)}s**: {text}"
        items.append(f"{prefix} {text}")
    return "\n".join(items)


def _quote(rng: random.Random) -> str:
    return "> " + _sentence(rng) + "\n> " + _sentence(rng)


def markdown_answer(tokens: int, seed: int = 2024) -> str:
    """A long markdown answer of about `tokens` tokens (4 chars per token)."""
    rng = random.Random(seed * 1_000_003 + tokens)
    target = max(1, tokens) * CHARS_PER_TOKEN
    topic = rng.choice(_TOPICS)
    parts: list[str] = [f"# A practical guide to {topic}", _paragraph(rng, 3)]
    section = 0
    kinds = ("para", "bullets", "code", "table", "numbered", "quote", "para", "code")
    while sum(len(p) + 2 for p in parts) < target:
        section += 1
        parts.append(f"## {section}. {rng.choice(_ADJ).capitalize()} {rng.choice(_NOUNS)}s")
        parts.append(_paragraph(rng))
        kind = kinds[(section - 1) % len(kinds)] if section <= len(kinds) else rng.choice(kinds)
        if kind == "bullets":
            parts.append(_bullets(rng, numbered=False))
        elif kind == "numbered":
            parts.append(_bullets(rng, numbered=True))
        elif kind == "code":
            parts.append(_code_block(rng))
            parts.append(f"The function above {rng.choice(_VERBS)} in one pass.")
        elif kind == "table":
            parts.append(_table(rng))
        elif kind == "quote":
            parts.append(_quote(rng))
        else:
            parts.append(_paragraph(rng))
        if rng.random() < 0.3:
            parts.append(f"### Notes on the {rng.choice(_NOUNS)}")
            parts.append(_paragraph(rng, 2))
    text = "\n\n".join(parts)
    return _trim(text, target)


def _trim(text: str, target: int) -> str:
    """Cut near `target` chars at a paragraph boundary outside code fences."""
    if len(text) <= target:
        return text
    cut = text.rfind("\n\n", 0, target)
    while cut > 0 and text[:cut].count("```") % 2 == 1:
        cut = text.rfind("\n\n", 0, cut)
    if cut <= 0:
        return text
    return text[:cut]


_PLAIN = (
    "Hi! I'm the offline demo backend of grok-tui, so my answers are canned, but the "
    "streaming, usage and cost accounting work exactly like the real API.\n\n"
    "Things to try:\n\n"
    "- turn on web or X search (F3) and ask anything to see tool calls and citations\n"
    "- ask for something **long** (a table, some code, an essay) to see markdown streaming\n"
    "- ask me to **think** or **prove** something to see reasoning\n"
    "- attach an image to see image input",
    "That's a good question. Since this is grok-tui's **offline demo**, I can't really "
    "answer it, but here is what a reply looks like: a short paragraph, then a list.\n\n"
    "1. Turn on web or X search (F3) and ask anything to watch the tool log.\n"
    "2. Type `write a long markdown essay` to stress the renderer.\n"
    "3. Type `think step by step` for a reasoning trace.\n\n"
    "Set `XAI_API_KEY` to talk to the real Grok.",
    "Sure. In the offline demo I reply from a script, and your message was:\n\n"
    "> {prompt}\n\n"
    "Try words like *long*, *table*, *code* or *think* to see the other scripted "
    "answers (markdown, reasoning), or turn on web or X search (F3) for a searched "
    "reply with sources. With a real API key, Grok answers for real.",
)


def plain_answer(prompt: str) -> str:
    short = " ".join(prompt.split())[:120] or "(empty)"
    tpl = _PLAIN[seed_of(prompt) % len(_PLAIN)]
    return tpl.replace("{prompt}", short)


def reasoning_summary(prompt: str) -> str:
    short = " ".join(prompt.split())[:80]
    return (
        f'The user asks: "{short}". First, restate the problem and list what is known. '
        "Then check the small cases: n = 1 and n = 2 both hold. "
        "Assume it holds for n and show it for n + 1 by adding the next term to both sides. "
        "The algebra simplifies cleanly, so the induction step goes through. "
        "Finally, double-check the edge case and write a short, clear answer."
    )


def reasoning_answer(prompt: str) -> str:
    return (
        "Here is the argument, step by step:\n\n"
        "1. **Base case.** For n = 1 the statement reads 1 = 1·2/2, which is true.\n"
        "2. **Induction step.** If 1 + … + n = n(n+1)/2, then adding n + 1 gives "
        "n(n+1)/2 + (n+1) = (n+1)(n+2)/2.\n"
        "3. **Conclusion.** By induction the formula holds for every n ≥ 1.\n\n"
        "*(Scripted answer from the offline demo backend.)*"
    )


def image_answer(count: int, prompt: str) -> str:
    noun = "image" if count == 1 else "images"
    lines = [f"I can see {count} attached {noun}."]
    for i in range(count):
        lines.append(
            f"- Image {i + 1}: a scripted description (the demo backend does not look at "
            "pixels), say a terminal window with a dark theme and some text."
        )
    if prompt.strip():
        lines.append("")
        lines.append(f'You asked: "{" ".join(prompt.split())[:100]}".')
    return "\n".join(lines)


_MARKER = re.compile(r"\[\[\d+\]\]\([^)\s]*\)")


def chunk_text(text: str, size: int) -> list[str]:
    """Split into deltas of `size` chars; inline citation markers stay whole."""
    size = max(1, size)
    out: list[str] = []
    pos = 0
    for m in _MARKER.finditer(text):
        end = m.start()
        out.extend(text[i : min(i + size, end)] for i in range(pos, end, size))
        out.append(m.group(0))
        pos = m.end()
    out.extend(text[i : i + size] for i in range(pos, len(text), size))
    return out


def tokens_of(text: str) -> int:
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN
