"""The employer's and staff's screens: only their own applications, numbers masked, each full view logged,
outcomes, exports, the wrong person refused, a query budget that does not grow."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from freezegun import freeze_time
from wagtail.models import ReferenceIndex

from labor import services
from labor.models import ApplicationStatus, JobApplication, PhoneAccess
from tests.labor.conftest import apply, logged_in

pytestmark = pytest.mark.django_db
LIST = "/en/labor/applications/"
Status = ApplicationStatus


def detail(application) -> str:
    return reverse("labor:application", kwargs={"reference": application.reference})


def reveal(application) -> str:
    return reverse("labor:reveal", kwargs={"reference": application.reference})


def outcome(application) -> str:
    return reverse("labor:outcome", kwargs={"reference": application.reference})


@pytest.fixture
def applications(post, other_post, county):
    return {
        "mine": apply(post, mobile="13812341234", name="韦小梅", county=county),
        "theirs": apply(other_post, mobile="13998765432", name="黄大山", poverty_alleviated=False),
    }


def test_an_employer_sees_only_applications_to_their_posts_with_masked_numbers(employer_user, applications):
    html = logged_in(employer_user).get(LIST).content.decode()
    assert applications["mine"].reference in html and "韦小梅" in html
    assert "138****1234" in html and "13812341234" not in html
    assert applications["theirs"].reference not in html and "黄大山" not in html and "139****5432" not in html


def test_staff_see_every_application_masked(staff, applications):
    html = logged_in(staff).get(LIST).content.decode()
    assert applications["mine"].reference in html and applications["theirs"].reference in html
    assert "138****1234" in html and "139****5432" in html
    assert "13812341234" not in html and "13998765432" not in html


def test_filters_by_post_and_outcome(staff, applications, post, employer_user):
    services.application_outcome_set(application=applications["mine"], status=Status.CONTACTED, user=employer_user)
    browser = logged_in(staff)
    by_post = browser.get(LIST, {"post": post.pk}).content.decode()
    assert applications["mine"].reference in by_post and applications["theirs"].reference not in by_post
    by_status = browser.get(LIST, {"status": "new"}).content.decode()
    assert applications["theirs"].reference in by_status and applications["mine"].reference not in by_status


def test_the_csv_export_is_masked_and_scoped(employer_user, staff, applications):
    response = logged_in(employer_user).get(LIST, {"export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2  # header and our one application
    assert rows[1][0] == applications["mine"].reference and rows[1][5] == "138****1234"
    assert "13812341234" not in text and applications["theirs"].reference not in text

    everything = logged_in(staff).get(LIST, {"export": "csv"}).content.decode("utf-8-sig")
    assert "138****1234" in everything and "139****5432" in everything
    assert "13812341234" not in everything and "13998765432" not in everything
    assert not PhoneAccess.objects.exists()  # nothing full left the server


def test_the_posts_employer_sees_the_full_number_once_asked_and_it_is_logged(employer_user, applications):
    browser = logged_in(employer_user)
    application = applications["mine"]
    masked = browser.get(detail(application)).content.decode()
    assert "138****1234" in masked and "13812341234" not in masked
    assert not PhoneAccess.objects.exists()

    response = browser.post(reveal(application))
    assert response.status_code == 200
    assert 'href="tel:13812341234"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    access = PhoneAccess.objects.get()
    assert access.actor == employer_user and access.viewer_email == employer_user.email
    assert access.application == application and access.reference == application.reference
    assert access.action == PhoneAccess.Action.REVEAL and access.created_at is not None

    again = browser.get(detail(application)).content.decode()
    assert "13812341234" not in again  # shown in that response only


def test_staff_see_the_full_number_too_and_each_view_is_logged(staff, employer_user, applications):
    logged_in(staff).post(reveal(applications["theirs"]))
    logged_in(staff).post(reveal(applications["theirs"]))
    logged_in(employer_user).post(reveal(applications["mine"]))
    assert PhoneAccess.objects.filter(actor=staff, reference=applications["theirs"].reference).count() == 2
    assert PhoneAccess.objects.filter(actor=employer_user).count() == 1


def test_another_employer_gets_404_and_never_a_number(other_employer_user, applications):
    browser = logged_in(other_employer_user)
    mine = applications["mine"]
    assert browser.get(detail(mine)).status_code == 404
    assert browser.post(reveal(mine)).status_code == 404
    assert browser.post(outcome(mine), {"status": "hired"}).status_code == 404
    assert not PhoneAccess.objects.exists()
    mine.refresh_from_db()
    assert mine.status == Status.NEW
    with pytest.raises(PermissionDenied):
        services.application_phone_reveal(application=mine, viewer=other_employer_user)
    with pytest.raises(PermissionDenied):
        services.application_outcome_set(application=mine, status="hired", user=other_employer_user)


def test_people_without_an_employer_are_refused_and_anonymous_visitors_sent_to_log_in(
    client, ordinary_user, applications
):
    mine = applications["mine"]
    for url in (LIST, detail(mine), reverse("labor:statistics")):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(reveal(mine)).status_code == 302
    browser = logged_in(ordinary_user)
    assert browser.get(LIST).status_code == 403
    assert browser.get(detail(mine)).status_code == 403
    assert browser.post(reveal(mine)).status_code == 403
    assert browser.post(outcome(mine), {"status": "contacted"}).status_code == 403
    assert not PhoneAccess.objects.exists()


def test_an_inactive_employer_account_is_refused(employer_user, applications):
    employer_user.is_active = False
    employer_user.save()
    with pytest.raises(PermissionDenied):
        services.application_phone_reveal(application=applications["mine"], viewer=employer_user)


def test_an_anonymised_application_has_no_number_to_show(employer_user, applications):
    services.application_anonymise_by_applicant(application=applications["mine"])
    browser = logged_in(employer_user)
    assert 'id="reveal-button"' not in browser.get(detail(applications["mine"])).content.decode()
    response = browser.post(reveal(applications["mine"]), follow=True)
    assert gettext("The applicant's personal data has been deleted.") in response.content.decode()
    assert not PhoneAccess.objects.exists()


def test_outcomes_through_the_screen(employer_user, applications):
    browser = logged_in(employer_user)
    mine = applications["mine"]
    response = browser.post(outcome(mine), {"status": "contacted"}, follow=True)
    recorded = gettext("Outcome recorded: %(outcome)s.") % {"outcome": Status.CONTACTED.label}
    assert recorded in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == Status.CONTACTED and mine.contacted_at is not None

    refused = browser.post(outcome(mine), {"status": "retained"}, follow=True)
    message = gettext("This application is “%(status)s”: “%(outcome)s” cannot be recorded now.")
    assert message % {"status": Status.CONTACTED.label, "outcome": Status.RETAINED.label} in refused.content.decode()
    mine.refresh_from_db()
    assert mine.status == Status.CONTACTED
    assert browser.post(outcome(mine), {"status": "nonsense"}).status_code == 302


def test_outcome_steps_and_their_timestamps(post, employer_user, staff):
    application = apply(post)
    with pytest.raises(ValidationError):
        services.application_outcome_set(application=application, status=Status.RETAINED, user=staff)
    services.application_outcome_set(application=application, status=Status.HIRED, user=employer_user)
    application.refresh_from_db()
    assert application.status == Status.HIRED
    assert application.hired_at and application.contacted_at == application.hired_at  # a hire implies contact

    with pytest.raises(ValidationError) as too_early:
        services.application_outcome_set(application=application, status=Status.RETAINED, user=staff)
    assert too_early.value.code == "too_early"
    hired = timezone.localtime(application.hired_at)
    with freeze_time(hired + datetime.timedelta(days=93)):
        services.application_outcome_set(application=application, status=Status.RETAINED, user=staff)
    application.refresh_from_db()
    assert application.status == Status.RETAINED and application.retained_at > application.hired_at
    with pytest.raises(ValidationError):  # final
        services.application_outcome_set(application=application, status=Status.NOT_SUITABLE, user=staff)


def test_not_suitable_can_be_reconsidered(post, employer_user):
    application = apply(post)
    services.application_outcome_set(application=application, status=Status.NOT_SUITABLE, user=employer_user)
    services.application_outcome_set(application=application, status=Status.CONTACTED, user=employer_user)
    application.refresh_from_db()
    assert application.status == Status.CONTACTED
    assert application.not_suitable_at is not None and application.contacted_at is not None


def _queries(browser, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["employer", "staff"])
def test_the_list_costs_the_same_queries_for_5_or_20_applications(
    who, post, other_post, county, employer_user, staff, django_assert_max_num_queries
):
    browser = logged_in(employer_user if who == "employer" else staff)
    for number in range(5):
        apply(post, mobile=f"1390000{number:04d}", county=county)
    browser.get(LIST)  # the site chrome's caches (menu, locales) are filled once
    with django_assert_max_num_queries(15):
        five = _queries(browser, LIST)
    for number in range(5, 20):
        apply(post if number % 3 else other_post, mobile=f"1390000{number:04d}", county=county if number % 2 else None)
    with django_assert_max_num_queries(15):
        twenty = _queries(browser, LIST)
    assert five == twenty
    assert _queries(browser, LIST + "?export=csv") == _queries(browser, LIST + "?export=csv&status=new")


def test_the_admin_lists_masked_numbers(admin_client, applications):
    html = admin_client.get(reverse("admin:labor_jobapplication_changelist")).content.decode()
    assert "138****1234" in html and "13812341234" not in html
    change = admin_client.get(reverse("admin:labor_jobapplication_change", args=[applications["mine"].pk]))
    assert "13812341234" not in change.content.decode()


def test_staff_with_view_permission_use_the_admin_read_only(staff, applications):
    staff.user_permissions.add(
        Permission.objects.get(codename="view_jobapplication"), Permission.objects.get(codename="view_phoneaccess")
    )
    browser = logged_in(staff)
    assert browser.get(reverse("admin:labor_jobapplication_changelist")).status_code == 200
    assert browser.get(reverse("admin:labor_jobapplication_add")).status_code == 403
    assert JobApplication.objects.count() == 2


def test_a_post_with_applications_cannot_be_deleted_in_the_wagtail_admin(admin_client, post):
    apply(post)
    url = reverse("wagtailadmin_pages:delete", args=[post.pk])
    assert ReferenceIndex.get_references_to(post).group_by_source_object().is_protected
    assert admin_client.get(url).status_code == 200
    refused = admin_client.post(url)  # Wagtail refuses (permission denied → back to the admin), no database error
    assert refused.status_code in (302, 403)
    assert type(post).objects.filter(pk=post.pk).exists()
    assert JobApplication.objects.filter(post=post).exists()
