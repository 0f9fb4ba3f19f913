"""Who sees the cooperative entries of Oscar's dashboard menu (kept free of model imports:
settings import it)."""


def cooperative_or_staff(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return user.is_staff or user.has_perm("partner.dashboard_access")


def staff_only(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return user.is_staff
