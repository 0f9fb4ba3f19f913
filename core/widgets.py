"""Form widgets shared by every app."""

import posixpath

from django import forms
from django.utils.translation import gettext_lazy as _


class PrivateFileInput(forms.ClearableFileInput):
    """A file input for files without a public URL (licences, certificate scans, import files).

    Django's own file widgets ask the storage for the file's URL, which private storage
    refuses (the page would be an error). This one shows the stored file's name, linked to
    ``download_url`` — the permission-checked view the form is given — or unlinked without one.
    """

    template_name = "core/widgets/private_file_input.html"
    initial_text = _("Current file")
    input_text = _("Replace it")
    clear_checkbox_label = _("Remove the file")

    def __init__(self, attrs=None, *, download_url: str | None = None):
        super().__init__(attrs)
        self.download_url = download_url

    def is_initial(self, value) -> bool:
        return bool(value and getattr(value, "name", None) and not hasattr(value, "content_type"))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["file_name"] = posixpath.basename(value.name)
            context["widget"]["download_url"] = self.download_url
        return context
