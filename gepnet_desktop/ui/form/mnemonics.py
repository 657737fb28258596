"""Keyboard mnemonics for the case form's labels: one distinct letter per label (Alt+letter goes
to the field), never one of the main window's menu letters.
"""

from __future__ import annotations

# Letters the main window's menus use (File, Edit, Case, View, Help, Language): never a field's.
RESERVED_MNEMONICS = "fecvhl"


def assign_mnemonics(english: list[str], reserved: str = RESERVED_MNEMONICS) -> list[str | None]:
    """One distinct letter or digit per label, avoiding `reserved`: from the label's own text
    where a matching allows it (most labels), else any free one (shown as "(&X)")."""
    pool = [c for c in "abcdefghijklmnopqrstuvwxyz0123456789" if c not in reserved]
    wanted = [[c for c in dict.fromkeys(text.lower()) if c in pool] for text in english]
    owner: dict[str, int] = {}

    def place(i: int, seen: set[str]) -> bool:  # Kuhn's augmenting path
        for c in wanted[i]:
            if c in seen:
                continue
            seen.add(c)
            if c not in owner or place(owner[c], seen):
                owner[c] = i
                return True
        return False

    for i in range(len(english)):
        place(i, set())
    out: list[str | None] = [None] * len(english)
    for c, i in owner.items():
        out[i] = c
    free = iter(c for c in pool if c not in owner)
    return [c if c is not None else next(free, None) for c in out]


def with_mnemonic(text: str, letter: str | None) -> str:
    """`text` with `&` before `letter`, or `text (&X)` when the text lacks it (Korean)."""
    text = text.replace("&", "&&")
    if not letter:
        return text
    at = text.lower().find(letter)
    if at >= 0:
        return text[:at] + "&" + text[at:]
    gap = " " if text.isascii() else ""  # Korean menus write "파일(&F)"
    return f"{text}{gap}(&{letter.upper()})"
