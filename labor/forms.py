"""Forms of job applications: the job seeker's application and lookup, the employer's filters and outcomes.

They check what a person typed so errors appear next to the fields; the services check it
again and decide (a form never saves).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin, ReferenceLookupForm
from core.identifiers import mainland_mobile
from labor.models import ApplicationStatus
from partners.models import County
from partners.selectors import assisted_counties, counties_grouped_by_prefecture

MOBILE_WIDGET_ATTRS = {
    "type": "tel",
    "inputmode": "numeric",
    "autocomplete": "tel-national",
    "maxlength": "20",
    "placeholder": "138 0013 8000",
}
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
#: The support groups a job seeker may declare, one of them (the value "yes" is the poverty-alleviated worker's,
#: as in links and forms sent before the low-income group was added).
TARGET_GROUP_CHOICES = [
    ("yes", _("Poverty-alleviated worker (脱贫劳动力)")),
    ("low_income", _("Member of a rural low-income household (农村低收入人口)")),
    ("no", _("Neither")),
]


def consent_text() -> str:
    """The consent the job seeker gives (个人信息处理同意); its version is LABOR_CONSENT_VERSION."""
    return _(
        "I agree that the platform passes my name, mobile number, home county and whether I am a "
        "poverty-alleviated worker or a member of a rural low-income household to the employer of this job, "
        "so that they can contact me about it, and "
        "that the platform counts the outcome in its employment statistics. My name and number are "
        "deleted %(days)s days after the job post closes, or earlier when I ask."
    ) % {"days": settings.LABOR_APPLICATION_RETENTION_DAYS}


class ApplyForm(AccessibleErrorsMixin, forms.Form):
    """A job seeker's application (求职报名): few fields, no account."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("11 digits. The employer calls you on this number."),
        widget=forms.TextInput(attrs=MOBILE_WIDGET_ATTRS),
    )
    home_county = forms.ModelChoiceField(
        label=_("Home county (optional)"),
        required=False,
        queryset=County.objects.none(),
        help_text=_("If you come from an assisted county of Guangxi."),
    )
    poverty_alleviated = forms.ChoiceField(
        label=_("Do you belong to one of these groups?"),
        choices=TARGET_GROUP_CHOICES,
        widget=forms.RadioSelect,
        help_text=_(
            "Registered as lifted out of poverty, or as a rural low-income household. "
            "Some support (transport, subsidies) is for you."
        ),
    )
    consent = forms.BooleanField(
        label=_("I agree to this use of my personal information"),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_consent_helptext"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = assisted_counties()  # 帮扶县: the same list cooperatives register in
        self.fields["home_county"].queryset = counties
        self.fields["home_county"].choices = [("", _("Not given")), *counties_grouped_by_prefecture(counties)]
        self.fields["consent"].help_text = consent_text()  # shown above the box: the purpose, stated
        self.fields["consent"].error_messages["required"] = _("We can pass on your application only with your consent.")

    def clean_mobile(self) -> str:
        return mainland_mobile(self.cleaned_data["mobile"])

    def clean(self):
        cleaned = super().clean()
        group = cleaned.get("poverty_alleviated")
        if group is not None:
            cleaned["poverty_alleviated"] = group == "yes"
            cleaned["low_income"] = group == "low_income"
        return cleaned


class LookupForm(ReferenceLookupForm):
    """Reference number and mobile number: what a job seeker needs to see or delete their applications."""

    reference_help_text = _("As shown after you applied, e.g. BM20260101AB2C.")
    mobile = ReferenceLookupForm.proof_field(_("Mobile number"), max_length=20, attrs=MOBILE_WIDGET_ATTRS)

    def clean_mobile(self) -> str:
        try:
            return mainland_mobile(self.cleaned_data["mobile"])
        except ValidationError:
            return ""  # a wrong number is "not found", like a wrong reference


class ApplicationFilterForm(forms.Form):
    post = forms.TypedChoiceField(label=_("Job post"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("All outcomes")), *ApplicationStatus.choices]
    )

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [("", _("All posts")), *[(post.pk, post.title) for post in posts]]


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(choices=[(value, label) for value, label in ApplicationStatus.choices if value != "new"])


ALL_YEARS = "all"


class StatisticsFilterForm(forms.Form):
    """The year of the statistics (applications made that year); this year unless another is asked for."""

    year = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, data=None, *, years: list[int], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [(str(year), str(year)) for year in years] + [(ALL_YEARS, _("All years"))]
        self.fields["year"].widget.attrs["class"] = "form-control"
        self._this_year = years[0] if years else None

    def chosen_year(self) -> int | None:
        """The chosen year, None for all years; this year when nothing (or nothing valid) was chosen."""
        from django.utils import timezone

        this_year = timezone.localdate().year
        if not self.is_bound or not self.is_valid() or not self.cleaned_data.get("year"):
            return this_year
        value = self.cleaned_data["year"]
        return None if value == ALL_YEARS else int(value)
