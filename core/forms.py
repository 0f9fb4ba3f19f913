"""Form helpers every app's forms share, with the partials that render them.

Render a field with ``{% include "core/forms/field.html" %}`` and a form's problems, linked
to their fields, with ``{% include "core/forms/errors.html" %}``; forms that mix in
``AccessibleErrorsMixin`` tell assistive technology which fields are wrong and why.
"""


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
