"""The hub's refusals: an HTTP status with the protocol's error body."""

from __future__ import annotations

from typing import Any

from sync.protocol import ErrorBody, ErrorCode

# Every refusal the hub answers, for the OpenAPI document.
ERROR_STATUSES: dict[int, str] = {
    400: "Malformed request",
    401: "Missing or unknown token",
    403: "Not allowed for this token",
    409: "Protocol mismatch, or a station database waiting for an admin",
}


class HubError(Exception):
    def __init__(self, status: int, code: ErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.body = ErrorBody(error=code, detail=detail)


def validation_problem(errors: list[Any], where: tuple[str, ...]) -> str:
    """The first of pydantic's errors as one line: "body.cursor: Input should be ..."."""
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    return f"{'.'.join(str(part) for part in (*where, *first.get('loc', ())))}: {first.get('msg')}"
