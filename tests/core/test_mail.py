"""E-mail: plain text as typed, links to the public site, the recipient's language, sent once."""

import datetime
import importlib
import smtplib

import pytest
from django.contrib.sites.models import Site
from django.core import mail as django_mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from freezegun import freeze_time

from core.mail import Mail, absolute_url, recipient_language, send_once
from core.models import SentMail
from core.sites import site_domain_sync
from partners.certification_tasks import send_certification_alert_task, send_certification_alerts_task
from partners.models import CertificationAlert
from partners.tasks import send_application_emails_task
from tests.factories import CertificationFactory, CooperativeFactory, CountyFactory, UserFactory
from tests.fulfilment.builders import part, place_order, ship, two_cooperatives
from tests.fulfilment.helpers import buyer
from tests.partners.conftest import submit
from tests.partners.helpers import BAMA_DIVISION

pytestmark = pytest.mark.django_db
AWKWARD = '韦氏"绿源" & 子 <果业> 合作社'


class FlakyBackend(EmailBackend):
    """The in-memory backend, but the mail server drops the connection on the Nth message (once)."""

    fail_on: int | None = None
    seen = 0

    def send_messages(self, messages):
        FlakyBackend.seen += len(messages)
        if FlakyBackend.fail_on is not None and FlakyBackend.seen >= FlakyBackend.fail_on:
            FlakyBackend.fail_on = None
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def county():
    county = CountyFactory(name="巴马瑶族自治县", slug="bama", division_code=BAMA_DIVISION)
    county.officers.add(UserFactory(email="officer@bama.example.cn", preferred_language="en"))
    return county


def test_plain_text_arrives_as_typed(county, django_capture_on_commit_callbacks, mailoutbox):
    """Plain-text templates are not HTML: quotes, & and <> must not become &quot; &amp; &lt;."""
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(county, name=AWKWARD, contact_name='"阿明" & Co')
    applicant = next(message for message in mailoutbox if message.to == [application.contact_email])
    assert AWKWARD in applicant.body and '"阿明" & Co' in applicant.body
    assert "&quot;" not in applicant.body + applicant.subject and "&amp;" not in applicant.body

    data = two_cooperatives()
    data["a"].name = AWKWARD
    data["a"].save()
    order = place_order(buyer(email="canteen@school.example.cn", preferred_language="en"), [(data["pork"], 1)])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ship(part(order, data["a"]), data["a_user"], carrier='顺丰 "冷链" & 快运')
    [shipped] = mailoutbox
    assert shipped.subject == f"Order {order.number}: {AWKWARD} has shipped"
    assert '顺丰 "冷链" & 快运' in shipped.body and "&" + "quot;" not in shipped.body


def test_an_html_alternative_is_escaped_the_plain_text_is_not(settings, tmp_path):
    folder = tmp_path / "mailtest"
    folder.mkdir()
    (folder / "note_subject.txt").write_text("{{ name }}")
    (folder / "note_body.txt").write_text("Hello {{ name }}")
    (folder / "note_body.html").write_text("<p>Hello {{ name }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    message = Mail(key="t", to="a@b.cn", language="en", template="note", folder="mailtest", context={"name": AWKWARD})
    built = message.build()
    assert built.subject == AWKWARD and built.body == f"Hello {AWKWARD}"
    [(html, kind)] = built.alternatives
    assert kind == "text/html"
    assert html == "<p>Hello 韦氏&quot;绿源&quot; &amp; 子 &lt;果业&gt; 合作社</p>"


def test_a_retry_of_a_partly_sent_task_sends_no_duplicate(county, settings, django_capture_on_commit_callbacks):
    # given a step with two e-mails (the applicant, the county's officer) and a mail server
    # that drops the connection on the second one
    with django_capture_on_commit_callbacks(execute=False):
        application = submit(county)
    event = application.events.get()
    settings.EMAIL_BACKEND = "tests.core.test_mail.FlakyBackend"
    FlakyBackend.seen, FlakyBackend.fail_on = 0, 2

    # when the task runs, it sends the first and fails (Celery would retry it)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_application_emails_task(event.pk)
    assert [message.to for message in django_mail.outbox] == [[application.contact_email]]
    assert list(SentMail.objects.values_list("key", flat=True)) == [f"application-event:{event.pk}:applicant"]

    # then the retry sends only the second, and a later run sends nothing
    assert send_application_emails_task(event.pk) == 1
    assert send_application_emails_task(event.pk) == 0
    assert sorted(address for message in django_mail.outbox for address in message.to) == sorted(
        [application.contact_email, "officer@bama.example.cn"]
    )


def test_send_once_sends_a_key_once_and_keeps_no_row_when_sending_fails(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.core.test_mail.FlakyBackend"
    FlakyBackend.seen, FlakyBackend.fail_on = 0, 1
    note = Mail(key="note:1", to="a@b.cn", language="zh-hans", template="certificate_expiry", folder="partners/email")
    note.context = {"certificate": CertificationFactory(), "days": 7}
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_once(note)
    assert not SentMail.objects.exists()
    assert send_once(note) is True and send_once(note) is False
    assert len(django_mail.outbox) == 1


def test_links_point_at_the_public_site_address(settings, django_capture_on_commit_callbacks, mailoutbox):
    settings.SITE_URL = "https://yuegui.example.cn"
    assert absolute_url("/shop/") == "https://yuegui.example.cn/shop/"
    data = two_cooperatives()
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(buyer(email="canteen@school.example.cn"), [(data["pork"], 1)])
    confirmation = next(message for message in mailoutbox if message.to == ["canteen@school.example.cn"])
    assert f"https://yuegui.example.cn/shop/accounts/orders/{order.number}/" in confirmation.body
    assert "127.0.0.1" not in confirmation.body


def test_the_sites_row_follows_the_public_address(settings):
    Site.objects.filter(pk=settings.SITE_ID).update(domain="127.0.0.1:8000")  # as the migration sets it
    Site.objects.clear_cache()
    assert site_domain_sync(url="https://yuegui.example.cn") is True
    assert Site.objects.get_current().domain == "yuegui.example.cn"
    assert site_domain_sync(url="https://yuegui.example.cn") is False


def test_recipient_language_falls_back_to_simplified_chinese():
    assert recipient_language("en") == "en" and recipient_language("zh-hant") == "zh-hant"
    assert recipient_language("fr") == "zh-hans" and recipient_language(None) == "zh-hans"


def test_certificate_alerts_go_to_each_user_in_their_language_once(django_capture_on_commit_callbacks, mailoutbox):
    cooperative = CooperativeFactory()
    cooperative.users.add(UserFactory(email="a@coop.cn", preferred_language="en"))
    cooperative.users.add(UserFactory(email="b@coop.cn", preferred_language="zh-hans"))
    cooperative.users.add(UserFactory(email="left@coop.cn", is_active=False))
    today = datetime.date(2026, 5, 1)
    certificate = CertificationFactory(holder=cooperative, valid_from=today - datetime.timedelta(days=300))
    certificate.valid_until = today + datetime.timedelta(days=7)
    certificate.save()

    with freeze_time(today), django_capture_on_commit_callbacks(execute=True):
        assert send_certification_alerts_task() == 1
    assert sorted(address for message in mailoutbox for address in message.to) == ["a@coop.cn", "b@coop.cn"]
    english = next(message for message in mailoutbox if message.to == ["a@coop.cn"])
    assert english.subject == f"Green Food certificate {certificate.number} expires in 7 days"

    alert = CertificationAlert.objects.get()
    assert send_certification_alert_task(alert.pk) == 0  # again: nothing twice
    certificate.valid_until = today + datetime.timedelta(days=400)  # renewed meanwhile
    certificate.save()
    SentMail.objects.all().delete()
    assert send_certification_alert_task(alert.pk) == 0  # an alert about the old date is not sent


def test_the_order_emails_ledger_moves_to_the_core_ledger_without_resending():
    """The data migration's functions on the old table (created here inside the test's transaction,
    so nothing outlives it: a migration run back and forth would flush the kept test database)."""
    migration = importlib.import_module("marketplace.fulfilment.migrations.0003_sent_notifications_move_to_core_ledger")
    old_apps = (
        MigrationLoader(connection)
        .project_state([("fulfilment", "0002_shipping_methods_and_countries"), ("core", "0001_outbox_and_sent_mail")])
        .apps
    )
    SentNotification = old_apps.get_model("fulfilment", "SentNotification")
    sql, params = connection.schema_editor().table_sql(SentNotification)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    # given the order e-mails' own ledger, as before the move, with two e-mails sent last year
    sent_at = datetime.datetime(2025, 11, 11, 11, 11, tzinfo=datetime.UTC)
    for key in ("order:1:placed", "fulfilment:1:new:user:3"):
        SentNotification.objects.create(key=key)
    SentNotification.objects.update(sent_at=sent_at)
    SentMail.objects.create(key="application-event:9:applicant")

    # when the migration copies them
    migration.copy_to_core_ledger(old_apps, None)

    # then the core ledger holds them, with when they went out: a step's task sends them no more
    assert dict(SentMail.objects.filter(key__contains=":1:").values_list("key", "sent_at")) == {
        "order:1:placed": sent_at,
        "fulfilment:1:new:user:3": sent_at,
    }
    assert SentMail.objects.count() == 3

    # and going back copies the order e-mails' keys back, and only those
    SentNotification.objects.all().delete()
    migration.copy_back(old_apps, None)
    assert sorted(SentNotification.objects.values_list("key", flat=True)) == [
        "fulfilment:1:new:user:3",
        "order:1:placed",
    ]
