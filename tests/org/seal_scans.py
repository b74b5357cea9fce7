"""Scans of a unit's 公章 for the tests and the benchmark: an A4 page with black text lines and a
red round stamp (ring and star), optionally with scanner noise."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw



def scan_image(width: int = 2480, height: int = 3508, noise: bool = True, red: bool = True) -> Image.Image:
    img = Image.new("RGB", (width, height), (246, 244, 240))
    d = ImageDraw.Draw(img)
    k = width / 2480  # sizes below are for an A4 page at 300 dpi
    for y in range(int(200 * k), int(1400 * k), int(60 * k)):
        d.rectangle((int(200 * k), y, width - int(280 * k), y + int(20 * k)), fill=(30, 30, 30))  # black text
    d.rectangle((int(150 * k), int(3300 * k), int(900 * k), int(3330 * k)), fill=(20, 40, 160))  # blue pen: not red
    if red:  # the stamp: a ring and a star
        cx, cy, r = int(1700 * k), int(2600 * k), int(420 * k)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 30, 40), width=max(4, int(28 * k)))
        d.regular_polygon((cx, cy, int(140 * k)), 5, fill=(205, 35, 45))
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
