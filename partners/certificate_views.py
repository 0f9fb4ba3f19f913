"""A cooperative's certificates: list with expiry warnings, add, edit, renew; staff verify.

A cooperative user sees and changes only its own cooperative's certificates; another
cooperative's certificate is a 404, never a 403 that would confirm it exists.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, View

from core.access import is_platform_staff, refuse
from core.files import generated_name, private_file_response
from core.forms import add_service_errors
from core.uploads import is_new_upload, validate_document
from core.widgets import PrivateFileInput
from partners import certifications
from partners.access import CooperativeMemberMixin
from partners.models import Certification, CertificationScheme

WARNING_DAYS = max(certifications.ALERT_DAYS)


class CertificatesMixin(CooperativeMemberMixin):
    refusal_message = _("Only cooperative staff can manage certificates.")

    def certificates(self):
        return certifications.certificates_for(self.request.user)


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["holder", "scheme", "number", "issuer", "valid_from", "valid_until", "scan"]
        widgets = {
            # A date input takes ISO dates only, whatever the language: else a renewal starts with empty dates.
            "valid_from": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "valid_until": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "scan": PrivateFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
        }

    def __init__(self, *args, cooperatives, scan_url: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        schemes = certifications.schemes_for_new_certificates()
        if self.instance.pk:  # a certificate of a scheme closed since keeps its scheme
            schemes = schemes | CertificationScheme.objects.filter(pk=self.instance.scheme_id)
        self.fields["scheme"].queryset = schemes
        self.fields["scheme"].label_from_instance = lambda scheme: scheme.display_name
        self.fields["scan"].widget.download_url = scan_url
        self.fields["holder"].queryset = cooperatives
        if cooperatives.count() == 1:
            self.fields["holder"].initial = cooperatives.first()
        self.fields["valid_until"].help_text = _("Leave empty to use the scheme's usual validity.")

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if is_new_upload(scan):
            scan.name = generated_name(validate_document(scan), prefix="certificate")
        return scan

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scheme") and cleaned.get("number"):
            draft = Certification(
                scheme=cleaned["scheme"],
                number=certifications.normalise_number(cleaned["number"]),
                valid_from=cleaned.get("valid_from"),
                valid_until=cleaned.get("valid_until"),
            )
            try:
                certifications.validate_certification(draft)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    if field in self.fields and field not in self.errors:
                        self.add_error(field, errors)
        return cleaned

    def _post_clean(self):
        # Model checks run in the service (certification_save), with the scheme's defaults filled in.
        pass


class CertificateListView(CertificatesMixin, ListView):
    template_name = "partners/certificates/list.html"
    context_object_name = "certificates"

    def get_queryset(self):
        return self.certificates().order_by("valid_until", "scheme")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for certificate in context["certificates"]:
            certificate.days_left = (certificate.valid_until - today).days if certificate.valid_until else None
            certificate.expiring = certificate.days_left is not None and 0 <= certificate.days_left <= WARNING_DAYS
            certificate.expired = certificate.days_left is not None and certificate.days_left < 0
        context["warning_days"] = WARNING_DAYS
        return context


class CertificateEditView(CertificatesMixin, FormView):
    template_name = "partners/certificates/form.html"
    form_class = CertificationForm

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_certificate"):
            self._certificate = get_object_or_404(self.certificates(), pk=self.kwargs["pk"])
        return self._certificate

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        certificate = self.get_object()
        kwargs["instance"] = certificate
        kwargs["cooperatives"] = self.cooperatives
        if certificate is not None and certificate.scan:
            kwargs["scan_url"] = reverse("cooperatives:certificate-scan", kwargs={"pk": certificate.pk})
        return kwargs

    def form_valid(self, form):
        certificate = form.instance
        for field, value in form.cleaned_data.items():
            if field == "scan":
                # None keeps the stored scan, False (the "remove" box) clears it, a file replaces it.
                Certification._meta.get_field("scan").save_form_data(certificate, value)
                continue
            setattr(certificate, field, value)
        try:
            certifications.certification_save(certification=certificate)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if certificate.verified:
            messages.success(self.request, _("Certificate saved."))
        else:
            messages.success(
                self.request,
                _("Certificate saved. Staff verify it against the issuer's register before buyers see its badge."),
            )
        return redirect("cooperatives:certificates")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certificate"] = self.get_object()
        return context


class CertificateQueueView(LoginRequiredMixin, ListView):
    """Staff's queue of certificates awaiting verification (待核验), oldest change first."""

    template_name = "partners/certificates/queue.html"
    context_object_name = "certificates"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_platform_staff(request.user):
            refuse(_("Only platform staff verify certificates."))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return certifications.certificates_awaiting_verification()


class CertificateVerifyView(LoginRequiredMixin, View):
    def post(self, request, pk):
        if not is_platform_staff(request.user):
            refuse(_("Only platform staff verify certificates."))
        certificate = get_object_or_404(Certification, pk=pk)
        certifications.certification_verify(certification=certificate, staff=request.user)
        messages.success(request, _("Certificate %(number)s verified.") % {"number": certificate.number})
        if request.POST.get("from") == "queue":
            return redirect("cooperatives:certificate-queue")
        return redirect("cooperatives:certificates")


class CertificateScanView(CertificatesMixin, View):
    """The scan, to its cooperative and staff only (media URLs are not listed anywhere)."""

    def get(self, request, pk):
        certificate = get_object_or_404(self.certificates(), pk=pk)
        return private_file_response(certificate.scan, filename_stem=f"certificate-{certificate.number}")
