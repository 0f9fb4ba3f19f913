"""Every Django admin list that offers a search answers one, for every model registered."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def searchable_admins():
    return sorted(
        (model._meta.app_label, model._meta.model_name)
        for model, model_admin in admin.site._registry.items()
        if model_admin.search_fields
    )


def test_the_project_has_searchable_admins():
    assert ("order", "order") in searchable_admins() and len(searchable_admins()) > 20


@pytest.mark.parametrize(("app_label", "model_name"), searchable_admins())
def test_a_search_answers(client, app_label, model_name):
    client.force_login(UserFactory(email="root@platform.example.cn", is_staff=True, is_superuser=True))

    response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"), {"q": "陈 138"})

    assert response.status_code == 200
