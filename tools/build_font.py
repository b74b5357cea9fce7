"""Build zhicheng/fonts/ZhichengSerifSC-Regular.ttf, the font the printed forms use.

Run offline, by hand, when the font has to change; nothing runs it at build or
install time, and the result is committed.

Source: Noto Serif CJK SC Regular from the Debian package fonts-noto-cjk
(``apt-get install fonts-noto-cjk``; the SC face is index 2 of
NotoSerifCJK-Regular.ttc). Licence: SIL Open Font License 1.1, copied to
zhicheng/fonts/LICENSE-OFL.txt with the package's copyright notice.

Why it is not used as it is:

* ReportLab embeds only TrueType (glyf) outlines; Noto CJK has PostScript (CFF)
  outlines. They are redrawn as quadratic curves with fontTools' cu2qu, within
  one font unit (1/1000 em) of the original, as fontTools' otf2ttf does.
* The full face has 65,535 glyphs (three more regions' forms than a
  Simplified Chinese form needs) and takes long to load. It is cut down to
  what a 职称 form can hold: ASCII/Latin, pinyin letters, common symbols, CJK
  and full-width punctuation, all of CJK Unified Ideographs (which contains
  GB2312 and GBK's hanzi), Extension A (e.g. 䶮), the compatibility
  ideographs, and every supplementary-plane ideograph the face has (2,306 in
  Extensions B-G, e.g. 𠮷 U+20BB7, the rare personal-name characters).
* OpenType layout (GSUB/GPOS: vertical forms, locl), vertical metrics and
  hinting are dropped: ReportLab uses none of them.
* A Modified Version under the OFL is renamed: "Zhicheng Serif SC".

Usage::

    apt-get install fonts-noto-cjk
    python tools/build_font.py [SOURCE.ttc] [OUTPUT.ttf]
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
SC_INDEX = 2
OUTPUT = ROOT / "zhicheng" / "fonts" / "ZhichengSerifSC-Regular.ttf"
FAMILY = "Zhicheng Serif SC"
PS_NAME = "ZhichengSerifSC-Regular"
MAX_ERROR = 1.0  # font units, of 1000 per em

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A/B (pinyin ā á ǎ à ǚ …)
    (0x02C6, 0x02DD),  # spacing modifiers ˇ ˉ ˊ ˋ
    (0x0370, 0x03FF),  # Greek (α β μ Ω in 业绩)
    (0x0400, 0x045F),  # Cyrillic (GB2312 has it)
    (0x2010, 0x205E),  # general punctuation — ‘’ “” … ‰ ※
    (0x20AC, 0x20AC),  # €
    (0x2100, 0x218F),  # letterlike, number forms ℃ № Ⅰ Ⅻ
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators ≤ ≥ ± √ ∞
    (0x2460, 0x24FF),  # enclosed alphanumerics ① ⑴ ⒈
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes □ ■ ○ ● △
    (0x2600, 0x26FF),  # misc symbols ★ ☆ ☑
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation 、。《》【】〇
    (0x3040, 0x30FF),  # kana (GB2312 has it)
    (0x3100, 0x312F),  # bopomofo
    (0x3200, 0x33FF),  # enclosed CJK ㈠ ㊣, CJK compatibility ㎡ ㎏
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half- and full-width forms
    (0x20000, 0x3134F),  # CJK Extensions B-G: whatever the face has
]


def wanted(cmap: dict[int, str]) -> list[int]:
    return sorted(cp for cp in cmap if any(lo <= cp <= hi for lo, hi in RANGES))


def cff_to_glyf(font: TTFont) -> None:
    """Replace the CFF outlines of `font` with TrueType ones (as otf2ttf does)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # PostScript contours run counter-clockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: nothing here needs them
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    name = font["name"]
    notice = ("Modified from Noto Serif CJK SC 2.001 (fonts-noto-cjk, Debian): subset to the "
              "characters a form prints and converted to TrueType outlines by "
              "tools/build_font.py of the zhicheng project.")
    for record in list(name.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 7, 10, 11):
            name.removeNames(nameID=record.nameID)
    for plat in ((3, 1, 0x409), (1, 0, 0)):
        name.setName(FAMILY, 1, *plat)
        name.setName(f"{FAMILY} Regular", 4, *plat)
        name.setName(f"{PS_NAME};zhicheng", 3, *plat)
        name.setName(PS_NAME, 6, *plat)
        name.setName(notice, 10, *plat)


def build(source: Path, output: Path) -> None:
    if source.suffix.lower() == ".ttc":
        font = TTCollection(str(source)).fonts[SC_INDEX]
    else:
        font = TTFont(str(source))
    codepoints = wanted(font.getBestCmap())
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG", "DSIG"]
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    cff_to_glyf(font)
    rename(font)
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(output))
    print(f"{output}: {len(codepoints)} characters, {len(font.getGlyphOrder())} glyphs, "
          f"{output.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE,
          Path(sys.argv[2]) if len(sys.argv) > 2 else OUTPUT)
