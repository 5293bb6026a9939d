from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assets.selectors import membership_list_for_user


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@login_required
def home(request):
    memberships = membership_list_for_user(request.user)
    return render(request, "workbench/home.html", {"memberships": memberships})
