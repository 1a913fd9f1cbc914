"""POST /v1/sync/push: size limits, parsing, the token↔machine binding; see push_apply for the rest.

The envelope is validated strictly, each mutation on its own: a mutation with a readable
`mutation_id` but a bad shape (unknown kind, missing field) is rejected in its turn instead of
failing the whole batch, so it cannot block the machine's queue.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from central.content_type import json_body
from central.db import Database
from central.machine_auth import MachineIdentity, current_machine, database
from central.push_apply import InvalidMutation, ParsedPush, PushItem, apply_push
from wire.protocol import MAX_BATCH, MAX_BATCH_BYTES, Mutation, PushRequest, PushResponse
from wire.validation import spanish_summary

router = APIRouter()



def too_large(max_batch: int) -> str:
    return f"El lote excede el máximo de {max_batch} mutaciones o {MAX_BATCH_BYTES} bytes."


TOO_LARGE = too_large(MAX_BATCH)
TOO_DEEP = "Envío inválido: el JSON está anidado a demasiada profundidad."


@router.post("/v1/sync/push", response_model=PushResponse,
             dependencies=[Depends(json_body)])
async def push(
    request: Request,
    machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
) -> Response:
    raw = await _read_body(request, MAX_BATCH_BYTES)
    parsed = parse_push(raw, request.app.state.max_batch)
    if parsed.machine_id != machine.id:
        raise HTTPException(403, "El token pertenece a otro equipo.")
    return await run_in_threadpool(_answer, db, machine, parsed)


def _answer(db: Database, machine: MachineIdentity, parsed: ParsedPush) -> Response:
    """The push applied and its answer encoded by the model itself, in the worker thread:
    returned as a Response, FastAPI does not dump, validate and encode it again (3 ms a batch)."""
    answer = apply_push(db, machine, parsed)
    return Response(answer.model_dump_json(), media_type="application/json")


async def _read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_push(raw: bytes, max_batch: int = MAX_BATCH) -> ParsedPush:
    """The request, validated in one pass over the raw JSON (pydantic-core) when it is all
    well-formed; otherwise mutation by mutation, so a malformed one is rejected alone. More than
    `max_batch` mutations (this platform's limit, at most the protocol's) → 413."""
    try:
        whole = PushRequest.model_validate_json(raw)
    except ValidationError:
        return _parse_each(raw, max_batch)
    if len(whole.mutations) > max_batch:
        raise HTTPException(413, too_large(max_batch))
    return ParsedPush(
        machine_id=whole.machine_id, app_version=whole.app_version, pending=whole.pending,
        items=list(whole.mutations), audit_head=whole.audit_head,
    )


def _parse_each(raw: bytes, max_batch: int) -> ParsedPush:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise HTTPException(400, "El cuerpo no es JSON válido.") from exc
    except RecursionError as exc:  # pydantic-core stops at its own depth limit; json at Python's
        raise HTTPException(422, TOO_DEEP) from exc
    if not isinstance(data, dict) or not isinstance(data.get("mutations", []), list):
        raise HTTPException(422, "Se esperaba un objeto con la lista «mutations».")
    mutations: list[Any] = data.get("mutations", [])
    if len(mutations) > max_batch:
        raise HTTPException(413, too_large(max_batch))
    try:
        header = PushRequest.model_validate({**data, "mutations": []})
    except ValidationError as exc:
        raise HTTPException(422, f"Envío inválido: {spanish_summary(exc)}") from exc
    return ParsedPush(
        machine_id=header.machine_id, app_version=header.app_version, pending=header.pending,
        items=[_parse_item(item) for item in mutations], audit_head=header.audit_head,
    )


def _parse_item(item: Any) -> PushItem:
    try:
        return Mutation.model_validate(item)
    except ValidationError as exc:
        mutation_id = item.get("mutation_id") if isinstance(item, dict) else None
        if not isinstance(mutation_id, int) or isinstance(mutation_id, bool) or mutation_id < 1:
            raise HTTPException(
                422, "Cada mutación necesita un mutation_id entero mayor o igual a 1."
            ) from exc
        return InvalidMutation(
            mutation_id=mutation_id, kind=_text(item.get("kind")),
            entity_uuid=_text(item.get("entity_uuid")), sha256=_text(item.get("sha256")),
            error=f"mutación inválida: {spanish_summary(exc)}",
        )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
