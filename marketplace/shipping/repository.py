from oscar.apps.shipping import repository

from marketplace.shipping.methods import PerCooperativeShipping


class Repository(repository.Repository):
    methods = (PerCooperativeShipping(),)
