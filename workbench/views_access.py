"""Views declare the permission they need as data; this one mechanism enforces it.

A view sets `permission` (a codename on the scoping model) and `access_function` (the model's
access function from its app's selectors); the object is fetched through it before the handler
runs, so "missing" and "not allowed" give the same 404. A view whose address both reads and
writes sets `write_permission` too: the methods that change something need it instead.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import View
from rest_framework.permissions import SAFE_METHODS
from rest_framework.views import APIView


class _ScopedObject:
    access_function: ClassVar[Callable[..., Any]]
    permission: ClassVar[str]
    write_permission: ClassVar[str | None] = None
    url_kwarg: ClassVar[str] = "pk"
    scoped_object: Any

    def required_permission(self, request) -> str:
        """The permission this request needs. A view whose permission depends on what is
        posted (a sign-off: the task's own permission, from the task table) overrides this."""
        if request.method not in SAFE_METHODS and self.write_permission:
            return self.write_permission
        return self.permission

    def load_scoped_object(self, request, kwargs) -> None:
        self.scoped_object = type(self).access_function(
            request.user, kwargs[self.url_kwarg], perm=self.required_permission(request)
        )


class ScopedView(LoginRequiredMixin, _ScopedObject, View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load_scoped_object(request, kwargs)
        return super().dispatch(request, *args, **kwargs)


class ScopedApiView(_ScopedObject, APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and IsAuthenticated first
        self.load_scoped_object(request, kwargs)
