"""The Assess API's views reach their object through its access function like every other:
with `write_permission` set, the methods that change something need it instead of
`permission` (the same 404 for everybody else), so that one address reads and writes."""

from typing import ClassVar

from rest_framework import status
from rest_framework.response import Response

from workbench.views_access import ScopedApiView

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class AssessApiView(ScopedApiView):
    write_permission: ClassVar[str | None] = None

    def load_scoped_object(self, request, kwargs) -> None:
        perm = self.permission
        if request.method not in SAFE_METHODS and self.write_permission:
            perm = self.write_permission
        self.scoped_object = type(self).access_function(
            request.user, kwargs[self.url_kwarg], perm=perm
        )


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
