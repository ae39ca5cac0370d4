"""One-time links: an invitation's and a password reset's tokens are Django's, with their own salt.

The token hashes the user's password and last log-in, so it stops working once the
password is set; it expires after ``settings.PASSWORD_RESET_TIMEOUT``.  The separate salt
keeps an invitation link from serving as a reset link and the other way round.
"""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "socialinvest.organisations.tokens.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()
