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

PROBLEM_RESPONSES: dict[int | tuple[int, str], OpenApiResponse] = {
    (400, PROBLEM_CONTENT_TYPE): _problem("A bad parameter."),
    (404, PROBLEM_CONTENT_TYPE): _problem("Not found or not published."),
    (429, PROBLEM_CONTENT_TYPE): _problem("Too many requests; see Retry-After."),
}


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
