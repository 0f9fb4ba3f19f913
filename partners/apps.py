import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    """Oscar partner fork: cooperatives, counties and certifications."""

    name = "partners"
