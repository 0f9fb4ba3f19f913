"""Demo pictures drawn with Pillow, so the demo needs nothing from the network."""

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Common places of a CJK font on Debian, Ubuntu, macOS and Windows.
CJK_FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
]

PALETTE = {
    "粮油米面": ((222, 184, 135), (139, 90, 43)),
    "新鲜水果": ((255, 179, 71), (204, 85, 0)),
    "茶叶": ((120, 180, 110), (34, 85, 34)),
    "肉禽蛋品": ((230, 120, 110), (139, 35, 35)),
    "水产品": ((110, 170, 220), (20, 70, 130)),
    "山珍干货": ((170, 140, 110), (90, 60, 40)),
    "加工食品": ((240, 200, 90), (150, 100, 0)),
}
DEFAULT_COLOURS = ((150, 190, 160), (30, 90, 60))


@lru_cache(maxsize=8)
def _font(size: int):
    for candidate in CJK_FONT_CANDIDATES:
        if Path(candidate).exists():
            try:
                return ImageFont.truetype(candidate, size), True
            except OSError:
                continue
    return ImageFont.load_default(size=size), False


def draw_picture(title: str, *, subtitle: str = "", theme: str = "", size=(600, 600), fallback_text: str = "") -> bytes:
    """A JPEG with a gradient in the theme's colours, a simple motif and the title.

    Without a CJK font installed the ``fallback_text`` (e.g. pinyin) is drawn instead.
    """
    light, dark = PALETTE.get(theme, DEFAULT_COLOURS)
    width, height = size
    image = Image.new("RGB", size, light)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        ratio = y / height
        colour = tuple(int(light[i] * (1 - ratio) + dark[i] * ratio * 0.6 + 255 * ratio * 0.2) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    seed = int(hashlib.sha256(title.encode()).hexdigest(), 16)
    for index in range(5):
        radius = 40 + (seed >> (index * 8)) % 90
        cx = (seed >> (index * 5)) % width
        cy = (seed >> (index * 7)) % (height // 2) + height // 6
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=dark, width=6)
    font, has_cjk = _font(max(28, width // 14))
    small, _ = _font(max(18, width // 26))
    text = title if has_cjk else (fallback_text or "demo")
    band_top = int(height * 0.68)
    draw.rectangle([0, band_top, width, height], fill=(255, 255, 255))
    draw.text((width // 2, band_top + (height - band_top) // 3), text, font=font, fill=dark, anchor="mm")
    if subtitle and has_cjk:
        draw.text(
            (width // 2, band_top + 2 * (height - band_top) // 3), subtitle, font=small, fill=(60, 60, 60), anchor="mm"
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer.getvalue()
