from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from kinlink.core import crypto


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by administrators; nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are encrypted with the field keys, like other sensitive data."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        if encrypted_text.startswith(crypto.PREFIX):
            return crypto.decrypt(encrypted_text)
        return encrypted_text
