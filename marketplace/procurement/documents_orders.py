"""The order confirmation (订单确认书, the electronic contract of the 832 rules) as a PDF.

Drawn with ReportLab as the settlement statements are (``fulfilment.documents``: the STSong-Light
CID font, amounts through ``money``). The whole order's version names every party and line, for
the unit and platform staff; a cooperative gets the version of its own part only (``partner``):
the unit and itself as parties, its own lines, shipping and totals — never another cooperative's.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.pdf import pdf_text
from marketplace.fulfilment.documents import PDF_FONT, money
from marketplace.fulfilment.models import Fulfilment
from marketplace.procurement.models import ApprovalStatus, UnitOrder, money_round

ZERO = Decimal("0.00")


def _date(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _table(rows, *, header: bool = False, widths=None, right_from: int | None = None) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        style += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8efe8")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ]
    if right_from is not None:
        style.append(("ALIGN", (right_from, 1 if header else 0), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _unit_rows(unit) -> list[list[str]]:
    return [
        [_("Buyer (budget unit)"), unit.name],
        [_("Unified social credit code"), unit.credit_code],
        [_("Address"), unit.address or "—"],
        [_("Invoice title"), unit.invoice_title or unit.name],
        [_("Taxpayer number"), unit.tax_number or unit.credit_code],
        [
            _("Registered address and telephone"),
            " ".join(filter(None, [unit.registered_address, unit.registered_phone])) or "—",
        ],
        [_("Bank and account"), " ".join(filter(None, [unit.bank_name, unit.bank_account])) or "—"],
    ]


def _approval_text(unit_order: UnitOrder) -> str:
    text = unit_order.get_approval_status_display()
    if unit_order.approval_status == ApprovalStatus.APPROVED:
        who = getattr(unit_order.decided_by, "email", "") or "—"
        text = f"{text} · {who} · {_date(unit_order.decided_at)}"
    elif unit_order.approval_status in (ApprovalStatus.REJECTED, ApprovalStatus.EXPIRED):
        text = f"{text} · {_date(unit_order.decided_at)} {unit_order.rejection_reason}".strip()
    return text


def order_confirmation_pdf(unit_order: UnitOrder, *, partner=None) -> bytes:
    """The order confirmation of ``unit_order``; with ``partner``, only that cooperative's part."""
    order = unit_order.order
    parts = list(Fulfilment.objects.filter(order_id=order.pk).select_related("partner", "shipping_method"))
    if partner is not None:
        parts = [part for part in parts if part.partner_id == partner.pk]
    partner_ids = {part.partner_id for part in parts}
    lines = [line for line in order.lines.order_by("pk") if line.partner_id in partner_ids]

    buffer = io.BytesIO()
    title_text = _("Order confirmation")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{title_text} {order.number}",
    )
    title = ParagraphStyle("title", fontName=PDF_FONT, fontSize=16, leading=22)
    heading = ParagraphStyle("heading", fontName=PDF_FONT, fontSize=11, leading=16, spaceBefore=4)
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=9, leading=13)

    summary = [
        [_("Order number"), order.number],
        [_("Placed"), _date(unit_order.placed_at)],
        [_("Placed by"), getattr(unit_order.placed_by, "email", "") or "—"],
        [_("Payment mode"), unit_order.get_payment_mode_display()],
        [_("Payment term"), _("%(days)s days after acceptance") % {"days": unit_order.payment_term_days}],
        [_("Latest ship date"), _("within %(days)s days") % {"days": unit_order.ship_within_days}],
        [_("Approval"), _approval_text(unit_order)],
    ]
    if unit_order.contractor:
        summary.append([_("Canteen contractor"), unit_order.contractor])

    sellers = [[_("Seller (cooperative)"), _("Unified social credit code")]] + [
        [part.partner.name, part.partner.credit_code or "—"] for part in parts
    ]
    line_rows = [
        [
            _("Cooperative"),
            _("Product"),
            pgettext("order confirmation", "Quantity"),
            _("Unit price"),
            pgettext("order confirmation", "Amount"),
        ]
    ] + [
        [
            Paragraph(pdf_text(line.partner_name), body),
            Paragraph(pdf_text(line.title), body),
            str(line.quantity),
            money(line.unit_price_incl_tax),
            money(line.line_price_incl_tax),
        ]
        for line in lines
    ]
    part_rows = [
        [
            _("Cooperative"),
            pgettext("order confirmation", "Status"),
            _("Ship by"),
            _("Shipping"),
            pgettext("order confirmation", "Goods"),
            pgettext("order confirmation", "Total"),
        ]
    ] + [
        [
            Paragraph(pdf_text(part.partner.name), body),
            part.get_status_display(),
            _date(part.ship_by),
            money(part.shipping_cost),
            money(part.goods_total),
            money(part.total),
        ]
        for part in parts
    ]
    goods = money_round(sum((part.goods_total for part in parts), ZERO))
    shipping = money_round(sum((part.shipping_cost for part in parts), ZERO))
    totals = [
        [pgettext("order confirmation", "Goods"), money(goods)],
        [_("Shipping"), money(shipping)],
        [pgettext("order confirmation", "Total"), money(money_round(goods + shipping))],
    ]

    story = [
        Paragraph(title_text, title),
        Spacer(1, 3 * mm),
        _table(summary, widths=[45 * mm, 135 * mm]),
        Paragraph(_("Parties"), heading),
        _table(_unit_rows(unit_order.unit), widths=[45 * mm, 135 * mm]),
        Spacer(1, 2 * mm),
        _table(sellers, header=True, widths=[110 * mm, 70 * mm]),
        Paragraph(_("Lines"), heading),
        _table(line_rows, header=True, widths=[40 * mm, 70 * mm, 15 * mm, 27 * mm, 28 * mm], right_from=2),
        Paragraph(_("Shipping and ship-by dates"), heading),
        _table(part_rows, header=True, widths=[45 * mm, 30 * mm, 25 * mm, 25 * mm, 27 * mm, 28 * mm], right_from=3),
        Spacer(1, 3 * mm),
        _table(totals, widths=[45 * mm, 40 * mm], right_from=1),
        Spacer(1, 4 * mm),
        Paragraph(
            _(
                "Each cooperative ships its part by its ship-by date; the unit inspects and accepts each delivery "
                "(履约验收) and pays within the payment term after acceptance."
            ),
            body,
        ),
    ]
    document.build(story)
    return buffer.getvalue()
