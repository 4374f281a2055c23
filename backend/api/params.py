"""Query-parameter plumbing: an unknown value is a 400 naming the parameter, never an empty list."""

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request


class LookupField(serializers.CharField):
    """A slug-like parameter resolved to a row; subclasses say how."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators = []  # the lookup is the validation; max_length is checked before it

    def clean_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if "\x00" in value:  # PostgreSQL text cannot hold NUL: the lookup would fail with a DataError
            raise serializers.ValidationError("Null characters are not allowed.")
        if self.max_length is not None and len(value) > self.max_length:
            raise serializers.ValidationError(f"At most {self.max_length} characters.")
        return value


def validated(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """Validate the query string, or raise a 400 naming each bad parameter."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
