"""订单请款证明 (payment-request certificate): what a cooperative hands the budget unit's finance to
ask for payment of one accepted part. A PDF made with ReportLab like the settlement statement
(``fulfilment.documents``: the built-in STSong-Light font, money printed as the shop shows it).
"""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.pdf import pdf_text
from marketplace.fulfilment import selectors as fulfilment_selectors
from marketplace.fulfilment.documents import PDF_FONT, money
from marketplace.procurement import payments
from marketplace.procurement.models import money_round


def _facts_table(rows: list[tuple[str, str]]) -> Table:
    table = Table([[label, value or "—"] for label, value in rows], hAlign="LEFT", colWidths=[45 * mm, 125 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def payment_request_facts(fulfilment) -> dict:
    """The figures and parties the certificate prints (also what the tests read)."""
    unit_order = fulfilment.order.unit_order
    unit = unit_order.unit
    partner = fulfilment.partner
    paid = payments.fulfilment_paid(fulfilment=fulfilment)
    total = money_round(fulfilment.total)
    return {
        "cooperative": [
            (_("Cooperative"), partner.name),
            (_("Unified social credit code"), partner.credit_code),
            # the cooperative's bank details, where the model has them
            *[
                (label, getattr(partner, field, ""))
                for field, label in (("bank_name", _("Bank")), ("bank_account", _("Bank account")))
                if getattr(partner, field, "")
            ],
        ],
        "unit": [
            (_("Budget unit"), unit.name),
            (_("Invoice title (名称)"), unit.invoice_title or unit.name),
            (_("Taxpayer number (税号)"), unit.tax_number or unit.credit_code),
            (_("Registered address (注册地址)"), unit.registered_address),
            (_("Registered telephone (注册电话)"), unit.registered_phone),
            (_("Bank (开户银行)"), unit.bank_name),
            (_("Bank account (银行账号)"), unit.bank_account),
        ],
        "order": [
            (_("Order number"), fulfilment.order.number),
            (_("Accepted on"), timezone.localtime(fulfilment.accepted_at).date().isoformat()),
            (_("Payment due on"), payments.due_on(fulfilment).isoformat()),
        ],
        "total": total,
        "paid": paid,
        "requested": money_round(total - paid),
    }


def payment_request_pdf(fulfilment, language: str | None = None) -> bytes:
    """The certificate of one accepted budget-unit part, in ``language`` (the visitor's by default)."""
    with translation.override(language or translation.get_language()):
        facts = payment_request_facts(fulfilment)
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=f"{_('Payment request certificate')} {fulfilment.reference}",
        )
        title = ParagraphStyle("title", fontName=PDF_FONT, fontSize=18, leading=24, alignment=1)
        heading = ParagraphStyle("heading", fontName=PDF_FONT, fontSize=12, leading=18, spaceBefore=6)
        body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=10, leading=15)
        lines = [
            [_("Product"), _("Quantity"), _("Unit price"), _("Amount")],
            *[
                [
                    Paragraph(pdf_text(line.description), body),
                    str(line.quantity),
                    money(line.unit_price_incl_tax) if line.unit_price_incl_tax is not None else "—",
                    money(line.line_price_incl_tax),
                ]
                for line in fulfilment_selectors.fulfilment_lines(fulfilment)
            ],
            [_("Goods"), "", "", money(fulfilment.goods_total)],
            [_("Shipping"), "", "", money(fulfilment.shipping_cost)],
            [_("Total"), "", "", money(facts["total"])],
        ]
        table = Table(lines, repeatRows=1, hAlign="LEFT", colWidths=[85 * mm, 20 * mm, 30 * mm, 35 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
                    ("FONTSIZE", (0, 0), (-1, -1), 10),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8efe8")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        story = [
            Paragraph(_("Payment request certificate"), title),
            Spacer(1, 6 * mm),
            Paragraph(_("Payee (the cooperative)"), heading),
            _facts_table(facts["cooperative"]),
            Paragraph(_("Payer (the budget unit) and its invoice details"), heading),
            _facts_table(facts["unit"]),
            Paragraph(_("Order"), heading),
            _facts_table(facts["order"]),
            Spacer(1, 4 * mm),
            table,
            Spacer(1, 4 * mm),
            _facts_table(
                [
                    (_("Paid so far"), money(facts["paid"])),
                    (_("Amount requested"), money(facts["requested"])),
                ]
            ),
            Spacer(1, 6 * mm),
            Paragraph(
                _(
                    "The goods above were delivered and accepted by the unit. Under the Regulations on Ensuring "
                    "Payments to Small and Medium-sized Enterprises the unit pays within its payment term after "
                    "acceptance."
                ),
                body,
            ),
        ]
        document.build(story)
    return buffer.getvalue()
