"""Draw zhicheng/static/favicon.ico: the character 职 in white on the seal red of the forms.

Run offline, by hand, when the icon should change; the result is committed. The character is
drawn with the bundled font (zhicheng/fonts/, SIL OFL 1.1), so no outside artwork is involved.

Usage::

    python tools/build_favicon.py
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "zhicheng" / "fonts" / "ZhichengSerifSC-Regular.ttf"
OUT = ROOT / "zhicheng" / "static" / "favicon.ico"
RED = (192, 32, 38, 255)


def build() -> None:
    size = 256
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=40, fill=RED)
    font = ImageFont.truetype(str(FONT), 200)
    draw.text((size / 2, size / 2), "职", font=font, fill="white", anchor="mm")
    image.save(OUT, sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    build()
