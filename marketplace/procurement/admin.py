"""Staff-editable data of budget-unit procurement: jurisdictions, the published ratios and
deadlines (data, never constants), budget units with their people, and filings (read only: they
change through the portal's review, which keeps their history)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.procurement.models import (
    BudgetUnit,
    FilingDeadline,
    FilingEvent,
    Jurisdiction,
    Membership,
    ReservedShareFiling,
    ShareRatio,
)
from marketplace.procurement.units import unit_parent_check, unit_save


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "position")
    search_fields = ("code", "name", "name_en")
    ordering = ("position", "code")


@admin.register(ShareRatio)
class ShareRatioAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "year", "category", "minimum_ratio", "confidence", "source")
    list_filter = ("year", "jurisdiction", "category", "confidence")
    search_fields = ("source",)


@admin.register(FilingDeadline)
class FilingDeadlineAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "year", "deadline", "confidence")
    list_filter = ("year", "jurisdiction", "confidence")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "is_manager", "is_buyer", "is_approver", "is_finance", "contractor")


class BudgetUnitAdminForm(forms.ModelForm):
    """Refuses a supervising unit that would make a loop, with the service's message."""

    class Meta:
        model = BudgetUnit
        fields = (
            "name",
            "credit_code",
            "category",
            "jurisdiction",
            "city",
            "parent",
            "address",
            "is_active",
            "invoice_title",
            "tax_number",
            "registered_address",
            "registered_phone",
            "bank_name",
            "bank_account",
            "approval_threshold",
            "payment_mode",
            "payment_term_days",
        )

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        if parent is not None and self.instance.pk is not None:
            unit = BudgetUnit.objects.get(pk=self.instance.pk)
            try:
                unit_parent_check(unit, parent)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return cleaned


@admin.register(BudgetUnit)
class BudgetUnitAdmin(admin.ModelAdmin):
    """Units are saved through ``units.unit_save``: the hierarchy path follows the parent and no
    loop forms."""

    form = BudgetUnitAdminForm
    list_display = ("name", "credit_code", "category", "jurisdiction", "parent", "is_active")
    list_filter = ("category", "jurisdiction", "is_active")
    search_fields = ("name", "credit_code", "invoice_title", "tax_number")
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "created")
    inlines = [MembershipInline]
    fieldsets = (
        (
            None,
            {"fields": ("name", "credit_code", "category", "jurisdiction", "city", "parent", "address", "is_active")},
        ),
        (
            _("Invoice details"),
            {
                "fields": (
                    "invoice_title",
                    "tax_number",
                    "registered_address",
                    "registered_phone",
                    "bank_name",
                    "bank_account",
                )
            },
        ),
        (_("Orders and payment"), {"fields": ("approval_threshold", "payment_mode", "payment_term_days")}),
        (_("Hierarchy"), {"fields": ("path", "created")}),
    )

    def save_model(self, request, obj, form, change):
        unit_save(unit=obj)


class FilingEventInline(admin.TabularInline):
    model = FilingEvent
    extra = 0
    fields = ("created_at", "action", "actor", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReservedShareFiling)
class ReservedShareFilingAdmin(admin.ModelAdmin):
    """Read only: a filing changes through the unit's form and its review, which record events."""

    list_display = ("unit", "year", "status", "has_canteen", "canteen_food_total", "ratio", "reserved_amount")
    list_filter = ("year", "status", "has_canteen")
    search_fields = ("unit__name", "unit__credit_code")
    inlines = [FilingEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
