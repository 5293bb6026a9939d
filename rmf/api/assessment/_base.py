"""What the Assess API's views share: the 409 answer to a conflict."""

from rest_framework import status
from rest_framework.response import Response


def conflict_response(conflict, **extra) -> Response:
    """409 with the saved values: nothing of the request was written."""
    body = {
        "detail": str(conflict),
        "current": _jsonable(conflict.current),
        "current_version": conflict.current_version,
        **extra,
    }
    return Response(body, status=status.HTTP_409_CONFLICT)


def _jsonable(values: dict) -> dict:
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in values.items()
    }
