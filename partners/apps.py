import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    """Oscar partner fork: cooperatives, counties and certifications."""

    name = "partners"

    def ready(self):
        super().ready()
        from core.files import remove_files_with_rows
        from partners.models import Certification, CooperativeApplication

        # A deleted certificate or application (the admin, a cascade) takes its files along, after commit.
        remove_files_with_rows(Certification, CooperativeApplication)
