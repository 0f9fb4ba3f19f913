"""Every picture upload is checked (size, pixels from the header, real type); replaced or deleted
pictures leave storage after commit, never before.

A 140 KB PNG of 12,000×12,000 pixels was accepted in the Oscar dashboard and the next product
view took ten seconds and a gigabyte to make its thumbnail.
"""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model
from PIL import Image

from core.uploads import validate_image
from tests.factories import CategoryFactory, UserFactory, jpeg_bytes, make_product
from tests.partners.helpers import bomb_png_bytes, png_bytes
from tests.products.conftest import csv_bytes, problems, row, zip_bytes

pytestmark = pytest.mark.django_db

ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """A valid PNG of 12,000×12,000 pixels that weighs about 140 KB."""
    data = bomb_png_bytes(12_000, 12_000)
    assert len(data) < 300_000
    return data


def polyglot_png() -> bytes:
    """A real PNG (a few KB of noise) with a page appended: a browser that sniffs would run it."""
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 80).save(buffer, format="PNG")
    assert len(buffer.getvalue()) > 2048
    return buffer.getvalue() + b"<html><script>alert(document.cookie)</script></html>"


class _FormData(HTMLParser):
    """The values a browser would send for the first form with enctype multipart (files left out)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(html: str) -> dict[str, str]:
    parser = _FormData()
    parser.feed(html)
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(email="staff@example.com", is_staff=True, is_superuser=True))
    return client


def dashboard_post(client, product, **changes):
    with translation.override("en"):
        url = reverse("dashboard:catalogue-product", kwargs={"pk": product.pk})
    data = form_data(client.get(url).content.decode())
    data.update(changes)
    return client.post(url, data)


def image_row_errors(response, index: int) -> list[str]:
    formset = response.context["image_formset"]
    return [str(error) for error in formset.forms[index].errors.get("original", [])]


# --------------------------------------------------------------------------- the checks
def test_pillow_refuses_to_open_anything_over_the_limit_wherever_it_is_opened(huge_png):
    assert Image.MAX_IMAGE_PIXELS == settings.UPLOAD_MAX_IMAGE_PIXELS
    with pytest.raises((Image.DecompressionBombError, Image.DecompressionBombWarning)):
        Image.open(io.BytesIO(huge_png))


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("huge.png", "huge", "far more than 40 million pixels"),
        ("logo.png", SVG, "SVG and HTML files are not accepted"),
        ("logo.svg", SVG, "SVG and HTML files are not accepted"),
        ("photo.png", polyglot_png(), "contains web page code"),
        ("notes.jpg", b"plain text, not a picture\n" * 30, "not a picture we can read"),
    ],
    ids=["12000x12000", "svg-called-png", "svg", "png-with-a-page", "text"],
)
def test_bad_pictures_are_refused_with_a_reason(name, data, says, huge_png):
    upload = SimpleUploadedFile(name, huge_png if data == "huge" else data, content_type="image/png")
    with translation.override("en"):
        with pytest.raises(Exception) as refused:
            validate_image(upload)
        assert says in " ".join(refused.value.messages)


def test_pixels_over_the_limit_are_refused_with_the_size(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000
    with translation.override("en"):
        with pytest.raises(Exception) as refused:
            validate_image(SimpleUploadedFile("p.png", png_bytes((60, 40)), content_type="image/png"))
        assert "The picture is 60×40 pixels; at most 0.001 million pixels" in refused.value.messages[0]


def test_the_verified_type_not_the_name_gives_the_extension():
    assert validate_image(SimpleUploadedFile("photo.png", jpeg_bytes(), content_type="image/png")) == "jpg"
    assert validate_image(SimpleUploadedFile("photo.jpg", png_bytes(), content_type="image/jpeg")) == "png"


# --------------------------------------------------------------------------- Oscar dashboard
def test_dashboard_refuses_an_oversized_picture_on_its_image_row(staff_client, huge_png):
    # Given a product with a picture
    product = make_product(title="田东香芒", category=CategoryFactory())
    before = list(ProductImage.objects.filter(product=product).values_list("original", flat=True))

    # When a 12,000×12,000 PNG is added as a second picture
    response = dashboard_post(
        staff_client, product, **{"images-1-original": SimpleUploadedFile("big.png", huge_png, "image/png")}
    )

    # Then the page comes back with the reason on that picture's row, and nothing is stored
    assert response.status_code == 200
    assert "far more than 40 million pixels" in " ".join(image_row_errors(response, 1))
    assert list(ProductImage.objects.filter(product=product).values_list("original", flat=True)) == before
    stored = list((Path(settings.MEDIA_ROOT) / "images").rglob("*.png"))
    assert stored == []


@pytest.mark.parametrize("data, says", [(SVG, "SVG and HTML"), (polyglot_png(), "web page code")])
def test_dashboard_refuses_svg_and_polyglots(staff_client, data, says):
    product = make_product(title="田东香芒", category=CategoryFactory())
    response = dashboard_post(
        staff_client, product, **{"images-1-original": SimpleUploadedFile("x.png", data, "image/png")}
    )
    assert response.status_code == 200
    assert says in " ".join(image_row_errors(response, 1))
    assert ProductImage.objects.filter(product=product).count() == 1


def test_dashboard_stores_a_good_picture_under_a_generated_name_with_its_real_type(staff_client):
    product = make_product(title="田东香芒", category=CategoryFactory())
    response = dashboard_post(
        staff_client,
        product,
        **{"images-1-original": SimpleUploadedFile("<script>我的照片.png", jpeg_bytes(), "image/png")},
    )
    assert response.status_code == 302
    added = ProductImage.objects.filter(product=product).order_by("pk").last()
    assert re.fullmatch(r"images/products/\d{4}/\d{2}/[\w-]{24}\.jpg", added.original.name)


def test_dashboard_category_image_is_checked(staff_client, huge_png):
    with translation.override("en"):
        url = reverse("dashboard:catalogue-category-create")
    data = form_data(staff_client.get(url).content.decode())
    data.update({"name": "新鲜水果", "image": SimpleUploadedFile("c.png", huge_png, "image/png")})
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "far more than 40 million pixels" in " ".join(response.context["form"].errors["image"])
    assert not Category.objects.filter(name="新鲜水果").exists()


# --------------------------------------------------------------------------- Django admin, import, Wagtail
def test_django_admin_refuses_an_oversized_product_picture(staff_client, huge_png):
    product = make_product(title="田东香芒", with_image=False)
    with translation.override("en"):
        url = reverse("admin:catalogue_productimage_add")
    response = staff_client.post(
        url,
        {
            "product": str(product.pk),
            "original": SimpleUploadedFile("big.png", huge_png, "image/png"),
            "caption": "",
            "display_order": "0",
        },
    )
    assert response.status_code == 200
    assert "far more than 40 million pixels" in " ".join(response.context["adminform"].form.errors["original"])
    assert not ProductImage.objects.filter(product=product).exists()


def test_django_admin_refuses_an_oversized_category_picture(staff_client, huge_png):
    category = CategoryFactory(name="新鲜水果")
    with translation.override("en"):
        url = reverse("admin:catalogue_category_change", args=[category.pk])
    data = form_data(staff_client.get(url).content.decode())
    data["image"] = SimpleUploadedFile("big.png", huge_png, "image/png")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "far more than 40 million pixels" in " ".join(response.context["adminform"].form.errors["image"])


def test_an_import_row_with_an_oversized_picture_is_refused(run_import, coop, huge_png):
    product_import = run_import(
        coop,
        csv_bytes([row(sku="P-1", image="big.png"), row(sku="P-2", image="ok.jpg")]),
        images=zip_bytes({"big.png": huge_png, "ok.jpg": jpeg_bytes()}),
    )
    assert problems(product_import) == [
        (
            2,
            "图片文件名",
            "The picture has far more than %(megapixels)s million pixels (at most %(side)s×%(side)s). "
            "Make it smaller and upload it again.",
        )
    ]
    stored = ProductImage.objects.get(product__stockrecords__partner_sku="P-2")
    assert stored.original.name.endswith(".jpg")


def test_an_imported_picture_is_stored_with_its_real_type(run_import, coop):
    run_import(coop, csv_bytes([row(sku="P-1", image="photo.png")]), images=zip_bytes({"photo.png": jpeg_bytes()}))
    stored = ProductImage.objects.get(product__stockrecords__partner_sku="P-1")
    assert stored.original.name.endswith(".jpg")


def test_wagtail_refuses_an_oversized_image(staff_client, huge_png):
    from wagtail.images import get_image_model
    from wagtail.images.forms import get_image_form

    Image_ = get_image_model()
    form_class = get_image_form(Image_)
    with translation.override("en"):
        form = form_class(
            data={"title": "巨图"},
            files={"file": SimpleUploadedFile("big.png", huge_png, "image/png")},
            user=UserFactory(email="editor@example.com", is_superuser=True),
        )
        assert not form.is_valid()
        assert "too many pixels" in " ".join(form.errors["file"])


def test_wagtail_refuses_svg_and_a_jpeg_called_png(staff_client):
    from wagtail.images import get_image_model
    from wagtail.images.forms import get_image_form

    form_class = get_image_form(get_image_model())
    user = UserFactory(email="editor@example.com", is_superuser=True)
    for name, data in (("logo.svg", SVG), ("logo.png", SVG), ("photo.png", jpeg_bytes())):
        form = form_class(data={"title": "图"}, files={"file": SimpleUploadedFile(name, data)}, user=user)
        assert not form.is_valid(), name


def test_a_product_page_with_an_oversized_stored_picture_does_not_decode_it(client, huge_png):
    # A picture stored before these checks (or by hand) is never decoded: its thumbnail is skipped.
    product = make_product(title="田东香芒", with_image=False)
    ProductImage.objects.create(product=product, original=ContentFile(huge_png, name="old-huge.png"))
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    assert not list((Path(settings.MEDIA_ROOT) / "cache").rglob("*"))


# --------------------------------------------------------------------------- files left behind
def test_replacing_a_picture_in_the_dashboard_deletes_the_old_file_after_commit(
    staff_client, django_capture_on_commit_callbacks
):
    product = make_product(title="田东香芒", category=CategoryFactory())
    image = ProductImage.objects.get(product=product)
    old_path = Path(image.original.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = dashboard_post(
            staff_client,
            product,
            **{"images-0-original": SimpleUploadedFile("new.jpg", jpeg_bytes(colour=(200, 10, 10)), "image/jpeg")},
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert Path(image.original.path).read_bytes() == jpeg_bytes(colour=(200, 10, 10))
    assert not old_path.exists()


def test_deleting_a_picture_in_the_dashboard_deletes_the_file_after_commit(
    staff_client, django_capture_on_commit_callbacks
):
    product = make_product(title="田东香芒", category=CategoryFactory())
    old_path = Path(ProductImage.objects.get(product=product).original.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = dashboard_post(staff_client, product, **{"images-0-DELETE": "on"})
    assert response.status_code == 302
    assert not ProductImage.objects.filter(product=product).exists()
    assert not old_path.exists()


def test_deleting_a_picture_in_the_django_admin_deletes_the_file(staff_client, django_capture_on_commit_callbacks):
    product = make_product(title="田东香芒", category=CategoryFactory())
    image = ProductImage.objects.get(product=product)
    old_path = Path(image.original.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("admin:catalogue_productimage_delete", args=[image.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not old_path.exists()


def test_deleting_a_product_deletes_its_pictures_and_their_thumbnails(client, django_capture_on_commit_callbacks):
    product = make_product(title="田东香芒", category=CategoryFactory())
    old_path = Path(ProductImage.objects.get(product=product).original.path)
    client.get(product.get_absolute_url())  # makes the thumbnails
    thumbnails = list((Path(settings.MEDIA_ROOT) / "cache").rglob("*.*"))
    assert thumbnails
    with django_capture_on_commit_callbacks(execute=True):
        product.delete()
    assert not old_path.exists()
    assert not any(path.exists() for path in thumbnails)


def test_a_rolled_back_picture_deletion_keeps_the_file(django_capture_on_commit_callbacks):
    product = make_product(title="田东香芒", category=CategoryFactory())
    image = ProductImage.objects.get(product=product)
    image_pk, old_path = image.pk, Path(image.original.path)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        image.delete()
        raise RuntimeError("the rest of the change fails")
    assert ProductImage.objects.filter(pk=image_pk).exists()
    assert old_path.exists()


def test_a_rolled_back_picture_replacement_keeps_the_old_file(django_capture_on_commit_callbacks):
    product = make_product(title="田东香芒", category=CategoryFactory())
    image = ProductImage.objects.get(product=product)
    old_name, old_path = image.original.name, Path(image.original.path)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        image.original = ContentFile(jpeg_bytes(colour=(1, 2, 3)), name="replacement.jpg")
        image.save()
        raise RuntimeError("the rest of the change fails")
    image.refresh_from_db()
    assert image.original.name == old_name and old_path.exists()


def test_replacing_a_category_picture_deletes_the_old_file(django_capture_on_commit_callbacks):
    category = CategoryFactory(name="新鲜水果")
    category.image.save("fruit.jpg", ContentFile(jpeg_bytes()), save=True)
    old_path = Path(category.image.path)
    with django_capture_on_commit_callbacks(execute=True):
        category.image = ContentFile(jpeg_bytes(colour=(9, 9, 9)), name="fruit-new.jpg")
        category.save()
    assert not old_path.exists() and Path(category.image.path).exists()


def test_a_reimported_picture_deletes_the_earlier_one_after_commit(run_import, coop):
    run_import(coop, csv_bytes([row(sku="P-1", image="a.jpg")]), images=zip_bytes({"a.jpg": jpeg_bytes()}))
    first = ProductImage.objects.get(product__stockrecords__partner_sku="P-1")
    first_path = Path(first.original.path)
    run_import(
        coop,
        csv_bytes([row(sku="P-1", image="a.jpg")]),
        images=zip_bytes({"a.jpg": jpeg_bytes(colour=(200, 0, 0))}),
    )
    second = ProductImage.objects.get(product__stockrecords__partner_sku="P-1")
    assert second.pk != first.pk and Path(second.original.path).exists()
    assert not first_path.exists()


def test_wagtail_profile_picture_is_checked_like_ours(huge_png):
    from wagtail.admin.forms.account import AvatarPreferencesForm
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(UserFactory(email="employer@example.com"))
    upload = SimpleUploadedFile("me.png", huge_png, "image/png")
    form = AvatarPreferencesForm(data={}, files={"avatar": upload}, instance=profile)
    with translation.override("en"):
        assert not form.is_valid()
        assert "far more than 40 million pixels" in " ".join(form.errors["avatar"])
