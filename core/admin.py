"""Django admin: the outbox (what waits after an outage, what was given up) and the e-mail ledger."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.models import OutboxMessage, SentMail
from core.outbox import outbox_send_again


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "task", "args", "status", "attempts", "next_attempt_at", "sent_at", "short_error")
    list_filter = ("status", "task")
    search_fields = ("task",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    actions = ("send_again",)

    @admin.display(description=_("last error"))
    def short_error(self, message: OutboxMessage) -> str:
        return message.last_error[:80]

    @admin.action(description=_("Send again now"), permissions=["change"])
    def send_again(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        sent = outbox_send_again(message_ids=ids)
        self.message_user(
            request,
            ngettext("%(sent)d of %(count)d message sent.", "%(sent)d of %(count)d messages sent.", len(ids))
            % {"sent": sent, "count": len(ids)},
            messages.SUCCESS if sent == len(ids) else messages.WARNING,
        )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SentMail)
class SentMailAdmin(admin.ModelAdmin):
    list_display = ("key", "sent_at")
    search_fields = ("key",)
    date_hierarchy = "sent_at"
    readonly_fields = ("key", "sent_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
