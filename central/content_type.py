"""The sync API's JSON bodies are declared as JSON: another declared type is refused (415).

A body without a Content-Type is read as JSON, as before (older clients and tools); one that says
it is something else (a form, text, XML) is not guessed at.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

NOT_JSON = "El cuerpo debe ser JSON (Content-Type: application/json)."


def json_body(request: Request) -> None:
    """Dependency of the routes that read a JSON body: 415 when another type is declared."""
    declared = request.headers.get("content-type")
    if declared is None:
        return
    media = declared.partition(";")[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/")
                                            and media.endswith("+json")):
        raise HTTPException(415, NOT_JSON)
