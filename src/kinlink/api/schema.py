"""OpenAPI helpers: the error envelope on every operation, closed request objects."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from .serializers import ErrorEnvelopeSerializer, StrictSerializer

_ERROR_TEXT = {
    400: "Invalid input: `error.fields` names each bad field. Nothing was changed.",
    401: "No or invalid credentials (send `Authorization: Token <key>`).",
    403: "Your role may not use this endpoint.",
    404: "No such record in your scope (or the id is malformed).",
    415: "The body is not of the documented media type (or a multipart body is malformed).",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses (the envelope) for ``codes``; 401 and 403 always."""
    wanted = sorted({401, 403, *codes})
    return {
        code: OpenApiResponse(ErrorEnvelopeSerializer, description=_ERROR_TEXT[code])
        for code in wanted
    }


def uuid_path(name: str, what: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, type={"type": "string", "format": "uuid"}, location="path", description=what
    )


class KinlinkAutoSchema(AutoSchema):
    """Request objects of strict serializers refuse unknown properties, as the views do."""

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        result = super()._map_serializer(serializer, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(serializer, StrictSerializer)
            and result.get("type") == "object"
        ):
            result["additionalProperties"] = False
        return result
