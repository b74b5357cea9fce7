"""单位签章: the electronic seal made from a scan of the unit's 公章, and the seal of a unit for its forms.

The unit uploads a colour scan (JPG, PNG, BMP, TIFF, WebP); `make_seal` finds the red of the
stamp, crops the image to it, makes everything that is not red transparent (partly red pixels at
the edge of the ink are partly transparent) and keeps the red as scanned. The result is a PNG of
at most SEAL_SIZE pixels a side, stored through zhicheng.storage; `seal_for(unit)` gives it to
the printed forms (the 单位意见 box).

Speed: a JPEG is decoded at a reduced scale (Pillow's `draft`, the DCT scaling of libjpeg), the
red is found with band operations in C (no per-pixel Python), so a 4 MB scan takes well under a
second (bench/bench_seal.py).
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

from zhicheng.domain import DomainError

#: Largest scan accepted, in bytes.
MAX_SCAN_BYTES = 8 * 1024 * 1024
#: Largest scan accepted, in pixels (a decompression bomb is refused before it is decoded).
MAX_SCAN_PIXELS = 50_000_000
#: The side, in pixels, a larger scan is reduced to before the seal is looked for (a JPEG is decoded
#: straight at a scale near it).
WORK_SIZE = 1800
#: The shorter side a JPEG keeps when it is decoded at a reduced scale.
DRAFT_SIDE = 1000
#: The longest side of the stored seal, in pixels (4 cm printed at about 250 dpi).
SEAL_SIZE = 400
#: How much redder than green and blue a pixel must be to count as ink (0-255).
RED_THRESHOLD = 60
#: Below this the pixel is fully transparent; the alpha rises over the next RED_RAMP levels.
RED_FLOOR = 25
RED_RAMP = 60
#: The block size (pixels) in which stray red specks are told from the stamp.
SPECK = 4
#: Formats accepted (Pillow's names).
FORMATS = {"JPEG", "PNG", "BMP", "TIFF", "WEBP", "MPO"}


class SealError(DomainError):
    """A scan from which no seal can be made; the message says why."""


@dataclass(frozen=True)
class Seal:
    """An electronic seal: PNG bytes with a transparent background."""

    png: bytes
    width: int
    height: int

    @property
    def data_uri(self) -> str:
        """For an <img src>, in the printed form (which may fetch no file)."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def _open(data: bytes) -> Image.Image:
    if not data:
        raise SealError("上传的文件为空，请选择公章扫描件")
    if len(data) > MAX_SCAN_BYTES:
        raise SealError(f"公章扫描件不能超过{MAX_SCAN_BYTES // (1024 * 1024)}M")
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError):
        raise SealError("公章扫描件须为图片（JPG、PNG、BMP、TIFF或WebP），不能识别上传的文件") from None
    if image.format not in FORMATS:
        raise SealError("公章扫描件须为图片（JPG、PNG、BMP、TIFF或WebP），不能识别上传的文件")
    width, height = image.size
    if width * height > MAX_SCAN_PIXELS:
        raise SealError("公章扫描件的像素过多，请以300dpi左右的分辨率扫描")
    if min(width, height) < 50:
        raise SealError("公章扫描件太小，请上传清晰的扫描件（边长至少50像素）")
    if image.format in ("JPEG", "MPO"):
        # Decoded at 1/2, 1/4 or 1/8 scale, keeping the shorter side at least DRAFT_SIDE: much faster.
        image.draft("RGB", (DRAFT_SIDE, DRAFT_SIDE))
    try:
        image = ImageOps.exif_transpose(image)
        if max(image.size) > WORK_SIZE:
            image.thumbnail((WORK_SIZE, WORK_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0)
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            # A transparent background counts as white paper.
            base = Image.new("RGBA", image.size, (255, 255, 255, 255))
            base.alpha_composite(image.convert("RGBA"))
            image = base
        return image.convert("RGB")
    except (OSError, ValueError, SyntaxError):
        raise SealError("公章扫描件已损坏，无法读取，请重新扫描后上传") from None


def redness(image: Image.Image) -> Image.Image:
    """An 'L' image: how much redder than green and blue each pixel is (0 for white, grey, black, blue)."""
    r, g, b = image.split()
    return ImageChops.subtract(r, ImageChops.lighter(g, b))


def make_seal(data: bytes) -> Seal:
    """The electronic seal made from a scan's bytes, or SealError with the reason in Chinese."""
    image = _open(data)
    red = redness(image)
    ink = red.point(lambda v: 255 if v >= RED_THRESHOLD else 0)
    # Looked for on a 1/4 scale where a block counts only when mostly ink: lone red specks (dust, a
    # red pen's dot) do not widen the crop.
    coarse = ink.reduce(SPECK).point(lambda v: 255 if v >= 128 else 0).getbbox()
    if coarse is None:
        raise SealError("未能在图片中识别出红色印章，请上传加盖红色公章的彩色扫描件")
    # Back to full scale, then tightened to the ink inside (the coarse box may be a block too wide).
    wide = (max(0, (coarse[0] - 1) * SPECK), max(0, (coarse[1] - 1) * SPECK),
            min(image.width, (coarse[2] + 1) * SPECK), min(image.height, (coarse[3] + 1) * SPECK))
    inner = ink.crop(wide).getbbox() or (0, 0, wide[2] - wide[0], wide[3] - wide[1])
    left, top, right, bottom = (wide[0] + inner[0], wide[1] + inner[1], wide[0] + inner[2], wide[1] + inner[3])
    if right - left < 30 or bottom - top < 30:
        raise SealError("图片中的红色印章太小，请上传清晰的公章扫描件")
    pad = max(2, (right - left) // 50)
    box = (max(0, left - pad), max(0, top - pad), min(image.width, right + pad), min(image.height, bottom + pad))
    seal = image.crop(box)
    alpha = red.crop(box).point(lambda v: 0 if v < RED_FLOOR else min(255, (v - RED_FLOOR) * 255 // RED_RAMP))
    seal.putalpha(alpha)
    seal.thumbnail((SEAL_SIZE, SEAL_SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    seal.save(out, "PNG", compress_level=3)
    return Seal(out.getvalue(), seal.width, seal.height)


def seal_for(unit) -> Seal | None:
    """The unit's stored electronic seal, or None when it has none (or the file is gone)."""
    name = getattr(unit, "seal_file", None) if unit is not None else None
    if not name:
        return None
    from zhicheng import storage
    try:
        with storage.open_file(name) as stream:
            png = stream.read()
    except FileNotFoundError:
        return None
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    return Seal(png, width, height)
