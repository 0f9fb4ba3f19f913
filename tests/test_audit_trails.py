"""Every audit trail has one shape (core.models.AuditEvent): what happened, by whom, when, a note."""

import pytest
from django.apps import apps

from core.models import AuditEvent

TRAILS = {"partner.ApplicationEvent", "fulfilment.FulfilmentEvent", "labor.PhoneAccess"}


def test_each_trail_is_an_audit_event_and_keeps_its_own_actions():
    for label in TRAILS:
        model = apps.get_model(label)
        assert issubclass(model, AuditEvent), label
        names = {field.name for field in model._meta.get_fields()}
        assert {"action", "actor", "note", "created_at"} <= names, label
        assert model._meta.get_field("action").choices, label
        assert model._meta.get_field("actor").remote_field.on_delete.__name__ == "SET_NULL", label


def test_no_other_model_keeps_a_trail_of_its_own_shape():
    """A new trail subclasses AuditEvent: a model with an actor and an action outside it is a copy."""
    copies = [
        model._meta.label
        for model in apps.get_models()
        if {"actor", "action"} <= {field.name for field in model._meta.get_fields()}
        and not issubclass(model, AuditEvent)
    ]
    assert copies == []


@pytest.mark.django_db
def test_an_event_records_its_time_and_survives_its_actor():
    from labor.models import PhoneAccess
    from tests.factories import UserFactory

    viewer = UserFactory()
    access = PhoneAccess.objects.create(reference="BM20260101AB2C", actor=viewer, viewer_email=viewer.email)
    viewer.delete()
    access.refresh_from_db()
    assert access.actor is None and access.viewer_email and access.created_at is not None
    assert access.action == PhoneAccess.Action.REVEAL
