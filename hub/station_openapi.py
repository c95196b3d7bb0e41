"""The station calls in the hub's OpenAPI document.

They are plain Starlette routes (hub/station_routes.py), which FastAPI does not document,
so their operations are written here from the same protocol models: schemathesis and any
client generator see them exactly as FastAPI would have shown them.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from hub.errors import ERROR_STATUSES
from sync.protocol import (
    HELLO_PATH,
    PROTOCOL_HEADER,
    PULL_PATH,
    PUSH_PATH,
    ErrorBody,
    HelloResponse,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)

_CALLS: tuple[tuple[str, str, str, type[BaseModel] | None, type[BaseModel]], ...] = (
    (HELLO_PATH, "hello", "Who this token's station is", None, HelloResponse),
    (PUSH_PATH, "push", "Apply a batch of the station's outbox events", PushRequest, PushResponse),
    (
        PULL_PATH,
        "pull",
        "Reference-data changes after the station's cursor",
        PullRequest,
        PullResponse,
    ),
)


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}


def _operation(
    name: str, summary: str, request: type[BaseModel] | None, response: type[BaseModel]
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "operationId": name,
        "security": [{"HTTPBearer": []}],
        "parameters": [
            {
                "name": PROTOCOL_HEADER,
                "in": "header",
                "required": False,
                "schema": {"type": "integer"},
            }
        ],
        "responses": {
            "200": {"description": "Successful Response", "content": _json(response)},
            **{
                str(status): {"description": text, "content": _json(ErrorBody)}
                for status, text in ERROR_STATUSES.items()
            },
        },
    }
    if request is not None:
        operation["requestBody"] = {"required": True, "content": _json(request)}
    return operation


def _add_model(schemas: dict[str, Any], model: type[BaseModel]) -> None:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    schemas.setdefault(model.__name__, schema)


def document_station_calls(app: FastAPI) -> None:
    """Add the station calls to the document FastAPI makes of `app`."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        paths = document.setdefault("paths", {})
        components = document.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        components.setdefault("securitySchemes", {}).setdefault(
            "HTTPBearer", {"type": "http", "scheme": "bearer"}
        )
        for path, name, summary, request, response in _CALLS:
            paths.setdefault(path, {"post": _operation(name, summary, request, response)})
            for model in (request, response, ErrorBody):
                if model is not None:
                    _add_model(schemas, model)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
