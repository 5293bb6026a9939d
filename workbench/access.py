"""One way to reach protected objects: django-guardian object permissions.

Every protected model has one access function (in its app's selectors) built on these helpers.
"Missing" and "not yours" give the same 404, and lists are filtered by the very same rule.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user


def objects_with_perm(user, perm: str, queryset: QuerySet) -> QuerySet:
    """Objects of `queryset` on which `user` holds `perm` ("app.codename") through guardian."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return queryset.none()
    if not user.is_active:
        return queryset.none()
    return get_objects_for_user(
        user, perm, queryset, accept_global_perms=False, with_superuser=True
    )


def get_or_404(queryset: QuerySet, **lookup) -> Model:
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Not found.") from exc
