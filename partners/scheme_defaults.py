"""The certification schemes the platform starts with (DOMAIN.md, "Certification schemes").

Rows of ``CertificationScheme`` that staff then edit and extend; ``schemes_ensure`` adds the
missing ones and leaves edited ones alone (the migration, the demo and a flushed test
database call it). Recognitions (互认) are left empty: only staff enter the ones the
authorities publish.
"""

# code, name, Traditional, English, number pattern, example, validity years, holder gives end date, per batch, meaning
# (农产品地理标志 is closed for new certificates by migration 0012: new ones are regional brands.)
SCHEMES = [
    ("green_food", "绿色食品", "綠色食品", "Green Food", r"GF\d{12}", "GF451022250001", 3, False, False,
     "中国绿色食品发展中心认证的绿色食品标志，证书有效期三年。"),
    ("organic", "有机产品", "有機產品", "Organic product", r"[0-9A-Z][0-9A-Z\-]{5,39}", "1052OP2500123", 1, False,
     False, "按国家有机产品标准认证，证书有效期一年。"),
    ("gi", "农产品地理标志", "農產品地理標誌", "Agricultural geographical indication", r"AGI\d{5}", "AGI02001", None,
     False, False, "区域公用品牌：登记给一个地区的产品，由持有人授权区域内的生产者使用。"),
    ("specialty", "名特优新农产品", "名特優新農產品", "Famous, special, excellent and new product", "", "", 1, False,
     False, "全国名特优新农产品名录收录的产品，每年确认。"),
    ("gba_base", "粤港澳大湾区“菜篮子”生产基地", "粵港澳大灣區「菜籃子」生產基地",
     "Greater Bay Area 'vegetable basket' base", "", "", 3, False, False,
     "经认定的粤港澳大湾区“菜篮子”生产基地，供应大湾区市场。"),
    ("shenzhen_standard", "圳品", "圳品", "Shenzhen Standard (Shenzhen Pin)", "", "", None, True, False,
     "按深圳标准评价认证的食用农产品（圳品）。"),
    ("compliance", "承诺达标合格证", "承諾達標合格證", "Commitment compliance certificate", "", "", None, True, True,
     "生产者按批次开具、随货附带的合格证：记录在发货单上，不是产品认证标志。"),
]  # fmt: skip


def schemes_ensure(model=None) -> int:
    """Add the default schemes that are missing; returns how many were added."""
    if model is None:
        from partners.models import CertificationScheme as model
    added = 0
    for position, row in enumerate(SCHEMES):
        code, name, hant, english, pattern, example, years, expiry, per_batch, description = row
        closed = code == "gi"  # geographical indications are regional brands (the brands app)
        _scheme, created = model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_hant": hant,
                "name_en": english,
                "number_pattern": pattern,
                "number_example": example,
                "validity_years": years,
                "requires_expiry": expiry,
                "per_batch": per_batch,
                "description": description,
                "position": position,
                "active": not closed,
            },
        )
        added += created
    return added
