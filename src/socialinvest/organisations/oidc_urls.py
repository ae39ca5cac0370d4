"""Sign-in with the identity provider: out to the provider, and its answer back."""

from django.urls import path

from . import oidc

urlpatterns = [
    path("authenticate/", oidc.SignInView.as_view(), name="oidc_authentication_init"),
    path("callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
]
