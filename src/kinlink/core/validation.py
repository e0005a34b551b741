"""Small helpers services use to collect field errors before changing anything."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Errors = dict[str, list[str]]


def check_choice(errors: Errors, name: str, value, choices, *, blank: bool = False) -> None:
    """Add an error for ``name`` unless ``value`` is one of ``choices`` (a TextChoices)."""
    if blank and value in ("", None):
        return
    if value not in choices.values:
        errors.setdefault(name, []).append(_("Not a valid choice: %(v)s") % {"v": value})


def is_code(code, length: int = 2) -> bool:
    """``length`` letters: the shape of an ISO country (2) or language (2) code."""
    return isinstance(code, str) and len(code) == length and code.isalpha()


def check_codes(errors: Errors, name: str, codes, length: int) -> None:
    """Add an error for each code that is not ``length`` letters (ISO country/language)."""
    for code in codes:
        if not is_code(code, length):
            errors.setdefault(name, []).append(_("Not a valid code: %(v)s") % {"v": code})


def require_choice(name: str, value, choices) -> None:
    """Raise at once when ``value`` is not one of ``choices``."""
    errors: Errors = {}
    check_choice(errors, name, value, choices)
    if errors:
        raise ValidationError(errors)
