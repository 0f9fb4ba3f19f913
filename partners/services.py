"""Writes for cooperatives and counties: reference data, onboarding and review (供应商入驻与审核)."""

import csv
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from core.access import Role, is_platform_staff, refuse
from core.files import delete_after_commit, generated_name
from core.identifiers import mainland_mobile, reference_generate
from core.outbox import outbox_enqueue
from core.slugs import pinyin_slugify
from core.uploads import validate_document
from partners.models import (
    ApplicationEvent,
    ApplicationStatus,
    AssistanceLevel,
    CooperativeApplication,
    County,
    Partner,
)
from partners.selectors import open_application_for_credit_code
from partners.signals import cooperative_activation_changed
from partners.tasks import send_application_emails_task
from partners.validators import normalise_credit_code, validate_credit_code, validate_credit_code_division

REFERENCE_COUNTIES_CSV = Path(__file__).resolve().parent / "data" / "guangxi_assisted_counties.csv"
_SUFFIX = re.compile(r"(各族|苗族|侗族|瑶族|壮族|仫佬族|毛南族|彝族|京族|回族)?自治县$|[县区市]$")


def county_slug(name: str) -> str:
    """马山县 → ``mashan``; 融水苗族自治县 → ``rongshui``."""
    return "".join(lazy_pinyin(_SUFFIX.sub("", name))).lower()


def _yes_no_unknown(value: str) -> bool | None:
    """``yes``/``no`` of the reference CSV; empty (or anything else) where the source does not say."""
    return {"yes": True, "no": False}.get(value.strip())


@transaction.atomic
def counties_import_reference(*, path: Path = REFERENCE_COUNTIES_CSV, update: bool = False) -> dict[str, int]:
    """Load the assisted counties of Guangxi from the reference CSV.

    Creates missing counties. Existing ones are left as staff edited them unless
    ``update`` is true. Returns counts of created, updated and unchanged rows.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["national_key_assistance_2021"] == "yes":
                level = AssistanceLevel.NATIONAL
            elif row["former_national_poverty_county"] == "yes":
                level = AssistanceLevel.FORMER_POVERTY
            else:
                level = AssistanceLevel.NONE
            values = {
                "slug": county_slug(row["county"]),
                "prefecture": row["prefecture"],
                "division_code": row.get("division_code", ""),
                "assistance_level": level,
                "former_poverty_county": row["former_national_poverty_county"] == "yes",
                # The national list of 脱贫县 decides what counts for budget units (财库〔2021〕20号);
                # a column of its own, where the file has one, overrides it.
                "counts_for_reserved_share": (
                    row.get("counts_for_reserved_share") or row["former_national_poverty_county"]
                )
                == "yes",
                "delisting_batch": "" if row["delisting_batch"] == "unknown" else row["delisting_batch"],
                "border": row["border_county"] == "yes",
                "ethnic_autonomous": row["ethnic_autonomous"] == "yes",
                "regional_key_assistance": _yes_no_unknown(row.get("regional_key_assistance", "")),
                "old_revolutionary_area": row.get("old_revolutionary_area") == "yes",
                "former_division_codes": row.get("former_division_codes", ""),
                "guangdong_partner": row["guangdong_partner_city"],
                "source_confidence": row["confidence"],
            }
            county = County.objects.filter(name=row["county"]).first()
            if county is None:
                county = County(name=row["county"], **values)
                county.full_clean()
                county.save()
                counts["created"] += 1
            elif update and any(getattr(county, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(county, key, value)
                county.full_clean()
                county.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


# --------------------------------------------------------------------------- onboarding (供应商入驻)
# Applicant → county recommendation (县级推荐) → platform review (平台审核). Each step is one
# transaction on a locked row; e-mails leave after commit (partners.tasks).


_Action = ApplicationEvent.Action
# action → (statuses it may start from, status it leads to)
_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    _Action.RECOMMEND: ((ApplicationStatus.SUBMITTED,), ApplicationStatus.RECOMMENDED),
    _Action.RETURN: ((ApplicationStatus.SUBMITTED,), ApplicationStatus.RETURNED),
    _Action.REQUEST_INFO: ((ApplicationStatus.RECOMMENDED,), ApplicationStatus.MORE_INFO),
    _Action.APPROVE: ((ApplicationStatus.RECOMMENDED,), ApplicationStatus.APPROVED),
    _Action.REJECT: ((ApplicationStatus.RECOMMENDED,), ApplicationStatus.REJECTED),
}
# A returned application goes back to the county; one that the platform asked about goes back to the platform.
_RESUBMIT_TO = {
    ApplicationStatus.RETURNED: ApplicationStatus.SUBMITTED,
    ApplicationStatus.MORE_INFO: ApplicationStatus.RECOMMENDED,
}
APPLICANT_FIELDS = (
    "kind",
    "name",
    "credit_code",
    "county",
    "contact_name",
    "contact_phone",
    "contact_email",
    "households_linked",
    "farmer_linkage",
    "description",
    "sells_processed_food",
)


def application_reference_generate() -> str:
    """A new, unused reference number (申请编号): ``SQ`` + date + four random characters."""
    return reference_generate(
        prefix="SQ", taken=lambda reference: CooperativeApplication.objects.filter(reference=reference).exists()
    )


def _document_name(upload, label: str) -> str:
    """An unguessable storage name with the verified type's extension: the applicant's name is not trusted."""
    return generated_name(validate_document(upload), prefix=label)


def _add_error(errors: dict[str, list], field: str, error: ValidationError) -> None:
    errors.setdefault(field, []).extend(error.error_list)


def validate_mainland_mobile(value) -> None:
    """A mainland China mobile number (手机号码), typed or a stored ``PhoneNumber`` (``core.identifiers``)."""
    mainland_mobile(str(value or ""))


def validate_households_linked(value) -> None:
    """At least one farming household is linked (联农带农): the platform serves producers that bring farmers along."""
    if value is None or value < 1:
        raise ValidationError(
            _("Link at least one farming household: the platform is for producers that bring farmers along."),
            code="households_required",
        )


def _check_applicant_values(
    *,
    values: dict,
    business_licence,
    bank_licence,
    food_licence,
    errors: dict[str, list],
    kept: CooperativeApplication | None = None,
) -> None:
    """Credit code (format, check character, Guangxi, the county's division), assisted county, mobile,
    farmer linkage (at least one household and how), documents: the bank-account licence always, the food
    production licence when processed food is sold. ``kept``: the application whose stored documents stay.
    """
    county = values.get("county")
    code = values.get("credit_code", "")
    try:
        validate_credit_code(code)
        validate_credit_code_division(code, county)
    except ValidationError as error:
        _add_error(errors, "credit_code", error)
    if county is not None and not county.is_assisted:
        _add_error(
            errors,
            "county",
            ValidationError(
                _("%(county)s is not an assisted county."), code="county_not_assisted", params={"county": county}
            ),
        )
    try:
        validate_mainland_mobile(values.get("contact_phone"))
    except ValidationError as error:
        _add_error(errors, "contact_phone", error)
    try:
        validate_households_linked(values.get("households_linked"))
    except ValidationError as error:
        _add_error(errors, "households_linked", error)
    if not (values.get("farmer_linkage") or "").strip():
        _add_error(
            errors,
            "farmer_linkage",
            ValidationError(
                _("Say how you link farmers: guaranteed purchase, dividends, jobs, land rent, training…"),
                code="required",
            ),
        )
    if bank_licence is None and not (kept is not None and kept.bank_licence):
        _add_error(
            errors,
            "bank_licence",
            ValidationError(
                _("Upload the bank account licence or the bank's proof of the account: sales are paid to it."),
                code="required",
            ),
        )
    if values.get("sells_processed_food") and food_licence is None and not (kept is not None and kept.food_licence):
        _add_error(
            errors,
            "food_licence",
            ValidationError(
                _("Upload the food production licence: it is required to sell processed food."),
                code="required",
            ),
        )
    for field, upload in (
        ("business_licence", business_licence),
        ("bank_licence", bank_licence),
        ("food_licence", food_licence),
    ):
        if upload is None:
            continue
        try:
            validate_document(upload)
        except ValidationError as error:
            _add_error(errors, field, error)


def _check_no_open_application(*, credit_code: str, exclude_pk: int | None = None) -> None:
    existing = open_application_for_credit_code(credit_code=credit_code, exclude_pk=exclude_pk)
    if existing is not None:
        raise ValidationError(
            {
                "credit_code": ValidationError(
                    _(
                        "An application for this credit code is already under review (reference %(reference)s). "
                        "Check its status or correct it instead of applying again."
                    ),
                    code="duplicate_application",
                    params={"reference": existing.reference},
                )
            }
        )
    if Partner.objects.filter(credit_code=credit_code, is_active=True).exists():
        raise ValidationError(
            {
                "credit_code": ValidationError(
                    _("A cooperative with this credit code already sells on the platform."), code="already_partner"
                )
            }
        )


def _delete_files_on_failure(*files) -> None:
    for field_file in files:
        if field_file and field_file.name:
            field_file.storage.delete(field_file.name)


def _record_event(
    *, application: CooperativeApplication, action: str, actor=None, note: str = "", language: str | None = None
) -> ApplicationEvent:
    """Write the event and send its e-mails once the transaction has committed."""
    event = ApplicationEvent(application=application, action=action, actor=actor, note=note)
    event.full_clean()
    event.save()
    outbox_enqueue(task=send_application_emails_task, args=(event.pk, language))
    return event


def application_submit(
    *,
    kind: str,
    name: str,
    credit_code: str,
    county: County,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    households_linked: int,
    farmer_linkage: str,
    description: str = "",
    sells_processed_food: bool = False,
    business_licence: UploadedFile | None,
    bank_licence: UploadedFile | None = None,
    food_licence: UploadedFile | None = None,
    language: str | None = None,
) -> CooperativeApplication:
    """Submit an application to sell on the platform (提交入驻申请).

    Documents: the business licence and the bank-account licence (开户许可证, the account sales are
    paid to) always, the food production licence when ``sells_processed_food``. At least one
    household linked, with the statement of how. Validates everything before anything is stored:
    a bad field leaves no row and no file.
    Side effects: the application and its documents, a "submit" event; after commit, a
    confirmation to the applicant and a notice to the county's officers.
    """
    values = {
        "kind": kind,
        "name": (name or "").strip(),
        "credit_code": normalise_credit_code(credit_code),
        "county": county,
        "contact_name": (contact_name or "").strip(),
        "contact_phone": contact_phone,
        "contact_email": (contact_email or "").strip(),
        "households_linked": households_linked,
        "farmer_linkage": (farmer_linkage or "").strip(),
        "description": (description or "").strip(),
        "sells_processed_food": bool(sells_processed_food),
    }
    errors: dict[str, list] = {}
    if business_licence is None:
        _add_error(errors, "business_licence", ValidationError(_("Upload the business licence."), code="required"))
    _check_applicant_values(
        values=values,
        business_licence=business_licence,
        bank_licence=bank_licence,
        food_licence=food_licence,
        errors=errors,
    )
    application = CooperativeApplication(reference="SQ-pending", **values)
    try:
        application.full_clean(exclude=["business_licence", "bank_licence", "food_licence", "reference"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field not in errors:  # our own checks say it more precisely
                errors[field] = [ValidationError(message) for message in messages]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # One open application per credit code: the county row serialises concurrent submissions
        # (a valid code's division names its county, so duplicates meet on the same lock).
        County.objects.select_for_update().get(pk=county.pk)
        _check_no_open_application(credit_code=values["credit_code"])
        application.reference = application_reference_generate()
        business_licence.name = _document_name(business_licence, "business-licence")
        application.business_licence = business_licence
        bank_licence.name = _document_name(bank_licence, "bank-licence")
        application.bank_licence = bank_licence
        if food_licence is not None:
            food_licence.name = _document_name(food_licence, "food-licence")
            application.food_licence = food_licence
        try:
            application.full_clean()
            application.save()
            _record_event(application=application, action=_Action.SUBMIT, language=language)
        except Exception:
            _delete_files_on_failure(application.business_licence, application.bank_licence, application.food_licence)
            raise
    return application


def _locked(application: CooperativeApplication) -> CooperativeApplication:
    return CooperativeApplication.objects.select_for_update().select_related("county").get(pk=application.pk)


def _check_transition(application: CooperativeApplication, action: str) -> str:
    allowed_from, target = _TRANSITIONS[action]
    if application.status not in allowed_from:
        raise ValidationError(
            _("This application is “%(status)s”: that step is not possible now."),
            code="invalid_transition",
            params={"status": application.get_status_display()},
        )
    return target


def _require_officer(application: CooperativeApplication, officer) -> None:
    if not (officer.is_active and application.county.officers.filter(pk=officer.pk).exists()):
        refuse(_("Only officers of the applicant's county can recommend or return it."))


def _require_staff(reviewer) -> None:
    if not is_platform_staff(reviewer):
        refuse(_("Only platform staff can take this step."))


def _require_note(note: str, message) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ValidationError(message, code="required")})
    return note


def _transition(*, application, action: str, actor, note: str = "") -> CooperativeApplication:
    with transaction.atomic():
        locked = _locked(application)
        locked.status = _check_transition(locked, action)
        locked.full_clean()
        locked.save(update_fields=["status", "updated_at"])
        _record_event(application=locked, action=action, actor=actor, note=note)
    application.status = locked.status
    return locked


def application_recommend(*, application: CooperativeApplication, officer, note: str = "") -> CooperativeApplication:
    """The county recommends the applicant (县级推荐) after checking operations, capacity, quality safety.

    Side effects: status "recommended", a "recommend" event; after commit, e-mails to the
    applicant and to platform staff.
    """
    _require_officer(application, officer)
    return _transition(application=application, action=_Action.RECOMMEND, actor=officer, note=(note or "").strip())


def application_return(*, application: CooperativeApplication, officer, reason: str) -> CooperativeApplication:
    """The county returns the application for correction (退回), with a reason for the applicant.

    Side effects: status "returned", a "return" event; after commit, an e-mail to the applicant.
    """
    _require_officer(application, officer)
    reason = _require_note(reason, _("Tell the applicant why the application is returned."))
    return _transition(application=application, action=_Action.RETURN, actor=officer, note=reason)


def application_request_info(*, application: CooperativeApplication, reviewer, message: str) -> CooperativeApplication:
    """Platform staff ask the applicant for more information (补充材料).

    Side effects: status "more_info", a "request_info" event; after commit, an e-mail to the applicant.
    """
    _require_staff(reviewer)
    message = _require_note(message, _("Tell the applicant what information is needed."))
    return _transition(application=application, action=_Action.REQUEST_INFO, actor=reviewer, note=message)


def application_reject(*, application: CooperativeApplication, reviewer, reason: str) -> CooperativeApplication:
    """Platform staff reject the application (不予入驻), with a reason for the applicant.

    Side effects: status "rejected", a "reject" event; after commit, an e-mail to the applicant.
    """
    _require_staff(reviewer)
    reason = _require_note(reason, _("Tell the applicant why the application is rejected."))
    return _transition(application=application, action=_Action.REJECT, actor=reviewer, note=reason)


def application_resubmit(
    *,
    application: CooperativeApplication,
    changes: dict,
    business_licence: UploadedFile | None = None,
    bank_licence: UploadedFile | None = None,
    food_licence: UploadedFile | None = None,
    note: str = "",
    language: str | None = None,
) -> CooperativeApplication:
    """The applicant corrects a returned application or adds what was asked for (重新提交).

    ``changes`` holds new values of the applicant's fields (APPLICANT_FIELDS); documents are
    replaced only when a new one is given, and the same rules hold as at submission: a bank-account
    licence (one must be given if the application has none yet), a food production licence when
    processed food is sold, at least one household linked. A returned application goes back to the county,
    one with a request for information back to the platform (the county cannot be changed then:
    it has already recommended). Side effects: the corrected row, a "resubmit" event; replaced
    documents are deleted after commit; e-mails to the applicant and to the next reviewers.
    """
    unknown = set(changes) - set(APPLICANT_FIELDS)
    if unknown:
        raise ValueError(f"not applicant fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _locked(application)
        if locked.status not in _RESUBMIT_TO:
            raise ValidationError(
                _("This application is “%(status)s”: it cannot be changed now."),
                code="invalid_transition",
                params={"status": locked.get_status_display()},
            )
        values = {field: getattr(locked, field) for field in APPLICANT_FIELDS}
        values.update(changes)
        values["credit_code"] = normalise_credit_code(values["credit_code"])
        for field in ("name", "contact_name", "contact_email", "farmer_linkage", "description"):
            values[field] = (values[field] or "").strip()
        errors: dict[str, list] = {}
        if locked.status == ApplicationStatus.MORE_INFO and values["county"].pk != locked.county_id:
            _add_error(
                errors,
                "county",
                ValidationError(
                    _("The county has already recommended this application; its county cannot change now."),
                    code="county_locked",
                ),
            )
        _check_applicant_values(
            values=values,
            business_licence=business_licence,
            bank_licence=bank_licence,
            food_licence=food_licence,
            errors=errors,
            kept=locked,
        )
        for field, value in values.items():
            setattr(locked, field, value)
        try:
            locked.full_clean(exclude=["business_licence", "bank_licence", "food_licence"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in errors:
                    errors[field] = [ValidationError(message) for message in messages]
        if errors:
            raise ValidationError(errors)
        _check_no_open_application(credit_code=values["credit_code"], exclude_pk=locked.pk)

        replaced = []
        if business_licence is not None:
            replaced.append(locked.business_licence.name)
            business_licence.name = _document_name(business_licence, "business-licence")
            locked.business_licence = business_licence
        if bank_licence is not None:
            if locked.bank_licence:
                replaced.append(locked.bank_licence.name)
            bank_licence.name = _document_name(bank_licence, "bank-licence")
            locked.bank_licence = bank_licence
        if food_licence is not None:
            if locked.food_licence:
                replaced.append(locked.food_licence.name)
            food_licence.name = _document_name(food_licence, "food-licence")
            locked.food_licence = food_licence
        locked.status = _RESUBMIT_TO[locked.status]
        try:
            locked.full_clean()
            locked.save()
            _record_event(application=locked, action=_Action.RESUBMIT, note=(note or "").strip(), language=language)
        except Exception:
            _delete_files_on_failure(
                locked.business_licence if business_licence is not None else None,
                locked.bank_licence if bank_licence is not None else None,
                locked.food_licence if food_licence is not None else None,
            )
            raise
        for name in replaced:
            delete_after_commit(locked.business_licence.storage, name)
    application.refresh_from_db()
    return locked


def _unique_partner_code(name: str) -> str:
    base = pinyin_slugify(name)[:100].strip("-") or "cooperative"
    code, number = base, 1
    while Partner.objects.filter(code=code).exists():
        number += 1
        code = f"{base}-{number}"
    return code


def cooperative_staff_group() -> Group:
    """The group of cooperative staff (合作社工作人员): Oscar's limited partner dashboard."""
    group, _created = Group.objects.get_or_create(name=Role.COOPERATIVE_STAFF)
    group.permissions.add(Permission.objects.get(codename="dashboard_access", content_type__app_label="partner"))
    return group


def _cooperative_account(*, application: CooperativeApplication, partner: Partner):
    """The cooperative's staff account: the contact e-mail's user, created without a password if new."""
    User = get_user_model()
    email = User.objects.normalize_email(application.contact_email.strip())
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, first_name=application.contact_name[:150], mobile=application.contact_phone)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    partner.users.add(user)
    user.groups.add(cooperative_staff_group())
    return user


def _check_documents_for_approval(application: CooperativeApplication) -> None:
    """Applications made before the bank-account licence was asked for may lack it: ask for it first."""
    if not application.bank_licence:
        raise ValidationError(
            _("The application has no bank account licence: ask the applicant for it before approving."),
            code="bank_licence_missing",
        )
    if application.sells_processed_food and not application.food_licence:
        raise ValidationError(
            _("The applicant sells processed food without a food production licence: ask for it before approving."),
            code="food_licence_missing",
        )


def application_approve(*, application: CooperativeApplication, reviewer) -> Partner:
    """The platform approves the applicant (审核通过): it becomes a cooperative selling on the platform.

    In one transaction: the Oscar partner (copied from the application), its link from the
    application, the staff account (contact e-mail, reused if it exists) in Partner.users with
    dashboard access, an "approve" event. After commit, an e-mail to the applicant with the way
    to set a password. Approving an approved application returns its cooperative and does nothing. An
    application without a bank-account licence (or without the food production licence it needs) is refused.
    """
    _require_staff(reviewer)
    with transaction.atomic():
        locked = _locked(application)
        if locked.status == ApplicationStatus.APPROVED and locked.partner_id:
            application.status, application.partner = locked.status, locked.partner
            return locked.partner
        locked.status = _check_transition(locked, _Action.APPROVE)
        _check_documents_for_approval(locked)
        partner = Partner(
            code=_unique_partner_code(locked.name),
            name=locked.name,
            kind=locked.kind,
            county=locked.county,
            credit_code=locked.credit_code,
            households_linked=locked.households_linked,
            farmer_linkage=locked.farmer_linkage,
            contact_name=locked.contact_name,
            contact_phone=locked.contact_phone,
            description=locked.description,
            is_active=True,
        )
        partner.full_clean()
        partner.save()
        _cooperative_account(application=locked, partner=partner)
        locked.partner = partner
        locked.full_clean()
        locked.save(update_fields=["status", "partner", "updated_at"])
        _record_event(application=locked, action=_Action.APPROVE, actor=reviewer)
    application.status, application.partner = locked.status, partner
    return partner


@transaction.atomic
def cooperative_activation_set(*, cooperative: Partner, active: bool, reason: str = "") -> bool:
    """Suspend (停用, with the reason) or reactivate (启用) a cooperative. Returns whether its state changed.

    A suspended cooperative's goods leave the shop at once (the shop's one visibility rule
    reads ``is_active``) and checkout refuses them; its people lose access to its screens.
    Suspending needs a reason; the date and reason are kept until reactivation. Side
    effects: ``partners.signals.cooperative_activation_changed`` inside the transaction when
    the state changed, with ``suspended_since`` on reactivation (the catalogue sends back to
    review what changed meanwhile).
    """
    reason = (reason or "").strip()
    locked = Partner.objects.select_for_update().get(pk=cooperative.pk)
    if locked.is_active == active:
        cooperative.is_active = active
        return False
    if not active and not reason:
        raise ValidationError(
            {"suspension_reason": _("Give the reason for suspending the cooperative.")}, code="reason_required"
        )
    suspended_since = locked.suspended_at
    locked.is_active = active
    locked.suspended_at = None if active else timezone.now()
    locked.suspension_reason = "" if active else reason
    locked.save(update_fields=["is_active", "suspended_at", "suspension_reason"])
    cooperative.is_active, cooperative.suspended_at = locked.is_active, locked.suspended_at
    cooperative.suspension_reason = locked.suspension_reason
    cooperative_activation_changed.send(
        sender=Partner,
        cooperative_ids=(locked.pk,),
        active=active,
        suspended_since=suspended_since if active else None,
    )
    return True
