"""What is waiting for platform staff, for their dashboard: applications to review, certificates to verify."""

from django import template

from core.access import is_platform_staff
from partners.certifications import certificates_awaiting_verification
from partners.models import ApplicationStatus, CooperativeApplication

register = template.Library()


@register.inclusion_tag("partners/staff_queues.html", takes_context=True)
def staff_queues(context):
    request = context.get("request")
    if request is None or not is_platform_staff(request.user):
        return {"show": False}
    return {
        "show": True,
        "applications": CooperativeApplication.objects.filter(status=ApplicationStatus.RECOMMENDED).count(),
        "certificates": certificates_awaiting_verification().count(),
    }
