"""Models of the ground floor: the outbox of side effects, the ledger of e-mails sent, audit trails."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    GAVE_UP = "gave_up", _("Given up")


class OutboxMessage(models.Model):
    """A side effect (a Celery task) recorded in the transaction of the write that causes it (发件箱).

    Published after the commit; a broker or mail outage leaves it pending and the sweep
    tries again later with growing pauses, up to ``OUTBOX_MAX_ATTEMPTS`` (see ``core.outbox``).
    """

    task = models.CharField(_("task"), max_length=200, help_text=_("Dotted name of the Celery task."))
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ("-created_at", "-pk")
        indexes = [
            # The sweep reads only what waits; sent rows pile up until they are pruned.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="core_outbox_pending_due",
            ),
            models.Index(fields=["status", "created_at"], name="core_outbox_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.task}({', '.join(map(str, self.args))}) {self.get_status_display()}"


class SentMail(models.Model):
    """The ledger of e-mails sent (邮件发送记录): one row per message key, so a message leaves once.

    Keys name the message, not the address (``fulfilment:12:shipped:buyer``); the row is
    written in the transaction that sends it, so a failed send leaves no row and a retry sends it.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
        ordering = ("-sent_at", "-pk")

    def __str__(self) -> str:
        return self.key


class AuditEvent(models.Model):
    """One step in the life of something, who took it and when: the shape of every audit trail (审计记录).

    A subclass adds the foreign key to what the trail is about and declares ``action`` with
    its own ``Action`` choices; rows are only ever added. Trails: a cooperative application's
    review (``partners.ApplicationEvent``), a fulfilment (``fulfilment.FulfilmentEvent``),
    views of a job seeker's mobile number (``labor.PhoneAccess``).
    """

    action = models.CharField(_("action"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ("created_at", "pk")
