"""Demo data for Kinlink: ``load()`` builds a small multi-country world through the services."""

from .agencies import DEMO_PASSWORD
from .loader import DEFAULT_SEED, DemoLogin, DemoResult, load, stored_totp_secret

__all__ = [
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoResult",
    "load",
    "stored_totp_secret",
]
