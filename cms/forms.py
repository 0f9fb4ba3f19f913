"""Forms of the public CMS pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import GUANGDONG_CITIES, LaborPostKind, Sector

#: Monthly pay steps offered in the jobs filter (CNY); any other whole amount in the URL works too.
PAY_STEPS = (3000, 4000, 5000, 6000, 8000, 10000)
MAX_PAY = 1_000_000


class LaborPostFilterForm(forms.Form):
    """Filters of the jobs list (岗位筛选), read from the query string.

    A wrong value is ignored rather than refused: the list shows what the other filters match.
    Every filter is a plain select, so the form works without JavaScript and with large
    touch targets on a phone.
    """

    home_county = forms.TypedChoiceField(
        label=_("Near my home county"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Jobs in your county come first, then those in your prefecture."),
    )
    city = forms.ChoiceField(label=_("Place of work"), required=False)
    kind = forms.ChoiceField(label=_("Kind of job"), required=False)
    key_counties = forms.BooleanField(label=_("Only jobs in key-assistance counties"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    pay = forms.IntegerField(label=_("Monthly pay can reach"), required=False, min_value=1, max_value=MAX_PAY)
    lodging = forms.ChoiceField(label=_("Board and lodging"), required=False)
    target = forms.ChoiceField(label=_("Open to"), required=False)
    campaign = forms.TypedChoiceField(label=_("Campaign"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, campaigns: list[tuple[int, str]], counties=(), **kwargs):
        if data is not None and data.get("lodging") == "1":
            # The value of the earlier "lodging provided" checkbox, kept for links already shared.
            data = data.copy()
            data["lodging"] = "lodging"
        super().__init__(data, **kwargs)
        from cms.selectors import ALL_GUANGDONG, ALL_GUANGXI
        from partners.selectors import counties_grouped_by_prefecture

        self._counties = {county.pk: county for county in counties}
        grouped = counties_grouped_by_prefecture(counties)
        self.fields["home_county"].choices = [("", _("Not chosen")), *grouped]
        self.fields["city"].choices = [
            ("", _("Guangdong and Guangxi")),
            (_("Guangdong"), [(ALL_GUANGDONG, _("All of Guangdong")), *[(city, city) for city in GUANGDONG_CITIES]]),
            (
                _("Guangxi, near home"),
                [(ALL_GUANGXI, _("All of Guangxi")), *[(prefecture, prefecture) for prefecture, _c in grouped]],
            ),
        ]
        self.fields["kind"].choices = [("", _("All kinds")), *LaborPostKind.choices]
        self.fields["sector"].choices = [("", _("All sectors")), *Sector.choices]
        self.fields["pay"].widget = forms.Select(
            choices=[("", _("Any pay"))]
            + [(step, _("¥%(amount)s or more") % {"amount": f"{step:,}"}) for step in self._pay_steps(data)]
        )
        self.fields["lodging"].choices = [
            ("", _("Any")),
            ("lodging", _("Lodging provided")),
            ("both", _("Board and lodging provided")),
        ]
        self.fields["target"].choices = [
            ("", _("Everyone")),
            ("poverty_alleviated", _("Poverty-alleviated workers")),
            ("low_income", _("Rural low-income people")),
        ]
        self.fields["campaign"].choices = [("", _("All campaigns")), *campaigns]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-check-input" if name == "key_counties" else "form-control"

    @staticmethod
    def _pay_steps(data) -> list[int]:
        """The usual steps, and the amount asked for in the URL if it is not one of them."""
        steps = set(PAY_STEPS)
        raw = (data or {}).get("pay") or ""
        if raw.isdigit() and 0 < int(raw) <= MAX_PAY:
            steps.add(int(raw))
        return sorted(steps)

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of ``selectors.open_labor_posts_matching``."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "city": data.get("city") or "",
            "home_county": self._counties.get(data.get("home_county")),
            "kind": data.get("kind") or "",
            "key_counties": bool(data.get("key_counties")),
            "sector": data.get("sector") or "",
            "min_monthly_pay": data.get("pay"),
            "lodging": data.get("lodging") or "",
            "target": data.get("target") or "",
            "campaign": data.get("campaign"),
        }


class ProjectFilterForm(forms.Form):
    """Filters of the cooperation project index (协作项目筛选), read from the query string.

    As on the jobs list, a wrong value is ignored rather than refused. ``year`` keeps the
    projects running at some time in that year; ``county`` is an assisted county's id.
    """

    form = forms.ChoiceField(label=_("Form of cooperation"), required=False)
    county = forms.TypedChoiceField(label=_("County"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, counties, years: list[int], **kwargs):
        from cms.models import CooperationForm, ProjectStatus

        super().__init__(data, **kwargs)
        self.fields["form"].choices = [("", _("All forms")), *CooperationForm.choices]
        self.fields["county"].choices = [("", _("All counties")), *counties]
        self.fields["status"].choices = [("", _("Any")), *ProjectStatus.choices]
        self.fields["year"].choices = [("", _("Any year"))] + [(year, str(year)) for year in years]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of ``selectors.live_projects_matching``."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "cooperation_form": data.get("form") or "",
            "county": data.get("county"),
            "status": data.get("status") or "",
            "year": data.get("year"),
        }
