"""OpenAPI pieces shared by every endpoint: the problem+json body and the paginated list wrapper."""

from functools import cache
from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

# Built inline: a serializer *field* named "errors" would shadow Serializer.errors.
ProblemSerializer = inline_serializer(
    name="Problem",
    fields={
        "type": serializers.CharField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "code": serializers.CharField(required=False),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="For a 400: the messages for each bad field or parameter.",
        ),
    },
)


def _problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ProblemSerializer, description=description)


PROBLEM_CONTENT_TYPE = "application/problem+json"

PROBLEM_DESCRIPTIONS = {
    400: "A bad parameter or body.",
    401: "Missing or malformed credentials.",
    404: "Not found or not published.",
    409: "The request conflicts with the current state.",
    413: "The body is too large.",
    415: "The body is not JSON.",
    429: "Too many requests; see Retry-After.",
}


def problems(*statuses: int) -> dict[int | tuple[int, str], OpenApiResponse]:
    """Responses for ``statuses``, each an ``application/problem+json`` body."""
    return {(status, PROBLEM_CONTENT_TYPE): _problem(PROBLEM_DESCRIPTIONS[status]) for status in statuses}


PROBLEM_RESPONSES = problems(400, 404, 429)
WRITE_PROBLEM_RESPONSES = problems(400, 404, 413, 415, 429)


@cache
def paginated(item: type[serializers.Serializer[Any]]) -> type[serializers.Serializer[Any]]:
    """A ``{"next", "previous", "results"}`` page of ``item``, named for the schema."""
    name = item.__name__.removesuffix("Serializer")
    return type(
        f"Paginated{name}ListSerializer",
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )
