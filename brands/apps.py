from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandsConfig(AppConfig):
    """Regional brands stand between the cooperatives (partners) and the catalogue (products).

    A geographical indication (地理标志) belongs to a region and its registered holder, not
    to one company: cooperatives of the region use it under an authorisation (授权使用).
    """

    name = "brands"
    label = "brands"
    verbose_name = _("Regional brands")

    def ready(self):
        from brands.models import BrandAuthorisation, RegionalBrand
        from core.files import remove_files_with_rows

        # A deleted brand or authorisation (the admin, a cascade) takes its evidence along, after commit.
        remove_files_with_rows(RegionalBrand, BrandAuthorisation)
