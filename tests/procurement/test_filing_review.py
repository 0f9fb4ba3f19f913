"""The supervising unit's review of filings (审核), the filing pages, who may see and do what on
them, and the deadline reminders."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from marketplace.procurement import filings
from marketplace.procurement.models import FilingDeadline, FilingEvent, FilingStatus, ReservedShareFiling
from marketplace.procurement.tasks_filings import send_filing_reminders_task
from tests.factories import UserFactory, budget_unit, jurisdiction, share_ratio, unit_member

pytestmark = pytest.mark.django_db
YEAR = 2025
TODAY = "2025-02-01"


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English; pages in Chinese are checked on their own."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def ratios_2025(db):
    share_ratio("national", YEAR, "0.10")
    share_ratio("guangdong", YEAR, "0.15")
    share_ratio("shenzhen", YEAR, "0.15")


@pytest.fixture
def submitted(units):
    """School A's 2025 filing, submitted to the bureau."""
    filing = filings.filing_save(
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data={"has_canteen": True, "canteen_food_total": Decimal("800000"), "ratio": Decimal("0.15")},
    )
    with freeze_time(TODAY):
        return filings.filing_submit(filing=filing, user=units["a_manager"])


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def url(name, unit, year=None) -> str:
    kwargs = {"unit": unit.pk} if year is None else {"unit": unit.pk, "year": year}
    with translation.override("en"):
        return reverse(f"procurement:{name}", kwargs=kwargs)


def en(name) -> str:
    with translation.override("en"):
        return reverse(f"procurement:{name}")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --------------------------------------------------------------------------- services
def test_the_supervising_units_manager_approves(units, submitted):
    filing = filings.filing_approve(filing=submitted, user=units["bureau_manager"])

    assert filing.status == FilingStatus.APPROVED and filing.reviewed_at is not None
    assert list(filing.events.order_by("pk").values_list("action", flat=True)) == ["saved", "submitted", "approved"]


@pytest.mark.parametrize("who", ["a_manager", "a_approver", "a_finance", "b_manager", "other_manager"])
def test_an_approval_by_someone_who_is_not_the_supervising_units_manager_is_refused(units, submitted, who):
    with pytest.raises(PermissionDenied) as error:
        filings.filing_approve(filing=submitted, user=units[who])
    assert "Only a manager of a unit above" in str(error.value)
    submitted.refresh_from_db()
    assert submitted.status == FilingStatus.SUBMITTED
    assert not submitted.events.filter(action="approved").exists()


def test_platform_staff_review_a_unit_without_a_supervising_unit_but_not_one_with_a_parent(units):
    staff = UserFactory(email="staff@platform.example.cn", is_staff=True)
    top = filings.filing_save(
        unit=units["bureau"], year=YEAR, user=units["bureau_manager"], data={"has_canteen": False}
    )
    with freeze_time(TODAY):
        filings.filing_submit(filing=top, user=units["bureau_manager"])
    with pytest.raises(PermissionDenied):
        filings.filing_approve(filing=top, user=units["bureau_manager"])

    assert filings.filing_approve(filing=top, user=staff).status == FilingStatus.APPROVED
    assert not filings.may_review(staff, units["school_a"])


def test_a_return_needs_a_reason(units, submitted):
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as error:
            filings.filing_return(filing=submitted, user=units["bureau_manager"], reason=reason)
        assert "Say why the filing is returned" in error.value.messages[0]
    submitted.refresh_from_db()
    assert submitted.status == FilingStatus.SUBMITTED and submitted.return_reason == ""


def test_a_returned_filing_is_edited_and_refiled(units, submitted):
    returned = filings.filing_return(filing=submitted, user=units["bureau_manager"], reason="食材总额与预算不符")
    assert returned.status == FilingStatus.RETURNED
    assert returned.events.get(action="returned").note == "食材总额与预算不符"

    changed = filings.filing_save(
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data={"has_canteen": True, "canteen_food_total": Decimal("900000"), "ratio": Decimal("0.15")},
    )
    with freeze_time(TODAY):
        refiled = filings.filing_submit(filing=changed, user=units["a_manager"])

    assert refiled.status == FilingStatus.SUBMITTED and refiled.reserved_amount == Decimal("135000.00")
    assert list(refiled.events.order_by("pk").values_list("action", flat=True)) == [
        "saved",
        "submitted",
        "returned",
        "saved",
        "submitted",
    ]


def test_a_draft_cannot_be_approved_nor_returned(units):
    draft = filings.filing_save(unit=units["school_a"], year=YEAR, user=units["a_manager"], data={"has_canteen": False})
    with pytest.raises(ValidationError):
        filings.filing_approve(filing=draft, user=units["bureau_manager"])
    with pytest.raises(ValidationError):
        filings.filing_return(filing=draft, user=units["bureau_manager"], reason="x")
    draft.refresh_from_db()
    assert draft.status == FilingStatus.DRAFT


def test_the_review_lists_show_subordinates_awaiting_review_and_those_not_filed(units, submitted):
    assert list(filings.filings_awaiting_review(units["bureau_manager"])) == [submitted]
    assert [unit for unit, _filing in filings.units_not_filed(units["bureau_manager"], year=YEAR)] == [
        units["school_b"]
    ]
    assert list(filings.filings_awaiting_review(units["b_manager"])) == []
    assert list(filings.filings_awaiting_review(units["a_manager"])) == []
    assert list(filings.filings_awaiting_review(units["other_manager"])) == []


# --------------------------------------------------------------------------- pages
@freeze_time(TODAY)
def test_a_manager_files_through_the_page_and_submits(units):
    browser = logged_in(units["a_manager"])
    assert browser.get(url("filings", units["school_a"])).status_code == 200

    page = browser.post(
        url("filing", units["school_a"], YEAR),
        {"canteen": "own", "canteen_food_total": "333333.33", "ratio_percent": "15"},
        follow=True,
    )
    filing = ReservedShareFiling.objects.get(unit=units["school_a"], year=YEAR)
    assert filing.reserved_amount == Decimal("50000.00")
    assert "The filing for 2025 is saved." in messages_of(page)

    browser.post(url("filing-submit", units["school_a"], YEAR))
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    assert "Submit for review" not in browser.get(url("filing", units["school_a"], YEAR)).content.decode()


@freeze_time(TODAY)
def test_a_lower_ratio_without_approval_is_refused_on_the_page_with_the_reason(units):
    page = logged_in(units["a_manager"]).post(
        url("filing", units["school_a"], YEAR), {"canteen": "own", "canteen_food_total": "1000", "ratio_percent": "5"}
    )
    assert page.status_code == 200
    assert "below the minimum of 15 %" in page.content.decode()
    assert not ReservedShareFiling.objects.exists()


@freeze_time(TODAY)
def test_the_reviewer_returns_with_a_reason_and_approves_through_the_review_page(units, submitted):
    browser = logged_in(units["bureau_manager"])
    review = browser.get(en("filing-review"))
    assert units["school_a"].name in review.content.decode()
    assert units["school_b"].name in review.content.decode()  # not filed

    empty = browser.post(url("filing-return", units["school_a"], YEAR), {"reason": "", "next": "review"}, follow=True)
    assert any("Say why the filing is returned" in text for text in messages_of(empty))
    submitted.refresh_from_db()
    assert submitted.status == FilingStatus.SUBMITTED

    browser.post(url("filing-return", units["school_a"], YEAR), {"reason": "比例填写有误"})
    submitted.refresh_from_db()
    assert submitted.status == FilingStatus.RETURNED and submitted.return_reason == "比例填写有误"
    assert "比例填写有误" in logged_in(units["a_manager"]).get(url("filing", units["school_a"], YEAR)).content.decode()

    filings.filing_submit(filing=submitted, user=units["a_manager"])
    browser.post(url("filing-approve", units["school_a"], YEAR))
    submitted.refresh_from_db()
    assert submitted.status == FilingStatus.APPROVED


@freeze_time("2025-04-02")
def test_the_reviewer_allows_a_late_filing_from_the_page(units):
    FilingDeadline.objects.create(jurisdiction=jurisdiction("shenzhen"), year=YEAR, deadline=datetime.date(2025, 3, 31))
    logged_in(units["bureau_manager"]).post(url("filing-extend", units["school_b"], YEAR), {"until": "2025-04-15"})

    filing = ReservedShareFiling.objects.get(unit=units["school_b"], year=YEAR)
    assert filing.extended_until == datetime.date(2025, 4, 15)
    assert filing.events.get().action == FilingEvent.Action.EXTENDED


def test_the_pages_answer_within_a_query_budget(units, submitted, django_assert_max_num_queries):
    browser = logged_in(units["bureau_manager"])
    with django_assert_max_num_queries(25):
        assert browser.get(en("filing-review")).status_code == 200
    with django_assert_max_num_queries(30):
        assert browser.get(url("filing", units["school_a"], YEAR)).status_code == 200


# --------------------------------------------------------------------------- isolation
PAGES = ["filings", "filing"]
ACTIONS = ["filing-submit", "filing-return", "filing-approve", "filing-extend"]


@pytest.mark.parametrize("who", ["b_manager", "b_buyer", "other_manager"])
def test_another_units_members_and_the_sibling_subtrees_manager_get_404(units, submitted, who):
    browser = logged_in(units[who])
    for name in PAGES:
        assert browser.get(url(name, units["school_a"], None if name == "filings" else YEAR)).status_code == 404
    for name in ACTIONS:
        response = browser.post(url(name, units["school_a"], YEAR), {"reason": "x", "until": "2030-01-01"})
        assert response.status_code == 404, name
    browser.post(url("filing", units["school_a"], YEAR), {"canteen": "none"})
    submitted.refresh_from_db()
    assert submitted.status == FilingStatus.SUBMITTED and submitted.has_canteen
    assert submitted.events.count() == 2
    review = browser.get(en("filing-review"))
    assert units["school_a"].name not in review.content.decode() if review.status_code == 200 else True


@pytest.mark.parametrize("who", ["a_buyer", "a_approver", "a_finance"])
def test_members_without_the_manager_role_may_read_but_not_file_or_review(units, submitted, who):
    browser = logged_in(units[who])
    assert browser.get(url("filing", units["school_a"], YEAR)).status_code == 200
    assert browser.post(url("filing", units["school_a"], YEAR), {"canteen": "none"}).status_code == 403
    assert browser.post(url("filing-approve", units["school_a"], YEAR)).status_code == 403
    assert browser.get(en("filing-review")).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == FilingStatus.SUBMITTED and submitted.has_canteen


def test_the_units_own_manager_cannot_approve_its_own_filing_on_the_page(units, submitted):
    response = logged_in(units["a_manager"]).post(url("filing-approve", units["school_a"], YEAR))
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == FilingStatus.SUBMITTED


def test_a_year_out_of_range_is_404(units):
    assert logged_in(units["a_manager"]).get(url("filing", units["school_a"], 1999)).status_code == 404


# --------------------------------------------------------------------------- reminders
@pytest.fixture
def deadline_march(db):
    return FilingDeadline.objects.create(
        jurisdiction=jurisdiction("shenzhen"), year=YEAR, deadline=datetime.date(2025, 3, 31)
    )


def test_reminders_go_once_before_the_deadline_to_managers_of_units_not_filed(units, deadline_march, settings):
    settings.PROCUREMENT_FILING_REMINDER_DAYS = 14
    approved_unit = budget_unit("已填报单位", parent=units["bureau"])
    unit_member(approved_unit, "m@done.example.cn", roles=("manager",))
    done = filings.filing_save(
        unit=approved_unit, year=YEAR, user=approved_unit.memberships.get().user, data={"has_canteen": False}
    )
    with freeze_time("2025-03-01"):
        filings.filing_submit(filing=done, user=approved_unit.memberships.get().user)

    with freeze_time("2025-03-16"):
        assert send_filing_reminders_task() == 0  # 15 days before: not yet
    with freeze_time("2025-03-17"):
        sent = send_filing_reminders_task()
        again = send_filing_reminders_task()
    with freeze_time("2025-03-20"):
        later = send_filing_reminders_task()

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(
        ["manager@bureau.example.cn", "manager@a.example.cn", "manager@b.example.cn", "manager@other.example.cn"]
    )
    assert (sent, again, later) == (4, 0, 0)
    assert all("2025" in message.subject for message in mail.outbox)


def test_a_late_unit_is_told_once_after_the_deadline_unless_allowed_to_file_late(units, deadline_march):
    with freeze_time("2025-03-30"):
        filings.filing_extend(
            unit=units["school_b"], year=YEAR, user=units["bureau_manager"], until=datetime.date(2025, 4, 30)
        )
    mail.outbox.clear()

    with freeze_time("2025-04-01"):
        first = send_filing_reminders_task()
        second = send_filing_reminders_task()

    assert (first, second) == (3, 0)
    assert "manager@b.example.cn" not in [message.to[0] for message in mail.outbox]
    assert any("filing" in message.body and "/procurement/units/" in message.body for message in mail.outbox)


@freeze_time(TODAY)
def test_a_refusal_is_shown_in_the_visitors_language(units, submitted):
    with translation.override("zh-hans"):
        address = reverse("procurement:filing-return", kwargs={"unit": units["school_a"].pk, "year": YEAR})
        page = logged_in(units["bureau_manager"]).post(address, {"reason": ""}, follow=True)

    assert "请填写退回原因，以便单位据此修改。" in messages_of(page)
    submitted.refresh_from_db()
    assert submitted.status == FilingStatus.SUBMITTED


def test_each_step_of_a_filing_is_told_to_the_people_who_act_next(units, django_capture_on_commit_callbacks):
    """Submitted: the supervising unit's managers; returned (with the reason) or approved: the unit's
    own managers. Each once."""
    filing = filings.filing_save(
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data={"has_canteen": True, "canteen_food_total": Decimal("800000"), "ratio": Decimal("0.15")},
    )
    mail.outbox.clear()
    with freeze_time(TODAY), django_capture_on_commit_callbacks(execute=True):
        filing = filings.filing_submit(filing=filing, user=units["a_manager"])
    assert [message.to for message in mail.outbox] == [["manager@bureau.example.cn"]]
    assert "/procurement/filings/review/" in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        filing = filings.filing_return(filing=filing, user=units["bureau_manager"], reason="食堂总额与上年差异过大")
    assert [message.to for message in mail.outbox] == [["manager@a.example.cn"]]
    assert "食堂总额与上年差异过大" in mail.outbox[0].body

    mail.outbox.clear()
    with freeze_time(TODAY), django_capture_on_commit_callbacks(execute=True):
        filings.filing_submit(filing=filing, user=units["a_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        filings.filing_approve(filing=filing, user=units["bureau_manager"])
    assert [message.to for message in mail.outbox] == [["manager@bureau.example.cn"], ["manager@a.example.cn"]]
    assert "审核通过" in mail.outbox[1].subject  # in the recipient's language, Simplified Chinese by default
