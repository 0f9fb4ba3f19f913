"""Wagtail edit forms of CMS pages.

Imported by ``cms.models`` (as ``base_form_class``), so models are reached lazily here.
"""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from wagtail.admin.forms import WagtailAdminPageForm

from core.slugs import pinyin_slugify

#: Room left in Wagtail's 255 characters for a "-2" and for readable URLs.
SLUG_MAX_LENGTH = 100
#: The slug of a title with nothing to spell (only punctuation or emoji).
SLUG_FALLBACK = "page"


class PageForm(WagtailAdminPageForm):
    """Edit form of every page of ours: a pinyin slug when the editor gives none, errors where they look.

    ``WAGTAIL_ALLOW_UNICODE_SLUGS`` is off, so the admin's script strips a Chinese title to an
    empty slug (注塑操作工 → "") or to its Latin remnant (2026年春风行动 → "2026"). The slug is
    therefore optional here: left empty, or exactly what the script made of a Chinese title, it
    becomes the title in pinyin (``zhu-su-cao-zuo-gong``), numbered ``-2``, ``-3``… when a sibling
    has it. A slug the editor typed is kept (and Wagtail refuses it if a sibling has it). A stored
    slug is never rewritten unless the editor changes it, so published URLs stay put and a
    translated copy keeps its source's slug.

    An error on a field outside the first tab (a slug in use, a go-live time) is also named at the
    top of the form with its tab, so no one is stuck on a form whose only error is out of sight.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored_slug = self.instance.slug if self.instance.pk else ""
        slug = self.fields.get("slug")
        if slug is not None:
            slug.required = False
            slug.help_text = _(
                "The page's name in its web address. Leave it empty to use the title in pinyin "
                "(注塑操作工 → zhu-su-cao-zuo-gong)."
            )

    # ------------------------------------------------------------------ slug
    def clean(self):
        if "slug" in self.fields and "slug" not in self._errors:
            self.cleaned_data["slug"] = self._slug_to_save(self.cleaned_data.get("slug") or "")
        return super().clean()

    def _slug_to_save(self, slug: str) -> str:
        title = self.cleaned_data.get("title") or self.instance.title or ""
        if slug and slug == self._stored_slug:
            return slug
        if slug and not slug.isascii():  # typed without the admin's script: the same rule, in pinyin
            return self._unique_slug(pinyin_slugify(slug, max_length=SLUG_MAX_LENGTH, fallback=SLUG_FALLBACK))
        spelt = pinyin_slugify(title, max_length=SLUG_MAX_LENGTH, fallback=SLUG_FALLBACK)
        stripped = slugify(title)  # what the admin's script leaves of the title
        if not slug or (slug.strip("-_") == stripped and stripped != spelt):
            return self._unique_slug(spelt)
        return slug

    def _unique_slug(self, base: str) -> str:
        from wagtail.models import Page

        parent = self.parent_page or (self.instance.get_parent() if self.instance.path else None)
        if parent is None:
            return base
        candidate, number = base, 1
        while not Page._slug_is_available(candidate, parent, self.instance):
            number += 1
            candidate = f"{base}-{number}"
        return candidate

    # ------------------------------------------------------------------ errors on hidden tabs
    def full_clean(self):
        super().full_clean()
        if self.is_bound and self._errors:
            self._name_errors_on_other_tabs()

    def _name_errors_on_other_tabs(self) -> None:
        tabs = getattr(type(self.instance).get_edit_handler(), "children", [])[1:]
        separator = pgettext("list separator", ", ")
        for tab in tabs:
            names = [name for name in tab.get_form_options().get("fields", []) if name in self._errors]
            if names:
                labels = separator.join(str(self.fields[name].label) for name in names if name in self.fields)
                self.add_error(
                    None,
                    _("Please check the “%(tab)s” tab: %(fields)s.") % {"tab": tab.heading, "fields": labels},
                )


class LaborPostPageForm(PageForm):
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
            own = list(field.queryset.select_related("cooperative")[:2])
            if len(own) == 1:
                self.initial["employer"] = own[0].pk
                cooperative = own[0].cooperative
                if cooperative is not None:  # a cooperative's people post its seasonal work, in its county
                    from cms.models import LaborPostKind

                    self.initial["kind"] = LaborPostKind.COOPERATIVE_SEASONAL
                    if cooperative.county_id:
                        self.initial["work_county"] = cooperative.county_id
