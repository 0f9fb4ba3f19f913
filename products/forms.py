"""Forms of the catalogue pages outside Oscar's dashboard."""

from django import forms
from django.utils.translation import gettext_lazy as _

from products import imports
from products.models import ImportMode


class ProductImportForm(forms.Form):
    """Upload of a product file (CSV or XLSX) with an optional zip of pictures.

    The files are checked as a whole here (type by content, size, encoding, columns, zip
    members) so that a refused file is reported next to its field; rows are checked by
    the import task.
    """

    partner = forms.ModelChoiceField(queryset=None, label=_("Cooperative"), empty_label=_("Choose a cooperative"))
    source = forms.FileField(
        label=_("Product file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    images = forms.FileField(
        label=_("Pictures (zip, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    mode = forms.ChoiceField(
        label=_("If some rows are wrong"),
        choices=ImportMode.choices,
        initial=ImportMode.VALID_ROWS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, cooperatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].help_text = _(
            "CSV (UTF-8 or GBK) or Excel workbook (.xlsx), at most %(size)s MB and %(rows)s rows."
        ) % {"size": imports.MAX_FILE_BYTES // (1024 * 1024), "rows": imports.MAX_ROWS}
        self.fields["images"].help_text = _(
            "JPEG, PNG or WebP pictures named as in the picture column, at most %(size)s MB in all."
        ) % {"size": imports.MAX_ZIP_BYTES // (1024 * 1024)}
        self.fields["partner"].queryset = cooperatives
        self.single_cooperative = None
        choices = list(cooperatives[:2])
        if len(choices) == 1:
            # Nothing to choose: the user's own cooperative.
            self.single_cooperative = choices[0]
            del self.fields["partner"]

    def clean_source(self):
        upload = self.cleaned_data["source"]
        try:
            imports.check_file_size(upload.size)
            upload.seek(0)
            self.table = imports.read_table(upload.read())
        except imports.ImportFileError as error:
            raise error.as_validation_error() from None
        finally:
            upload.seek(0)
        return upload

    def clean_images(self):
        upload = self.cleaned_data.get("images")
        if not upload:
            return None
        try:
            imports.ImageArchive(upload, size=upload.size).close()
        except imports.ImportFileError as error:
            raise error.as_validation_error() from None
        upload.seek(0)
        return upload

    def cooperative(self):
        return self.single_cooperative or self.cleaned_data["partner"]
