"""Errors in the shape every SP-API model shares: ``{"errors": [Error]}``."""

from typing import Any


class ApiError(Exception):
    """Raised by handlers; the server turns it into an ErrorList response."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"errors": [error]}


def invalid_input(message: str, details: str | None = None) -> ApiError:
    return ApiError(400, "InvalidInput", message, details)


def not_found(message: str = "The resource specified does not exist.") -> ApiError:
    return ApiError(404, "NotFound", message)


def quota_exceeded() -> ApiError:
    return ApiError(
        429, "QuotaExceeded", "You exceeded your quota for the requested resource."
    )


def unauthorized(details: str) -> ApiError:
    return ApiError(
        403, "Unauthorized", "Access to requested resource is denied.", details
    )
