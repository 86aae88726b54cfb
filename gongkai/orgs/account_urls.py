"""Staff account pages, mounted at /accounts/ (gongkai.orgs.account_pages). The names stay
global ("login", "logout"), as settings.LOGIN_URL and Django's admin expect."""

from django.contrib.auth import views as auth_views
from django.urls import path

from gongkai.orgs import account_pages

urlpatterns = [
    path("login/", account_pages.StaffLoginView.as_view(), name="login"),
    path("login/code/", account_pages.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", account_pages.account_home, name="account_home"),
    path("password/", account_pages.PasswordChangeView.as_view(), name="password_change"),
    path("authenticator/", account_pages.authenticator, name="account_authenticator"),
    path("staff/", account_pages.account_list, name="account_list"),
    path(
        "staff/<int:pk>/reset-password/",
        account_pages.account_reset_password,
        name="account_reset_password",
    ),
    path(
        "staff/<int:pk>/remove-authenticator/",
        account_pages.account_remove_authenticator,
        name="account_remove_authenticator",
    ),
]
