"""One error envelope for every API error: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            fields = exc.message_dict
        else:
            fields = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        body = {"code": "invalid", "message": "The request has invalid fields.", "fields": fields}
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        body = {"code": getattr(exc, "default_code", "error"), "message": str(detail), "fields": {}}
    return Response(
        {"error": body},
        status=response.status_code or status.HTTP_400_BAD_REQUEST,
        headers=response.headers if hasattr(response, "headers") else None,
    )
