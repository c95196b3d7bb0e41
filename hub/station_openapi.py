"""The station calls in the hub's OpenAPI document.

They are plain Starlette routes (hub/station_routes.py) with msgspec messages, neither of
which FastAPI documents, so their operations and schemas are written here from the same
protocol definitions: schemathesis and any client generator see them in full.
"""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import FastAPI

from hub.errors import ERROR_STATUSES
from sync.protocol import (
    EXCEPTIONS_PATH,
    HELLO_PATH,
    PROTOCOL_HEADER,
    PULL_PATH,
    PUSH_PATH,
    ErrorBody,
    HelloResponse,
    LineExceptionsRequest,
    LineExceptionsResponse,
    Message,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)

_REF = "#/components/schemas/{name}"

_CALLS: tuple[tuple[str, str, str, type[Message] | None, type[Message]], ...] = (
    (HELLO_PATH, "hello", "Who this token's station is", None, HelloResponse),
    (PUSH_PATH, "push", "Apply a batch of the station's outbox events", PushRequest, PushResponse),
    (
        PULL_PATH,
        "pull",
        "Reference-data changes after the station's cursor",
        PullRequest,
        PullResponse,
    ),
    (
        EXCEPTIONS_PATH,
        "line_exceptions",
        "The open exceptions of the station's work centers; which of those it asks are resolved",
        LineExceptionsRequest,
        LineExceptionsResponse,
    ),
)


def json_content(model: type[Message]) -> dict[str, Any]:
    """An OpenAPI `content` of one protocol message (its schema is in the components)."""
    return {"application/json": {"schema": {"$ref": _REF.format(name=model.__name__)}}}


def _operation(
    name: str, summary: str, request: type[Message] | None, response: type[Message]
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
            "200": {"description": "Successful Response", "content": json_content(response)},
            **{
                str(status): {"description": text, "content": json_content(ErrorBody)}
                for status, text in ERROR_STATUSES.items()
            },
        },
    }
    if request is not None:
        operation["requestBody"] = {"required": True, "content": json_content(request)}
    return operation


def document_station_calls(app: FastAPI) -> None:
    """Add the station calls and the protocol's messages to the document FastAPI makes."""
    generate = app.openapi
    models = {ErrorBody, *(model for call in _CALLS for model in call[3:] if model is not None)}
    _, components = msgspec.json.schema_components(
        sorted(models, key=lambda model: model.__name__), ref_template=_REF
    )

    def openapi() -> dict[str, Any]:
        document = generate()
        paths = document.setdefault("paths", {})
        sections = document.setdefault("components", {})
        sections.setdefault("securitySchemes", {}).setdefault(
            "HTTPBearer", {"type": "http", "scheme": "bearer"}
        )
        for name, schema in components.items():
            sections.setdefault("schemas", {}).setdefault(name, schema)
        for path, name, summary, request, response in _CALLS:
            paths.setdefault(path, {"post": _operation(name, summary, request, response)})
        return document

    app.openapi = openapi  # type: ignore[method-assign]
