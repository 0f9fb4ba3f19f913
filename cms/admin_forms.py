"""Wagtail edit forms of CMS pages.

Imported by ``cms.models`` (as ``base_form_class``), so models are reached lazily here.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class LaborPostPageForm(WagtailAdminPageForm):
    """Edit form of a job post: an employer's account (用人单位) posts only for its own employers.

    Staff and editors keep the employer chooser over every employer; anyone else gets a
    plain list of the employers they belong to, and a post for any other is refused.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cms import selectors

        field = self.fields.get("employer")
        if field is None or self.for_user is None or selectors.may_post_for_any_employer(self.for_user):
            return
        field.queryset = selectors.employers_for_user(self.for_user)
        field.error_messages["invalid_choice"] = _("You can only post jobs for an employer you belong to.")
        field.widget = forms.Select()
        field.widget.choices = field.choices
        if not self.instance.employer_id and not self.is_bound:
            own = list(field.queryset.values_list("pk", flat=True)[:2])
            if len(own) == 1:
                self.initial["employer"] = own[0]
