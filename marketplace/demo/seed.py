"""Seed the demo: idempotent, keyed on natural keys, so a second run changes nothing."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model
from pypinyin import lazy_pinyin
from wagtail.images.models import Image as WagtailImage
from wagtail.models import Page, Site

from brands import services as brand_services
from brands.models import AuthorisationStatus, BrandAuthorisation, RegionalBrand
from cms.models import (
    CampaignIndexPage,
    CampaignPage,
    CountyIndexPage,
    CountyPage,
    Employer,
    HomePage,
    LaborPostIndexPage,
    LaborPostPage,
    NewsIndexPage,
    NewsPage,
    ProjectGalleryImage,
    ProjectIndexPage,
    ProjectPage,
    ProjectUpdate,
    StandardPage,
)
from core.slugs import pinyin_slugify
from marketplace.demo import data
from marketplace.demo.images import draw_picture
from partners.models import Certification, County, Partner
from partners.scheme_defaults import schemes_ensure
from partners.services import cooperative_activation_set, counties_import_reference

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")


def _pinyin(text: str) -> str:
    return " ".join(lazy_pinyin(text))


class DemoSeeder:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.today = timezone.localdate()
        self.counties: dict[str, County] = {}

    def log(self, message: str) -> None:
        if self.stdout:
            self.stdout.write(message)

    @transaction.atomic
    def run(self) -> dict[str, int]:
        counties_import_reference()
        schemes_ensure()
        self.counties = {county.name: county for county in County.objects.all()}
        cooperatives = self.seed_cooperatives()
        products = self.seed_products(cooperatives)
        self.seed_pages(products)
        self.seed_translations()
        self.seed_users(cooperatives)
        self.seed_units()
        self.seed_brands(cooperatives, products)
        self.seed_address_book()
        self.seed_orders(products)
        self.seed_filings()
        self.seed_unit_orders(products)
        self.seed_applications()
        self.seed_certificate_states()
        self.seed_suspension(cooperatives)
        return self.counts()

    # ------------------------------------------------------------------ catalogue
    def seed_cooperatives(self) -> dict[str, Partner]:
        cooperatives = {}
        for code, name, county, kind, households, linkage in data.COOPERATIVES:
            partner, _ = Partner.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "kind": kind,
                    "county": self.counties[county],
                    "households_linked": households,
                    "farmer_linkage": linkage,
                    "description": f"{name}位于{county}。本条为演示数据。",
                    "contact_name": "联系人",
                },
            )
            cooperatives[code] = partner
        self.log(f"Cooperatives: {len(cooperatives)}")
        return cooperatives

    def _certificate(self, partner: Partner, scheme: str, index: int) -> Certification:
        issuer, years = data.CERTIFICATE_ISSUERS[scheme]
        valid_from = self.today - datetime.timedelta(days=200)
        valid_until = None if years is None else valid_from + datetime.timedelta(days=365 * years - 1)
        yy = valid_from.strftime("%y")
        number = {
            "green_food": f"GF45{index:04d}{yy}{index:04d}",
            "organic": f"1052OP{yy}{index:06d}",
            "gi": f"AGI{index + 2000:05d}",
            "specialty": f"MTYX{yy}{index:04d}",
            "gba_base": f"GBA-{valid_from.year}-{index:03d}",
            "shenzhen_standard": f"SZP{yy}{index:05d}",
        }[scheme]
        certificate, _ = Certification.objects.get_or_create(
            scheme_id=scheme,
            holder=partner,
            defaults={
                "number": number,
                "issuer": issuer,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "verified": True,
            },
        )
        return certificate

    def seed_products(self, cooperatives: dict[str, Partner]) -> dict[str, Product]:
        product_class, _ = ProductClass.objects.get_or_create(
            slug="farm-produce", defaults={"name": "农产品", "requires_shipping": True, "track_stock": True}
        )
        categories = {name: create_from_breadcrumbs(name) for name in data.CATEGORIES}
        products = {}
        for index, row in enumerate(data.PRODUCTS, start=1):
            upc, title, category, coop_code, price, stock, storage, shelf_life, spec, schemes = row
            partner = cooperatives[coop_code]
            product = Product.objects.filter(upc=upc).first()
            if product is None:
                product = Product.objects.create(
                    upc=upc,
                    title=title,
                    product_class=product_class,
                    structure=Product.STANDALONE,
                    is_public=True,
                    listing_status="listed",
                    reviewed_price=Decimal(price),
                    description=f"{title}，产自{partner.county.name}，由{partner.name}供货。规格：{spec}。",
                    origin_county=partner.county,
                    storage_type=storage,
                    shelf_life_days=shelf_life,
                    specification=spec,
                    traceability_code=f"GX-{upc}-{self.today:%Y}",
                )
                ProductCategory.objects.create(product=product, category=categories[category])
                picture = draw_picture(
                    title, subtitle=partner.county.name, theme=category, fallback_text=_pinyin(title)
                )
                ProductImage.objects.create(
                    product=product, display_order=0, original=ContentFile(picture, name=f"{upc.lower()}.jpg")
                )
                StockRecord.objects.create(
                    product=product,
                    partner=partner,
                    partner_sku=upc,
                    price_currency="CNY",
                    price=Decimal(price),
                    num_in_stock=stock,
                )
                # 承诺达标合格证 go with each shipment (see seed_orders), not on the product.
                product.certifications.set([self._certificate(partner, scheme, index) for scheme in schemes])
            products[upc] = product
        self.log(f"Products: {len(products)}")
        return products

    # ------------------------------------------------------------------ pages
    def _child(self, parent: Page, model, slug: str, **fields):
        existing = parent.get_children().filter(slug=slug).first()
        if existing is not None:
            return existing.specific
        related = ("counties", "home_counties", "products", "updates", "gallery_images")
        m2m = {key: fields.pop(key) for key in list(fields) if key in related}
        page = model(slug=slug, **fields)
        for key, values in m2m.items():
            getattr(page, key).set(values)  # in the page's revision too, so editing keeps them
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page

    def _image(self, title: str, theme: str = "") -> WagtailImage:
        image = WagtailImage.objects.filter(title=title).first()
        if image is None:
            picture = draw_picture(title, theme=theme, size=(960, 540), fallback_text=_pinyin(title))
            image = WagtailImage(title=title, file=ContentFile(picture, name=f"{pinyin_slugify(title)[:40]}.jpg"))
            image.save()
        return image

    def _project_period(self, status: str) -> tuple[datetime.date, datetime.date]:
        """Completed projects ended last year, planned ones start next year, the rest run now."""
        year = self.today.year
        if status == "completed":
            return datetime.date(year - 3, 1, 1), datetime.date(year - 1, 12, 31)
        if status == "planned":
            return datetime.date(year + 1, 1, 1), datetime.date(year + 3, 12, 31)
        return datetime.date(year - 1, 1, 1), datetime.date(year + 1, 12, 31)

    def seed_pages(self, products: dict[str, Product]) -> None:
        home = HomePage.objects.first()
        if home is None:  # the data migration creates it; recreate if someone deleted it
            from wagtail.models import Locale

            Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
            root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
            home = root.add_child(instance=HomePage(title="粤桂协作消费帮扶平台", slug="home"))
            Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})

        counties_index = self._child(
            home, CountyIndexPage, "counties", title="帮扶县", show_in_menus=True,
            intro="广西33个原国家扶贫开发工作重点县，其中20个为国家乡村振兴重点帮扶县。",
        )  # fmt: skip
        projects_index = self._child(
            home, ProjectIndexPage, "projects", title="协作项目", show_in_menus=True,
            intro="粤桂协作在产业、劳务、消费、人才、基础设施、社会事业、社会力量与区域战略八个方面的项目。",
        )  # fmt: skip
        jobs_index = self._child(
            home, LaborPostIndexPage, "jobs", title="广东岗位", show_in_menus=True,
            intro="广东用人单位和广西本地帮扶车间、以工代赈项目、合作社面向脱贫劳动力和农村低收入人口发布的岗位，均已审核。",
        )  # fmt: skip
        campaigns_index = self._child(
            home, CampaignIndexPage, "campaigns", title="招聘活动", show_in_menus=True,
            intro="春风行动、就业援助月、金秋招聘月等活动。",
        )  # fmt: skip
        news_index = self._child(home, NewsIndexPage, "news", title="新闻与政策", show_in_menus=True)
        self._child(
            home, StandardPage, "about", title="关于平台", show_in_menus=True,
            intro="本平台服务粤桂协作：广东买家与预算单位采购广西帮扶县认证农产品，广东企业发布岗位，协作项目公开可查。",
        )  # fmt: skip

        for county in self.counties.values():
            featured = county.name in {"巴马瑶族自治县", "田东县", "凌云县", "三江侗族自治县", "融安县", "昭平县"}
            self._child(
                counties_index,
                CountyPage,
                county.slug,
                title=county.name,
                county=county,
                intro=f"{county.name}隶属{county.prefecture}，粤桂协作结对城市为{county.guangdong_partner or '待补'}。",
                image=self._image(f"{county.name}风光", theme="茶叶") if featured else None,
            )

        for (
            slug,
            title,
            form,
            side,
            county_names,
            funding,
            status,
            jobs,
            households,
            summary,
            upcs,
            updates,
        ) in data.PROJECTS:
            start, end = self._project_period(status)
            self._child(
                projects_index,
                ProjectPage,
                slug,
                title=title,
                cooperation_form=form,
                guangdong_side=side,
                counties=[self.counties[name] for name in county_names],
                funding_wan=Decimal(funding),
                start_date=start,
                end_date=end,
                status=status,
                jobs_created=jobs,
                households_linked=households,
                summary=summary,
                image=self._image(title, theme="新鲜水果"),
                products=[products[upc] for upc in upcs],
                updates=[
                    ProjectUpdate(sort_order=position, date=datetime.date.fromisoformat(day), text=text)
                    for position, (day, text) in enumerate(updates)
                ],
                gallery_images=[
                    ProjectGalleryImage(sort_order=position, image=self._image(caption, theme=theme), caption=caption)
                    for position, (caption, theme) in enumerate(data.PROJECT_GALLERIES.get(slug, []))
                ],
            )

        campaign = self._child(
            campaigns_index,
            CampaignPage,
            "spring-breeze",
            title="粤桂劳务协作春风行动",
            start_date=self.today - datetime.timedelta(days=7),
            end_date=self.today + datetime.timedelta(days=90),
            intro="两地人社部门联合组织岗位对接、技能培训与“点对点”输送，帮助脱贫劳动力到广东稳岗就业。",
        )

        employers = []
        for name, city, contact, phone in data.EMPLOYERS:
            employer, _ = Employer.objects.get_or_create(
                name=name, defaults={"city": city, "contact_name": contact, "contact_phone": phone}
            )
            employers.append(employer)

        for index, row in enumerate(data.LABOR_POSTS):
            (
                slug,
                employer_index,
                title,
                sector,
                openings,
                city,
                location,
                pay_min,
                pay_max,
                unit,
                lodging,
                transport,
                names,
            ) = row
            self._child(
                jobs_index,
                LaborPostPage,
                slug,
                title=f"{title}（{city}）",
                employer=employers[employer_index],
                job_title=title,
                sector=sector,
                openings=openings,
                requirements="18至50周岁，身体健康，能适应倒班；无经验可培训上岗。",
                job_content=f"在{employers[employer_index].name}从事{title}工作，按国家规定缴纳社会保险。",
                work_city=city,
                work_location=location,
                pay_min=Decimal(pay_min),
                pay_max=Decimal(pay_max),
                pay_unit=unit,
                board_lodging=lodging,
                organised_transport=transport,
                home_counties=[self.counties[name] for name in names],
                campaign=campaign if index % 2 == 0 else None,
                valid_from=self.today - datetime.timedelta(days=index + 1),
                valid_until=self.today + datetime.timedelta(days=60 + index * 5),
            )

        self.seed_local_jobs(jobs_index)

        for position, (slug, title, intro, body) in enumerate(data.NEWS):
            self._child(
                news_index, NewsPage, slug, title=title, intro=intro, body=body,
                date=self.today - datetime.timedelta(days=position * 9),
            )  # fmt: skip
        self.log(f"Pages: {Page.objects.count()}")

    def seed_local_jobs(self, jobs_index) -> None:
        """Jobs near home in Guangxi (就地就近就业): a workshop, a work-for-relief project, seasonal work
        at a demo cooperative and a public-welfare post (information only), in real demo counties."""
        employers = []
        for name, county, contact, phone, cooperative_code in data.LOCAL_EMPLOYERS:
            county = self.counties[county]
            employer, _ = Employer.objects.get_or_create(
                name=name,
                defaults={
                    "city": f"{county.prefecture}{county.name}",
                    "contact_name": contact,
                    "contact_phone": phone,
                    "cooperative": Partner.objects.filter(code=cooperative_code).first() if cooperative_code else None,
                },
            )
            employers.append(employer)
        for index, row in enumerate(data.LOCAL_LABOR_POSTS):
            (
                slug, employer_index, kind, title, sector, openings, county, town, location,
                pay_min, pay_max, unit, lodging, contact_name, contact_phone,
            ) = row  # fmt: skip
            employer = employers[employer_index]
            self._child(
                jobs_index,
                LaborPostPage,
                slug,
                title=f"{title}（{county}{town}）",
                employer=employer,
                kind=kind,
                job_title=title,
                sector=sector,
                openings=openings,
                requirements="身体健康，能吃苦耐劳；就近就业，方便照顾家庭。",
                job_content=f"在{employer.name}从事{title}工作，工资按月发放。",
                work_county=self.counties[county],
                work_town=town,
                work_location=location,
                pay_min=Decimal(pay_min),
                pay_max=Decimal(pay_max),
                pay_unit=unit,
                board_lodging=lodging,
                organised_transport=False,
                for_low_income=True,
                township_contact_name=contact_name,
                township_contact_phone=contact_phone,
                valid_from=self.today - datetime.timedelta(days=index + 1),
                valid_until=self.today + datetime.timedelta(days=45 + index * 5),
            )

    def seed_translations(self) -> None:
        """The site in Traditional Chinese (every page, converted from Simplified as the
        "Translate" action does) and the main pages in English; the other English pages are
        served in Simplified (see ``cms.i18n``). Skipped where a translation exists."""
        from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
        from wagtail.models import Locale

        home = HomePage.objects.get(locale__language_code=settings.LANGUAGE_CODE)
        hant, _ = Locale.objects.get_or_create(language_code="zh-hant")
        if not home.has_translation(hant):
            CopyPageForTranslationAction(page=home, locale=hant, include_subtree=True).execute(
                skip_permission_checks=True
            )
        english, _ = Locale.objects.get_or_create(language_code="en")
        for slug, fields in data.ENGLISH_PAGES.items():
            source = home if slug == "home" else home.get_children().get(slug=slug).specific
            if source.has_translation(english):
                continue
            copy = source.copy_for_translation(english, copy_parents=True)
            for name, value in fields.items():
                setattr(copy, name, value)
            copy.draft_title = copy.title
            copy.save_revision()
        for page in Page.objects.filter(locale__in=[hant, english], live=False, alias_of__isnull=True):
            page.get_latest_revision().publish()
        self.log(f"Translated pages: {Page.objects.filter(locale__in=[hant, english]).count()}")

    # ------------------------------------------------------------------ people
    def seed_users(self, cooperatives: dict[str, Partner]) -> None:
        User = get_user_model()
        dashboard_access = Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
        for role, email, name, group_name, flags in data.ROLE_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=data.DEMO_PASSWORD, first_name=name)
                if flags:
                    User.objects.filter(pk=user.pk).update(**flags)
            if group_name:
                group, _ = Group.objects.get_or_create(name=group_name)
                user.groups.add(group)
                if role == "cooperative staff":
                    group.permissions.add(dashboard_access)
                    cooperatives["bama-xiangzhu"].users.add(user)
                if role == "platform staff":
                    user.groups.add(Group.objects.get_or_create(name="Moderators")[0])
                    # Oscar's order dashboard asks for the order model permissions besides is_staff.
                    group.permissions.add(
                        *Permission.objects.filter(
                            content_type__app_label="order", codename__in=["view_order", "change_order"]
                        )
                    )
                if role == "county officer":
                    self.counties["巴马瑶族自治县"].officers.add(user)
                if role == "employer":
                    Employer.objects.get(name=data.EMPLOYERS[0][0]).users.add(user)

    # ------------------------------------------------------------------ budget units
    def seed_units(self) -> None:
        """Guangzhou's budget units in two hierarchies, and the demo accounts' roles in them."""
        from marketplace.procurement.models import BudgetUnit, Jurisdiction
        from marketplace.procurement.units import membership_set, unit_save
        from partners.validators import credit_code_check_character

        self.units: dict[str, BudgetUnit] = {}
        for n, (key, name, category, jurisdiction, parent, threshold, mode) in enumerate(data.BUDGET_UNITS, 1):
            unit = BudgetUnit.objects.filter(name=name).first()
            if unit is None:
                first17 = f"11440100MB{n:07d}"
                unit = unit_save(
                    unit=BudgetUnit(
                        name=name,
                        credit_code=first17 + credit_code_check_character(first17),
                        category=category,
                        jurisdiction=Jurisdiction.objects.get(code=jurisdiction),
                        city="广州市",
                        parent=self.units[parent] if parent else None,
                        address=f"广州市天河区体育东路{100 + n}号",
                        invoice_title=name,
                        tax_number=first17 + credit_code_check_character(first17),
                        registered_address=f"广州市天河区体育东路{100 + n}号",
                        registered_phone=f"020-8{n:03d}0000",
                        bank_name="中国工商银行广州天河支行",
                        bank_account=f"36020000090{n:08d}",
                        approval_threshold=Decimal(threshold) if threshold else None,
                        payment_mode=mode,
                    )
                )
            self.units[key] = unit
        User = get_user_model()
        for key, email in data.UNIT_MANAGERS.items():
            if not User.objects.filter(email=email).exists():
                User.objects.create_user(email=email, password=data.DEMO_PASSWORD, first_name=self.units[key].name)
            membership_set(unit=self.units[key], user=User.objects.get(email=email), manager=True)
        for email, memberships in data.UNIT_MEMBERS.items():
            user = User.objects.get(email=email)
            for key, roles, contractor in memberships:
                membership_set(unit=self.units[key], user=user, contractor=contractor, **dict.fromkeys(roles, True))

    def _unit_manager(self, key: str):
        User = get_user_model()
        email = data.UNIT_MANAGERS.get(key) or next(
            email
            for email, memberships in data.UNIT_MEMBERS.items()
            for unit, roles, _c in memberships
            if unit == key and "manager" in roles
        )
        return User.objects.get(email=email)

    def seed_filings(self) -> None:
        """This year's reserved-share filings, one in each state, through the filing services as the
        units' managers and their supervising units would make them."""
        from marketplace.procurement import filings
        from marketplace.procurement.models import FilingStatus

        year = self.today.year
        staff = get_user_model().objects.get(email="staff@demo.yuegui.example")
        # The representative of a shared canteen files first.
        for key, (state, has_canteen, total, ratio, shared, remarks, reason) in data.UNIT_FILINGS.items():
            unit = self.units[key]
            if filings.filing_of(unit=unit, year=year):
                continue
            manager = self._unit_manager(key)
            filing = filings.filing_save(
                unit=unit,
                year=year,
                user=manager,
                data={
                    "has_canteen": has_canteen,
                    "shared_canteen_with": self.units[shared] if shared else None,
                    "canteen_outsourced": False,
                    "canteen_food_total": Decimal(total) if total else None,
                    "ratio": Decimal(ratio) if ratio else None,
                    "lower_ratio_authority": "",
                    "lower_ratio_date": None,
                    "lower_ratio_document": "",
                    "union_purchase_need": key == "no1-school",
                    "remarks": remarks,
                },
            )
            if state == FilingStatus.DRAFT:
                continue
            filing = filings.filing_submit(filing=filing, user=manager)
            reviewer = (
                self._unit_manager(next(k for k, u in self.units.items() if u.pk == unit.parent_id))
                if (unit.parent_id)
                else staff
            )
            if state == FilingStatus.RETURNED:
                filings.filing_return(filing=filing, user=reviewer, reason=reason)
            elif state == FilingStatus.APPROVED:
                filings.filing_approve(filing=filing, user=reviewer)

    def seed_unit_orders(self, products: dict[str, Product]) -> None:
        """The school's orders in each state of procurement: last month's order paid in part (one part
        accepted long ago and overdue), one above the approval threshold waiting for the approver, one
        approved and delivered for the buyer to inspect; the hospital's own order the school never sees."""
        from marketplace.fulfilment import services as fulfilment_services
        from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus
        from marketplace.procurement import payments

        User = get_user_model()
        staff = User.objects.get(email="staff@demo.yuegui.example")
        finance = User.objects.get(email="unit-finance@demo.yuegui.example")
        school = self.units["no1-school"]
        old = get_model("order", "Order").objects.get(number="DEMO-10001")
        parts = list(Fulfilment.objects.filter(order=old).order_by("pk"))
        if parts and not payments.receipts_of(unit=school):
            # One part accepted 45 days ago and still unpaid: overdue.
            long_ago = timezone.now() - datetime.timedelta(days=45)
            Fulfilment.objects.filter(pk=parts[-1].pk).update(accepted_at=long_ago, delivered_at=long_ago)
            receipt = payments.receipt_record(
                unit=school,
                user=finance,
                payer_name="广州市第一中学",
                payer_kind="unit",
                amount=Decimal("300.00"),
                received_on=self.today - datetime.timedelta(days=2),
                reference="GZ-ICBC-20261130-0001",
            )
            payments.receipt_allocate(receipt=receipt, user=finance, allocations=[(parts[0], Decimal("300.00"))])
        self._place_demo_order(
            "DEMO-10003",
            "unit-buyer@demo.yuegui.example",
            [("BM-001", 10), ("TD-003", 20), ("LE-001", 5)],
            products,
            "canteen",
            unit_key="no1-school",
        )
        delivered = self._place_demo_order(
            "DEMO-10004",
            "unit-buyer@demo.yuegui.example",
            [("BM-004", 2), ("TD-001", 3)],
            products,
            "canteen",
            unit_key="no1-school",
        )
        for fulfilment in Fulfilment.objects.filter(order=delivered, status=FulfilmentStatus.TO_SHIP):
            fulfilment_services.fulfilment_ship(
                fulfilment=fulfilment,
                user=staff,
                carrier="顺丰速运",
                tracking_number=f"SF{delivered.pk:06d}{fulfilment.pk:04d}",
                compliance_certificate=f"HGZ-{fulfilment.partner.code.upper()}-{self.today:%Y%m%d}",
            )
            fulfilment_services.fulfilment_mark_delivered(fulfilment=fulfilment, user=staff)
        self._place_demo_order(
            "DEMO-10005",
            "hospital-buyer@demo.yuegui.example",
            [("LY-001", 3)],
            products,
            "canteen",
            unit_key="no1-hospital",
        )

    # ------------------------------------------------------------------ regional brands
    def seed_brands(self, cooperatives: dict[str, Partner], products: dict[str, Product]) -> None:
        """Regional brands through their services: the brand, verified authorisations, products under it."""
        staff = get_user_model().objects.get(email="staff@demo.yuegui.example")
        for name, number, holder, counties, coop_codes, upcs, description in data.REGIONAL_BRANDS:
            brand = RegionalBrand.objects.filter(registration_number=number).first()
            if brand is None:
                brand = brand_services.regional_brand_save(
                    brand=RegionalBrand(
                        name=name,
                        registration_number=number,
                        holder=holder,
                        description=description,
                        valid_from=self.today - datetime.timedelta(days=900),
                    ),
                    region=[self.counties[county] for county in counties],
                )
                brand_services.regional_brand_verify(brand=brand, staff=staff)
            for code in coop_codes:
                cooperative = cooperatives[code]
                if not BrandAuthorisation.objects.filter(brand=brand, cooperative=cooperative).exists():
                    authorisation = brand_services.brand_authorisation_request(brand=brand, cooperative=cooperative)
                    brand_services.brand_authorisation_verify(authorisation=authorisation, staff=staff)
            for upc in upcs:
                if not brand.product_links.filter(product=products[upc]).exists():
                    brand_services.product_brand_add(product=products[upc], brand=brand, user=staff)
        live = BrandAuthorisation.objects.filter(status=AuthorisationStatus.VERIFIED).count()
        self.log(f"Regional brands: {RegionalBrand.objects.count()} ({live} authorisations)")

    # ------------------------------------------------------------------ orders
    def seed_address_book(self) -> None:
        """The GBA buyer's address book (地址簿): Shenzhen (the default), Guangzhou, Hong Kong."""
        UserAddress = get_model("address", "UserAddress")
        Country = get_model("address", "Country")
        user = get_user_model().objects.get(email="buyer@demo.yuegui.example")
        if UserAddress.objects.filter(user=user).exists():
            return
        for key in ("shenzhen", "guangzhou", "hong-kong"):
            place = data.DEMO_ADDRESSES[key]
            UserAddress.objects.create(
                user=user,
                **{name: value for name, value in place.items() if name != "country"},
                country=Country.objects.get(iso_3166_1_a2=place["country"]),
                is_default_for_shipping=key == "shenzhen",
            )

    def _place_demo_order(
        self, number: str, email: str, items: list[tuple[str, int]], products, address_key: str, unit_key: str = ""
    ):
        """A real order through the placement service (stock allocated, one fulfilment per cooperative);
        a budget unit's buyer orders for ``unit_key`` with a 15-day ship-by."""
        from oscar.apps.partner.strategy import Selector
        from oscar.core.loading import get_class

        from marketplace.checkout.payment import InvoiceAfterAcceptance
        from marketplace.checkout.services import order_place
        from marketplace.procurement.ordering import UnitPurchase
        from marketplace.shipping.methods import PerCooperativeShipping

        Order = get_model("order", "Order")
        existing = Order.objects.filter(number=number).first()
        if existing:
            return existing
        Basket = get_model("basket", "Basket")
        ShippingAddress = get_model("order", "ShippingAddress")
        Country = get_model("address", "Country")
        OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
        user = get_user_model().objects.get(email=email)
        basket = Basket.objects.create(owner=user)
        basket.strategy = Selector().strategy(user=user)
        for upc, quantity in items:
            basket.add_product(products[upc], quantity)
        method = PerCooperativeShipping()
        charge = method.calculate(basket)
        place = data.DEMO_ADDRESSES[address_key]
        address = ShippingAddress(
            **{key: value for key, value in place.items() if key != "country"},
            country=Country.objects.get(iso_3166_1_a2=place["country"]),
        )
        order, _placed = order_place(
            basket=basket,
            user=user,
            order_number=number,
            shipping_address=address,
            shipping_method=method,
            shipping_charge=charge,
            billing_address=None,
            order_total=OrderTotalCalculator().calculate(basket, charge),
            unit_purchase=UnitPurchase(unit=self.units[unit_key], ship_within_days=15) if unit_key else None,
            # Paid by invoice even when online payment is on: a past order, not one waiting for a payment.
            policy=None if unit_key else InvoiceAfterAcceptance(),
        )
        return order

    def seed_orders(self, products: dict[str, Product]) -> None:
        """Orders in every state: last month's accepted ones with their settlement statements,
        and this month's, part waiting for the demo cooperative (coop@) to ship."""
        from marketplace.fulfilment import services as fulfilment_services
        from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus, SettlementStatement

        staff = get_user_model().objects.get(email="staff@demo.yuegui.example")
        last_month = (self.today.replace(day=1) - datetime.timedelta(days=1)).replace(day=10)
        old = self._place_demo_order(
            "DEMO-10001",
            "unit-buyer@demo.yuegui.example",
            [("BM-003", 4), ("TD-001", 6), ("LY-001", 2)],
            products,
            "canteen",
            unit_key="no1-school",
        )
        for fulfilment in Fulfilment.objects.filter(order=old, status=FulfilmentStatus.TO_SHIP):
            fulfilment_services.fulfilment_ship(
                fulfilment=fulfilment,
                user=staff,
                carrier="顺丰速运",
                tracking_number=f"SF{old.pk:06d}{fulfilment.pk:04d}",
                compliance_certificate=f"HGZ-{fulfilment.partner.code.upper()}-{last_month:%Y%m%d}",
            )
            fulfilment_services.fulfilment_mark_delivered(fulfilment=fulfilment, user=staff)
            fulfilment_services.fulfilment_accept(fulfilment=fulfilment, user=old.user)
            moment = timezone.make_aware(datetime.datetime.combine(last_month, datetime.time(10)))
            Fulfilment.objects.filter(pk=fulfilment.pk).update(
                created=moment, shipped_at=moment, delivered_at=moment, accepted_at=moment
            )
            type(old).objects.filter(pk=old.pk).update(date_placed=moment)
        for partner in {f.partner for f in Fulfilment.objects.filter(order=old)}:
            if not SettlementStatement.objects.filter(partner=partner, period=last_month.replace(day=1)).exists():
                fulfilment_services.statement_request(partner=partner, period=last_month)

        current = self._place_demo_order(
            "DEMO-10002",
            "buyer@demo.yuegui.example",
            [("BM-001", 2), ("BM-004", 1), ("TD-003", 5), ("LE-001", 1)],
            products,
            "shenzhen",
        )
        for fulfilment in Fulfilment.objects.filter(order=current, status=FulfilmentStatus.TO_SHIP).exclude(
            partner__code="bama-xiangzhu"
        ):
            fulfilment_services.fulfilment_ship(
                fulfilment=fulfilment,
                user=staff,
                carrier="京东物流",
                tracking_number=f"JD{current.pk:06d}{fulfilment.pk:04d}",
                compliance_certificate=f"HGZ-{fulfilment.partner.code.upper()}-{self.today:%Y%m%d}",
            )
            if fulfilment.partner.code == "tiandong-mango":
                fulfilment_services.fulfilment_mark_delivered(fulfilment=fulfilment, user=staff)

    # ------------------------------------------------------------------ certificates and suppliers
    #: The cooperative whose organic certificate was renewed and waits for staff to verify it.
    AWAITING_VERIFICATION = ("zhaoping-tea", "organic")
    #: The cooperative suspended by staff, with the reason its people are shown.
    SUSPENDED = ("mashan-goat", "抽检发现一批次羊肉兽药残留超标，暂停销售，待整改复查。")

    def seed_certificate_states(self) -> None:
        """One certificate renewed by its cooperative and awaiting verification (its products wait
        with it); the others verified. Through the service, as the cooperative would do it."""
        from partners import certifications

        code, scheme = self.AWAITING_VERIFICATION
        certificate = Certification.objects.filter(holder__code=code, scheme_id=scheme, verified=True).first()
        if certificate is None:
            return
        certificate.valid_from = self.today - datetime.timedelta(days=5)
        certificate.valid_until = None  # the scheme's usual validity from the new start
        certifications.certification_save(certification=certificate)
        self.log(f"Certificate awaiting verification: {certificate}")

    def seed_suspension(self, cooperatives: dict[str, Partner]) -> None:
        code, reason = self.SUSPENDED
        cooperative = cooperatives[code]
        cooperative.refresh_from_db()
        if cooperative.is_active:
            cooperative_activation_set(cooperative=cooperative, active=False, reason=reason)
            self.log(f"Suspended: {cooperative.name}")

    # ------------------------------------------------------------------ job applications
    #: (post slug, name, mobile, home county, poverty-alleviated, outcomes in order); "retained" is
    #: recorded as if the hire were four months old.
    DEMO_APPLICATIONS = [
        ("dg-electronics-assembly", "韦小梅", "13877010001", "融水苗族自治县", True, []),
        ("dg-electronics-assembly", "覃海生", "13877010002", "三江侗族自治县", True, ["contacted"]),
        ("dg-electronics-assembly", "蓝玉凤", "13877010003", "融水苗族自治县", True, ["contacted", "hired"]),
        ("dg-packaging", "黄志强", "13877010004", "忻城县", False, ["hired", "retained"]),
        ("dg-packaging", "莫春兰", "13877010005", "金秀瑶族自治县", True, ["not_suitable"]),
        ("dg-packaging", "罗建新", "13877010006", None, False, []),
    ]

    def seed_applications(self) -> None:
        """Job seekers' applications (求职报名) to the demo employer's posts (employer@), in every
        outcome, through the real services. An application already there is left as it is."""
        from labor import selectors as labor_selectors
        from labor import services as labor_services
        from labor.models import JobApplication

        staff = get_user_model().objects.get(email="staff@demo.yuegui.example")
        posts = {
            post.slug: post
            for post in LaborPostPage.objects.filter(
                employer__name=data.EMPLOYERS[0][0], locale__language_code=settings.LANGUAGE_CODE
            ).select_related("employer")
        }
        for slug, name, mobile, county, poverty_alleviated, outcomes in self.DEMO_APPLICATIONS:
            post = posts.get(slug)
            if post is None or JobApplication.objects.filter(post=post, mobile=mobile).exists():
                continue
            if not labor_selectors.post_accepts_applications(post):
                continue  # an old demo database whose posts have closed
            application, _created = labor_services.application_submit(
                post=post,
                name=name,
                mobile=mobile,
                home_county=self.counties.get(county) if county else None,
                poverty_alleviated=poverty_alleviated,
                consented=True,
                language=settings.LANGUAGE_CODE,
            )
            for outcome in outcomes:
                if outcome == "retained":
                    JobApplication.objects.filter(pk=application.pk).update(
                        hired_at=timezone.now() - datetime.timedelta(days=120)
                    )
                    application.refresh_from_db()
                labor_services.application_outcome_set(application=application, status=outcome, user=staff)
        self.log(f"Job applications: {JobApplication.objects.count()}")

    def counts(self) -> dict[str, int]:
        User = get_user_model()
        return {
            "counties": County.objects.count(),
            "cooperatives": Partner.objects.count(),
            "certifications": Certification.objects.count(),
            "regional brands": RegionalBrand.objects.count(),
            "products": Product.objects.count(),
            "stock records": StockRecord.objects.count(),
            "pages": Page.objects.count(),
            "images": WagtailImage.objects.count(),
            "employers": Employer.objects.count(),
            "users": User.objects.count(),
            "orders": get_model("order", "Order").objects.count(),
            "fulfilments": get_model("fulfilment", "Fulfilment").objects.count(),
            "job applications": get_model("labor", "JobApplication").objects.count(),
        }
