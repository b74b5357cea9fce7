"""Scans of a unit's 公章 for the tests and the benchmark: an A4 page with black text lines and a
red round stamp (ring and star), optionally with scanner noise."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw

#: Where the stamp is on the default page: centre and outer radius, in pixels.
STAMP = (1700, 2600, 420)


def scan_image(width: int = 2480, height: int = 3508, noise: bool = True, red: bool = True) -> Image.Image:
    img = Image.new("RGB", (width, height), (246, 244, 240))
    d = ImageDraw.Draw(img)
    for y in range(200, min(1400, height - 100), 60):
        d.rectangle((200, y, width - 280, y + 20), fill=(30, 30, 30))  # black text lines
    d.rectangle((150, 3300, 900, 3330), fill=(20, 40, 160))  # a blue pen's line: not red
    if red:
        cx, cy, r = STAMP
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 30, 40), width=28)
        d.regular_polygon((cx, cy, 140), 5, fill=(205, 35, 45))
    if noise:
        grain = Image.effect_noise((width, height), 40).convert("RGB")
        img = Image.blend(img, grain, 0.12)
    return img


def scan_bytes(fmt: str = "JPEG", quality: int = 97, **kwargs) -> bytes:
    out = io.BytesIO()
    image = scan_image(**kwargs)
    if fmt == "JPEG":
        image.save(out, fmt, quality=quality)
    else:
        image.save(out, fmt)
    return out.getvalue()
