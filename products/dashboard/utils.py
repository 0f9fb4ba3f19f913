"""Which products a cooperative's people see and edit in Oscar's catalogue dashboard.

Oscar's rule is "a stock record of one of the user's partners"; ours adds that the partner is
active, so the people of a suspended cooperative cannot open or edit its products there either
(the meaning of ``partners.access.cooperatives_of``). Oscar's modules import the rule when they
load, so ``CatalogueDashboardConfig.ready`` points them at this one.
"""

from django.db.models import Q


def partner_product_visibility_q(user):
    own = {"stockrecords__partner__users__pk": user.pk, "stockrecords__partner__is_active": True}
    children = {f"children__{key}": value for key, value in own.items()}
    return Q(**children) | Q(**own)
