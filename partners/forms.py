"""Forms of cooperative onboarding: the public application, the status lookup, the review steps.

They check what a person typed, so errors appear next to the fields; the services check it
all again and decide (a form never saves).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin, ReferenceLookupForm
from core.uploads import validate_document
from partners.models import ApplicationStatus, CooperativeApplication, County
from partners.selectors import assisted_counties, counties_grouped_by_prefecture
from partners.services import APPLICANT_FIELDS, validate_households_linked, validate_mainland_mobile
from partners.validators import normalise_credit_code, validate_credit_code, validate_credit_code_division

DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class ApplicationForm(AccessibleErrorsMixin, forms.ModelForm):
    """The public application to sell on the platform (入驻申请)."""

    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,  # room for spaces typed between groups; normalised to 18 characters
        help_text=_("18 characters, as printed on the business licence."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    county = forms.ModelChoiceField(
        label=_("Registered county"),
        queryset=County.objects.none(),
        help_text=_("The assisted county where the enterprise is registered."),
    )
    contact_phone = forms.CharField(
        label=_("Contact mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    households_linked = forms.IntegerField(
        label=_("Households linked"),
        help_text=_("Farming households who sell to you, work for you or share in your income."),
        validators=[validate_households_linked],
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    )
    sells_processed_food = forms.BooleanField(
        label=_("We sell processed food (a food production licence is needed)"),
        required=False,
    )
    business_licence = forms.FileField(
        label=_("Business licence"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    bank_licence = forms.FileField(
        label=_("Bank account licence"),
        help_text=_(
            "The account-opening licence (开户许可证) or the bank's proof of the account your sales are paid to. "
            "PDF, JPEG or PNG, at most 10 MB."
        ),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    food_licence = forms.FileField(
        label=_("Food production licence"),
        required=False,
        help_text=_("Required if you sell processed food. PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )

    class Meta:
        model = CooperativeApplication
        fields = (*APPLICANT_FIELDS, "business_licence", "bank_licence", "food_licence")
        labels = {
            "kind": _("Kind of applicant"),
            "name": _("Name as on the business licence"),
            "contact_name": _("Contact person"),
            "contact_email": _("Contact e-mail"),
            "farmer_linkage": _("How you link farmers"),
            "description": _("What you produce"),
        }
        help_texts = {
            "farmer_linkage": _("Farmer-linkage mechanism: guaranteed purchase, dividends, jobs, land rent, training…"),
            "description": _("Main products, yearly output, certificates."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "farmer_linkage": forms.Textarea(attrs={"rows": 4}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = assisted_counties()
        if self.instance.pk and self.instance.county_id:
            counties = counties | County.objects.filter(pk=self.instance.county_id)
        self.fields["county"].queryset = counties
        self.fields["county"].choices = [("", _("Choose the county")), *counties_grouped_by_prefecture(counties)]
        self.fields["kind"].choices = [choice for choice in self.fields["kind"].choices if choice[0]]

    def clean_credit_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code

    def clean_contact_phone(self) -> str:
        value = self.cleaned_data["contact_phone"]
        validate_mainland_mobile(value)
        return value

    def clean_business_licence(self):
        upload = self.cleaned_data.get("business_licence")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            validate_document(upload)
        return upload

    def clean_bank_licence(self):
        upload = self.cleaned_data.get("bank_licence")
        if upload and hasattr(upload, "content_type"):
            validate_document(upload)
        return upload

    def clean_food_licence(self):
        upload = self.cleaned_data.get("food_licence")
        if upload and hasattr(upload, "content_type"):
            validate_document(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        code, county = cleaned.get("credit_code"), cleaned.get("county")
        if code and county is not None:
            try:
                validate_credit_code_division(code, county)
            except forms.ValidationError as error:
                self.add_error("credit_code", error)
        needs_food_licence = cleaned.get("sells_processed_food") and "food_licence" not in self.errors
        if needs_food_licence and not cleaned.get("food_licence"):  # a new upload or the stored file
            self.add_error(
                "food_licence",
                forms.ValidationError(
                    _("Upload the food production licence: it is required to sell processed food."), code="required"
                ),
            )
        return cleaned

    def new_upload(self, name: str):
        """The file uploaded in this request for ``name`` (None when the stored one is kept)."""
        upload = self.cleaned_data.get(name)
        return upload if upload and hasattr(upload, "content_type") else None


class ResubmitForm(ApplicationForm):
    """The applicant's correction of a returned application, or the information asked for (补充材料)."""

    note = forms.CharField(
        label=_("What have you changed?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short note for the reviewer."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_licence"].required = False
        self.fields["business_licence"].help_text = _("Upload only to replace the current file. PDF, JPEG or PNG.")
        if self.instance.bank_licence:  # applications made before it was asked for have none
            self.fields["bank_licence"].required = False
            self.fields["bank_licence"].help_text = _("Upload only to replace the current file. PDF, JPEG or PNG.")
        self.fields["food_licence"].help_text = _("Upload only to add or replace it. PDF, JPEG or PNG.")
        if self.instance.status == ApplicationStatus.MORE_INFO:
            # The county has recommended it already: another county would need its own recommendation.
            self.fields["county"].disabled = True


class StatusLookupForm(ReferenceLookupForm):
    """Reference number and contact: what an applicant needs to see their application."""

    reference_help_text = _("As shown after you applied, e.g. SQ20250101AB2C.")
    contact = ReferenceLookupForm.proof_field(
        _("Contact mobile number or e-mail"), max_length=254, attrs={"autocomplete": "off"}
    )


class ReviewNoteForm(AccessibleErrorsMixin, forms.Form):
    """The note of a review step: a reason or request for the applicant, or an internal remark."""

    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ApplicationStatus.choices]
    )
    county = forms.ModelChoiceField(label=_("County"), required=False, queryset=County.objects.none(), empty_label=None)

    def __init__(self, *args, counties=None, **kwargs):
        super().__init__(*args, **kwargs)
        counties = counties if counties is not None else County.objects.none()
        self.fields["county"].queryset = counties
        self.fields["county"].choices = [("", _("All counties")), *counties_grouped_by_prefecture(counties)]
