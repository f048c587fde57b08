"""How a SpotMe glossary acts on transcribed text: recognize, replace, block."""
from __future__ import annotations

import re


def misheard(term: str) -> str:
    """How speech recognition writes a term it does not know: split words, all lower case."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", term)
    return words.lower()


def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.IGNORECASE)


def apply(text: str, glossary: dict | None) -> str:
    """Recognized terms are spelled as given, replace rules rewrite, block rules mask."""
    if not glossary:
        return text
    for term in glossary.get("recognize", []):
        text = _pattern(misheard(term)).sub(term, text)
        text = _pattern(term).sub(term, text)
    for rule in glossary.get("replace", []):
        for form in {rule["from"], misheard(rule["from"])}:
            text = _pattern(form).sub(rule["to"], text)
    for term in glossary.get("block", []):
        for form in {term, misheard(term)}:
            text = _pattern(form).sub(lambda m: "*" * len(m.group(0)), text)
    return text


def terms(glossary: dict | None) -> list[str]:
    """The terms a glossary talks about, as recognition would first write them."""
    if not glossary:
        return []
    spoken = list(glossary.get("recognize", [])) + [r["from"] for r in glossary.get("replace", [])]
    spoken += list(glossary.get("block", []))
    return [misheard(t) for t in spoken]


def word_count(glossary: dict) -> int:
    return len(glossary.get("recognize", [])) + len(glossary.get("replace", [])) + len(glossary.get("block", []))
