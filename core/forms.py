"""Form helpers every app's forms share, with the partials that render them.

Render a field with ``{% include "core/forms/field.html" %}`` and a form's problems, linked
to their fields, with ``{% include "core/forms/errors.html" %}``; forms that mix in
``AccessibleErrorsMixin`` tell assistive technology which fields are wrong and why.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class AccessibleErrorsMixin:
    """Marks fields with errors for assistive technology and Bootstrap (aria-invalid, is-invalid)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            described = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            attrs["aria-describedby"] = " ".join(described)
            attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` next to the form's fields; errors of fields the form
    does not have, and errors without a field, go on top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ReferenceLookupForm(AccessibleErrorsMixin, forms.Form):
    """A reference number typed back (``core.identifiers``) with what only its owner knows, declared by
    the subclass; ``reference_help_text`` shows what the reference looks like."""

    reference_help_text = ""

    reference = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].help_text = self.reference_help_text

    @staticmethod
    def proof_field(label, *, max_length: int, attrs: dict) -> forms.CharField:
        """The second field of a lookup: what the applicant gave in the application."""
        return forms.CharField(
            label=label,
            max_length=max_length,
            help_text=_("The one given in the application."),
            widget=forms.TextInput(attrs=attrs),
        )

    @classmethod
    def from_request(cls, request):
        """Bound to what was posted, or empty with the reference a link carried (``?reference=``)."""
        if request.method == "POST":
            return cls(request.POST)
        return cls(initial={"reference": request.GET.get("reference", "")[:20]})
