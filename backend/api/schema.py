"""OpenAPI pieces shared by every endpoint: the problem+json body, the paginated list wrapper and its
parameters, and the two things drf-spectacular cannot say from code (``postprocess_schema``)."""

from functools import cache
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from backend.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageParams

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


# A parameter marked with this vendor extension gets ``allowEmptyValue: true`` (``postprocess_schema``):
# drf-spectacular's OpenApiParameter has no argument for it.
ALLOW_EMPTY_VALUE = "x-newsline-allow-empty-value"

# Keyset.encode: URL-safe base64 of a small JSON document, padding stripped.
CURSOR_PATTERN = "^[A-Za-z0-9_-]+$"
_CURSOR_MAX_LENGTH: int = PageParams().fields["cursor"].max_length  # type: ignore[attr-defined]

PAGE_PARAMETERS = [
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
        description=f"1 to {MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}. Empty (page_size=) is the same as absent.",
        extensions={ALLOW_EMPTY_VALUE: True},
    ),
    OpenApiParameter(
        "cursor",
        {"type": "string", "pattern": CURSOR_PATTERN, "maxLength": _CURSOR_MAX_LENGTH},
        description=(
            "Opaque: a cursor this list handed out (in a page's next or previous link; /sync/: its `cursor`), "
            "passed back unchanged. Any other value is a 400 naming `cursor`. "
            "Empty (cursor=) is the same as absent: the first page."
        ),
        extensions={ALLOW_EMPTY_VALUE: True},
    ),
]
"""The query parameters of ``backend.api.pagination.paginate``, which reads them like a form: an empty
value is an absent one. (Parameters validated by ``backend.api.params.validated`` refuse empty values.)"""


class BoundedListAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus a list body's bounds: ``min_length``/``max_length`` of a
    ``ListSerializer`` (``Serializer(many=True, min_length=…, max_length=…)``) as ``minItems``/``maxItems``.

    Use it on a view whose request is such a list, passing the same bounds the view validates with.
    """

    def _unwrap_list_serializer(self, serializer: Any, direction: Any) -> dict[str, Any] | None:
        schema: dict[str, Any] | None = super()._unwrap_list_serializer(serializer, direction)
        if schema is not None and isinstance(serializer, serializers.ListSerializer):
            min_length, max_length = getattr(serializer, "min_length", None), getattr(serializer, "max_length", None)
            if min_length is not None:
                schema["minItems"] = min_length
            if max_length is not None:
                schema["maxItems"] = max_length
        return schema


def postprocess_schema(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS' postprocessing hook: turn ``ALLOW_EMPTY_VALUE`` marks into ``allowEmptyValue``."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.pop(ALLOW_EMPTY_VALUE, False):
                    parameter["allowEmptyValue"] = True
    return result
