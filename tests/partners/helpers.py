"""Builders for onboarding tests: credit codes, documents, a valid application's form data."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from partners.validators import credit_code_check_character

BAMA_DIVISION = "451227"
MASHAN_DIVISION = "450124"


def credit_code(division: str = BAMA_DIVISION, organisation: str = "MA5KXY123", prefix: str = "93") -> str:
    """A valid GB 32100 code: registration authority and type, division, organisation code, check character."""
    first17 = prefix + division + organisation
    assert len(first17) == 17
    return first17 + credit_code_check_character(first17)


def pdf_bytes(text: str = "licence") -> bytes:
    """A tiny but well-formed PDF."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n% " + text.encode()
    )


def png_bytes(size=(60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def bomb_png_bytes(width: int = 20_000, height: int = 20_000) -> bytes:
    """A real, valid 1-bit PNG of width × height pixels: ~50 KB on disk, 400 million pixels decoded.

    Written chunk by chunk (Pillow would need the whole bitmap in memory to save it).
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # bit depth 1, greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    try:  # Pillow reads the header and refuses it as a bomb
        Image.open(io.BytesIO(png))
    except Image.DecompressionBombError:
        return png
    raise AssertionError("Pillow should refuse this picture as a decompression bomb")


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def application_data(county, /, **overrides) -> dict:
    """POST data of a valid application (files included)."""
    data = {
        "kind": "cooperative",
        "name": "巴马瑶山香猪养殖专业合作社",
        "credit_code": credit_code(county.division_code or BAMA_DIVISION),
        "county": str(county.pk),
        "contact_name": "韦经理",
        "contact_phone": "13800138000",
        "contact_email": "wei@coop.example.cn",
        "households_linked": "86",
        "farmer_linkage": "保底收购脱贫户香猪，年底按交易量分红。",
        "description": "巴马香猪，年出栏三千头。",
        "business_licence": upload("营业执照.pdf", pdf_bytes(), "application/pdf"),
        "bank_licence": upload("开户许可证.pdf", pdf_bytes("bank"), "application/pdf"),
        "food_licence": upload("food.png", png_bytes(), "image/png"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
