from django.urls import path

from . import views

urlpatterns = [
    path("tokens/", views.tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="api_token_revoke"),
]
