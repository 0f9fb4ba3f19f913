"""Job seekers' applications to labor posts (求职报名) and the log of who saw their mobile numbers (查看记录).

A job seeker's data is personal information (个人信息保护法): the application keeps the fewest
fields, records the consent given, shows the mobile number masked everywhere, and is anonymised
when the applicant asks or the retention period after the post closed has passed. Counts and
outcomes stay for the statistics; the access log stays whatever happens to the application.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.identifiers import mobile_mask
from core.models import AuditEvent


class ApplicationStatus(models.TextChoices):
    """Outcome of an application, as the employer or platform staff record it (就业结果)."""

    NEW = "new", _("New, not contacted yet")
    CONTACTED = "contacted", _("Contacted")
    HIRED = "hired", _("Hired")
    RETAINED = "retained", _("Retained after three months")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


class JobApplication(models.Model):
    """A job seeker's application to one labor post (求职报名); no account needed.

    One per post and mobile number: applying again updates the existing one (the
    constraint leaves anonymised applications out, so a person may apply afresh).
    """

    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    post = models.ForeignKey(
        "cms.LaborPostPage", verbose_name=_("labor post"), on_delete=models.PROTECT, related_name="applications"
    )
    name = models.CharField(_("name"), max_length=32, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True)
    home_county = models.ForeignKey(
        "partner.County",
        verbose_name=_("home county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="job_applications",
    )
    poverty_alleviated = models.BooleanField(_("poverty-alleviated worker"), default=False)  # 脱贫劳动力
    low_income = models.BooleanField(_("member of a rural low-income household"), default=False)  # 农村低收入人口
    consent_version = models.CharField(_("version of the consent text"), max_length=20)
    consented_at = models.DateTimeField(_("consent given at"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("outcome"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.NEW, db_index=True
    )
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    hired_at = models.DateTimeField(_("hired at"), null=True, blank=True)
    retained_at = models.DateTimeField(_("retention confirmed at"), null=True, blank=True)
    not_suitable_at = models.DateTimeField(_("marked not suitable at"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    anonymised_at = models.DateTimeField(_("personal data deleted at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("job application")
        verbose_name_plural = _("job applications")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "mobile"],
                condition=~Q(mobile=""),
                name="job_application_one_per_post_and_mobile",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True) | Q(name="", mobile=""),
                name="job_application_anonymised_has_no_personal_data",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=False) | ~Q(mobile=""),
                name="job_application_has_mobile_until_anonymised",
            ),
            # One declared group: 脱贫劳动力 or 农村低收入人口 (the statistics count each person once).
            models.CheckConstraint(
                condition=~Q(poverty_alleviated=True, low_income=True),
                name="job_application_one_target_group",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def masked_mobile(self) -> str:
        return mobile_mask(self.mobile)

    @property
    def target_group_label(self) -> str:
        """The group the applicant declared: 脱贫劳动力, 农村低收入人口 or neither."""
        if self.poverty_alleviated:
            return str(_("Poverty-alleviated worker"))
        if self.low_income:
            return str(_("Rural low-income household"))
        return str(_("Neither"))

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


class PhoneAccess(AuditEvent):
    """One view of a job seeker's full mobile number (查看记录): who (``actor``), when, how (``action``).

    Kept when the application is anonymised or deleted: the reference number and the
    viewer's e-mail stay.
    """

    class Action(models.TextChoices):
        REVEAL = "reveal", _("Shown on screen")
        EXPORT = "export", _("Exported")

    application = models.ForeignKey(
        JobApplication,
        verbose_name=_("job application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="phone_accesses",
    )
    reference = models.CharField(_("reference number"), max_length=20, db_index=True)
    viewer_email = models.EmailField(_("e-mail of the viewer"), blank=True)
    action = models.CharField(_("how"), max_length=10, choices=Action.choices, default=Action.REVEAL)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("mobile number access")
        verbose_name_plural = _("mobile number accesses")

    def __str__(self) -> str:
        return f"{self.reference} {self.viewer_email} {self.get_action_display()}"
