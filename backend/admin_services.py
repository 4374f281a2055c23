"""Admin pages that write through the services, never through the model form's own save.

A ``ModelAdmin`` mixing in ``SavesThroughServices`` names the fields its service takes and
implements ``service_create`` and ``service_update``; the service checks the user's
permissions again, so a forged POST is refused where the state changes, not only by what the
page shows. Many-to-many fields are the service's to save too.
"""

from collections.abc import Collection
from typing import Any

from django.db.models import Model
from django.http import HttpRequest


class SavesThroughServices:
    service_fields: Collection[str] = ()

    def service_create(self, request: HttpRequest, fields: dict[str, Any]) -> Model:
        raise NotImplementedError

    def service_update(self, request: HttpRequest, obj: Any, changes: dict[str, Any]) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = {name: value for name, value in form.cleaned_data.items() if name in self.service_fields}
        if change:
            self.service_update(request, obj, {name: fields[name] for name in form.changed_data if name in fields})
            return
        created = self.service_create(request, fields)
        # The admin goes on with the form's instance (messages, redirects): make it the saved row.
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service saved the form's many-to-many fields with the row; inlines are saved as usual."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)  # type: ignore[attr-defined]
