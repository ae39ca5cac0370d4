"""Public account URLs (under /accounts/): invitations, password reset, the second factor."""

from django.urls import path

from . import account_views as views
from . import second_factor_views

urlpatterns = [
    path("invitation/<uidb64>/<token>/", views.accept_invitation, name="accept_invitation"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("second-factor/", second_factor_views.verify, name="second_factor_verify"),
    path("second-factor/setup/", second_factor_views.setup, name="second_factor_setup"),
]
