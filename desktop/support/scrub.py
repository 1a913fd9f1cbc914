"""Remove personal data from free text before it leaves the machine in a diagnostics export.

Two nets: patterns (CURP, RFC, e-mail, phone and long digit runs) for what this store never
held, and every word of what it does hold — applicants' names, CURP, RFC and answers of
expedientes and borradores, and users' full names — so a name in a log line or an error goes too.
Over-scrubbing a technical word that also appears in an answer is the accepted price.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from localdb.models import Draft, Expediente, User

MASK = "[dato]"
MIN_WORD = 3
PATTERNS = (
    re.compile(r"\b[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{5}[0-9A-Z]\d\b", re.IGNORECASE),  # CURP
    re.compile(r"\b[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}\b", re.IGNORECASE),  # RFC
    re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b"),  # e-mail
    re.compile(r"(?<![\w-])\+?\d[\d ]{8,}\d(?![\w-])"),  # phone numbers and long digit runs
)
WORD = re.compile(r"\w+", re.UNICODE)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _personal(word: str) -> bool:
    """Long enough to name someone; short numbers (a year, a count) say nothing of anyone."""
    return len(word) >= (5 if word.isdigit() else MIN_WORD)


def _words(texts: Iterable[str]) -> set[str]:
    return {w.casefold() for text in texts for w in WORD.findall(text) if _personal(w)}


class Scrubber:
    def __init__(self, personal_words: set[str]) -> None:
        self._words = personal_words

    @classmethod
    def from_store(cls, session: Session) -> Scrubber:
        texts: list[str] = []
        for nombre, curp, rfc, answers in session.execute(
                select(Expediente.nombre, Expediente.curp, Expediente.rfc, Expediente.answers)):
            texts.extend(t for t in (nombre, curp, rfc) if t)
            texts.extend(_strings(answers))
        for (answers,) in session.execute(select(Draft.answers)):
            texts.extend(_strings(answers))
        texts.extend(session.scalars(select(User.full_name)))
        return cls(_words(texts))

    def __call__(self, text: str) -> str:
        for pattern in PATTERNS:
            text = pattern.sub(MASK, text)
        return WORD.sub(lambda m: MASK if m.group().casefold() in self._words else m.group(),
                        text)
