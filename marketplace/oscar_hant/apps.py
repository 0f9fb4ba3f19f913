from django.apps import AppConfig


class OscarHantConfig(AppConfig):
    """Ships Oscar's Traditional Chinese catalogue, merged from zh_Hant, zh_TW and zh_HK.

    Listed last in INSTALLED_APPS so it only fills strings nobody else translates.
    """

    name = "marketplace.oscar_hant"
    label = "oscar_hant"
