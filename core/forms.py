"""Form helpers every app's forms share, with the partials that render them.

Render a field with ``{% include "core/forms/field.html" %}`` and a form's problems, linked
to their fields, with ``{% include "core/forms/errors.html" %}``; forms that mix in
``AccessibleErrorsMixin`` tell assistive technology which fields are wrong and why.
"""

from django import forms
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

    @classmethod
    def from_request(cls, request):
        """Bound to what was posted, or empty with the reference a link carried (``?reference=``)."""
        if request.method == "POST":
            return cls(request.POST)
        return cls(initial={"reference": request.GET.get("reference", "")[:20]})
