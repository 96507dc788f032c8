"""A domain or name as a reader sees it: Unicode compatibility forms folded (NFKC) and Latin lookalikes mapped.

"𝐩𝐚𝐲𝐩𝐚𝐥.com" (mathematical bold) and "pаypal.com" (a Cyrillic а) both read as paypal.com. This is a
small subset of a UTS #39 skeleton, enough for the letters phishing uses to imitate Latin names; it
does not replace the full confusables table.
"""

from __future__ import annotations

import re
import unicodedata

from mailcheck.parse.lazy_pattern import lazy_compile

# Letters from other scripts drawn like a Latin letter (Unicode's confusables data lists each of these).
_LOOKALIKES = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j", "к": "k", "ӏ": "l",
    "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "с": "c", "ѕ": "s", "т": "t", "у": "y", "ԝ": "w",
    "х": "x", "ԁ": "d", "ɡ": "g", "ӧ": "o",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w",
    # Latin letters without a dot or with a hook, Armenian and others that read as Latin
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɩ": "i", "ɪ": "i", "ʏ": "y", "ո": "n", "ս": "u", "օ": "o", "ց": "g",
    "ᴀ": "a", "ᴄ": "c", "ᴏ": "o", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
    # capitals, for free text whose case is kept
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I",
    "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # dots that separate labels like '.'
    "。": ".", "．": ".", "｡": ".",
})


_WORD = lazy_compile(r"\S+")


def skeleton(text: str, fold_case: bool = True) -> str:
    """text folded for comparison: NFKC, lower case, lookalike letters mapped to the Latin ones.

    fold_case=False keeps the case of what NFKC returns (free text, where case still tells words apart).
    """
    if text.isascii():
        return text.lower() if fold_case else text
    folded = unicodedata.normalize("NFKC", text)
    # the lookalike table holds lower-case letters: map those, keep capitals as NFKC left them
    folded = folded.lower().translate(_LOOKALIKES) if fold_case else folded.translate(_LOOKALIKES)
    return folded


def reads_as(text: str, fold_case: bool = True) -> str | None:
    """text with every word that imitates a Latin word replaced by the Latin word; None when none does.

    A word imitates when it is not ASCII but its skeleton is ("𝐏𝐚𝐲𝐏𝐚𝐥", "Sаmsung" with a Cyrillic а).
    Words really written in another script ("служба", "Arınç") read as themselves.
    """
    if text.isascii():
        return None
    changed = False

    def one(m: re.Match[str]) -> str:
        nonlocal changed
        word = m.group()
        if word.isascii():
            return word.lower() if fold_case else word
        folded = skeleton(word, fold_case)
        if not folded.isascii():
            return word
        changed = True
        return folded

    result = _WORD.sub(one, text)
    return result if changed else None
