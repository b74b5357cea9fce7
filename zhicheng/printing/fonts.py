"""The form's embedded TrueType font, loaded into ReportLab and xhtml2pdf.

The face is zhicheng/fonts/ZhichengSerifSC-Regular.ttf: a subset of Noto Serif CJK
SC with TrueType outlines, made by tools/build_font.py (ReportLab embeds only glyf
outlines). It is read through an mmap into compact tables rather than by
ReportLab's own parser, which keeps 13 MB of Python objects per process.

This is the one module that reaches into ReportLab's internals, which is why
pyproject.toml pins ReportLab to the tested minor version. It relies on these
private or undocumented names of reportlab.pdfbase.ttfonts, all at 5.1:

- TTFontFile.__init__(file, charInfo=0): parse the tables except cmap/hmtx/loca;
- TTFontFile._ttf_data, get_table_pos(), get_table(), _pdfScale, numGlyphs;
- the attributes a face is read through after registration: charWidths,
  defaultWidth, charToGlyph, glyphPos, hmetrics;
- TTFont's fields set by hand in _Font (fontName, face, encoding, state,
  _asciiReadable, shapable) and TTEncoding;
- the module global makeToUnicodeCMap, replaced process-wide by _to_unicode_cmap;
- xhtml2pdf.default.DEFAULT_FONT, the family table every document starts from.

tests/printing/test_printing.py's test_registered_face_has_reportlabs_own_tables_in_compact_form
compares the face with ReportLab's own parse of the file, and its rendering tests
extract the text back (𠮷 included): a ReportLab upgrade that changes any of these
fails there first.
"""
from __future__ import annotations

import mmap
import sys
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from pathlib import Path
from struct import unpack_from
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics, ttfonts

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "ZhichengSerifSC-Regular.ttf"
#: The face's name in ReportLab's registry, and the font-family the template asks for.
FONT_NAME = "ZhichengSerifSC"
FONT_FAMILY = "zhsong"

_lock = threading.Lock()
_registered = False


def _to_unicode_cmap(fontname: str, subset) -> str:
    """ReportLab's ToUnicode CMap, with characters beyond U+FFFF written as UTF-16.

    ReportLab writes every destination as "<%04X>", so 𠮷 (U+20BB7) came out as
    the odd-length "<20BB7>", which PDF readers reject: copy, search and text
    extraction lost the character. A bfchar destination is UTF-16BE (PDF 32000
    9.10.3), i.e. a surrogate pair "<D842DFB7>" for such a character.
    """
    def utf16(cp: int) -> str:
        if cp <= 0xFFFF:
            return "%04X" % cp
        return chr(cp).encode("utf-16-be").hex().upper()

    return "\n".join([
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        "<< /Registry (%s)" % fontname,
        "/Ordering (%s)" % fontname,
        "/Supplement 0",
        ">> def",
        "/CMapName /%s def" % fontname,
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange",
        "%d beginbfchar" % len(subset),
        *("<%02X> <%s>" % (i, utf16(v)) for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ])


class _MappedFont:
    """The font file for ReportLab's parser: read() hands out a read-only mmap, not a copy.

    TTFontParser keeps whatever read() returns as the face's data and only ever
    slices, indexes and unpacks it, which an mmap answers like bytes. The 14 MB
    file then costs the process only the pages actually read -- the tables that
    registration parses and the glyphs that documents embed -- instead of a
    resident copy in every worker; the pages are the file's, shared by every
    process that maps it.
    """

    def __init__(self, path: Path) -> None:
        self.name = str(path)  # ReportLab's face.filename
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)

    def read(self) -> mmap.mmap:
        return self._map


def _be_array(typecode: str, data, pos: int, count: int) -> array:
    """`count` big-endian unsigned integers ("H": 16 bits, "I": 32) of the font file from `pos`."""
    values = array(typecode)
    values.frombytes(data[pos:pos + count * values.itemsize])
    if sys.byteorder == "little":
        values.byteswap()
    return values


class _TableView:
    """A table of the font file, sliced without copying the whole of it first.

    ReportLab's TTFontFile.get_table() returns `data[pos:pos + length]`, and
    makeSubset() asks for the 'glyf' table once for every subset of 256
    characters a document uses: with a CJK face that is a copy of 12 MB each
    time (several ms) to take a few hundred glyphs out of it. This answers the
    same slices, as bytes, from a memoryview.
    """

    __slots__ = ("_view",)

    def __init__(self, data, pos: int, length: int) -> None:
        self._view = memoryview(data)[pos:pos + length]

    def __len__(self) -> int:
        return len(self._view)

    def __getitem__(self, key) -> bytes:
        return bytes(self._view[key])


class _CharMap(Mapping):
    """charToGlyph as runs of consecutive characters on consecutive glyphs.

    The face's 32,540 characters fall into fewer than 3,000 such runs: three
    arrays of run starts, ends and first glyphs instead of a dict of as many
    boxed ints (3.5 MB). ReportLab looks a character up here the first time a
    document draws it and when it embeds the glyph, so a binary search is as
    good as a hash.
    """

    __slots__ = ("_first", "_last", "_glyph", "_len")

    def __init__(self, codes: array, glyphs: array) -> None:
        """From the characters in ascending order and their glyphs."""
        first, last, glyph = array("I"), array("I"), array("I")
        for code, gid in zip(codes, glyphs):
            if first and code == last[-1] + 1 and gid == glyph[-1] + code - first[-1]:
                last[-1] = code
            else:
                first.append(code)
                last.append(code)
                glyph.append(gid)
        self._first, self._last, self._glyph, self._len = first, last, glyph, len(codes)

    def _run(self, code: int) -> int:
        i = bisect_right(self._first, code) - 1
        return i if i >= 0 and code <= self._last[i] else -1

    def __getitem__(self, code: int) -> int:
        i = self._run(code) if isinstance(code, int) else -1
        if i < 0:
            raise KeyError(code)
        return self._glyph[i] + code - self._first[i]

    def __contains__(self, code) -> bool:
        return isinstance(code, int) and self._run(code) >= 0

    def __iter__(self):
        for first, last in zip(self._first, self._last):
            yield from range(first, last + 1)

    def __len__(self) -> int:
        return self._len


class _Metrics:
    """hmetrics, (advance width, left side bearing) by glyph, as two arrays."""

    __slots__ = ("_advance", "_bearing")

    def __init__(self, advance: array, bearing: array) -> None:
        self._advance, self._bearing = advance, bearing

    def __len__(self) -> int:
        return len(self._advance)

    def __getitem__(self, glyph: int) -> tuple[int, int]:
        return self._advance[glyph], self._bearing[glyph]


class _Face(ttfonts.TTFontFace):
    """ReportLab's TrueType face, with the per-character tables kept compact.

    ReportLab's own parser (TTFontFile.extractInfo) reads 'cmap', 'hmtx' and
    'loca' into dicts and lists of Python ints, tuples and lists: several
    objects per glyph, 13 MB for this face's 32,000 glyphs, which the process
    keeps as its high-water mark even where they are given up afterwards.
    Here ReportLab parses everything else (charInfo=0) and the three tables
    are read straight into what ReportLab looks up after registration:

    - charWidths, read as `charWidths.get(code, defaultWidth)` for every
      character laid out: a dict of the widths other than the default (about
      500 of 32,540 -- the CJK characters are all one em wide);
    - charToGlyph, looked up and iterated: a _CharMap;
    - glyphPos ('loca') and hmetrics, looked up by glyph when a subset is
      embedded: arrays;
    - no glyphToChar: only shaping reads it, and _Font never shapes.

    The contents are ReportLab's (tests/printing/test_printing.py compares them with its
    own parse). Only the cmap formats a Unicode TrueType font uses, 4 and 12,
    are read.
    """

    def __init__(self, file: _MappedFont) -> None:
        pdfmetrics.TypeFace.__init__(self, None)
        ttfonts.TTFontFile.__init__(self, file, charInfo=0)
        codes, glyphs = self._read_cmap()
        advance, bearing = self._read_hmtx()
        scale = self._pdfScale
        self.defaultWidth = default = scale(advance[0])
        self.charWidths = {}
        for code, gid in zip(codes, glyphs):
            if gid < self.numGlyphs and scale(advance[gid]) != default:
                self.charWidths[code] = scale(advance[gid])
        self.charToGlyph = _CharMap(codes, glyphs)
        self.hmetrics = _Metrics(advance, bearing)
        self.glyphPos = self._read_loca()

    def get_table(self, tag):
        if tag == "glyf":  # sliced glyph by glyph in makeSubset(): see _TableView
            return _TableView(self._ttf_data, *self.get_table_pos(tag))
        return super().get_table(tag)

    def _read_cmap(self) -> tuple[array, array]:
        """The characters in ascending order and their glyphs, from the subtable ReportLab would use."""
        data = self._ttf_data
        base = self.get_table_pos("cmap")[0]
        chosen, have_unicode = None, False
        for i in range(unpack_from(">H", data, base + 2)[0]):
            platform, encoding, offset = unpack_from(">HHL", data, base + 4 + 8 * i)
            if platform == 3 or (platform, encoding) == (1, 1) or (platform == 0 and encoding != 5):
                chosen, have_unicode = offset, True
            elif (platform, encoding) == (1, 0) and not have_unicode:
                chosen = offset
        if chosen is None:
            raise ttfonts.TTFError("could not find a suitable cmap encoding")
        pos = base + chosen
        fmt = unpack_from(">H", data, pos)[0]
        codes, glyphs = array("I"), array("I")
        if fmt == 12:
            for i in range(unpack_from(">L", data, pos + 12)[0]):
                start, end, gid = unpack_from(">LLL", data, pos + 16 + 12 * i)
                codes.extend(range(start, end + 1))
                glyphs.extend(range(gid, gid + end - start + 1))
        elif fmt == 4:
            length, _, segs2 = unpack_from(">HHH", data, pos + 2)
            n = segs2 // 2
            ends = _be_array("H", data, pos + 14, n)
            starts = _be_array("H", data, pos + 16 + segs2, n)
            deltas = _be_array("H", data, pos + 16 + 2 * segs2, n)
            range_offsets = _be_array("H", data, pos + 16 + 3 * segs2, n)
            for k in range(n):
                for code in range(starts[k], ends[k] + 1):
                    if range_offsets[k] == 0:
                        gid = (code + deltas[k]) & 0xFFFF
                    else:
                        at = pos + 16 + 3 * segs2 + 2 * k + range_offsets[k] + 2 * (code - starts[k])
                        gid = unpack_from(">H", data, at)[0] if at < pos + length else 0
                        if gid:
                            gid = (gid + deltas[k]) & 0xFFFF
                    codes.append(code)
                    glyphs.append(gid)
        else:
            raise ttfonts.TTFError(f"cmap format {fmt} is not read here (only 4 and 12)")
        # As ReportLab does: a no-break space draws as the space, or the other way round.
        space, nbsp = bisect_left(codes, 0x20), bisect_left(codes, 0xA0)
        has_space = space < len(codes) and codes[space] == 0x20
        if has_space or (nbsp < len(codes) and codes[nbsp] == 0xA0):
            code, gid = (0xA0, glyphs[space]) if has_space else (0x20, glyphs[nbsp])
            at = bisect_left(codes, code)
            if at < len(codes) and codes[at] == code:
                glyphs[at] = gid
            else:
                codes.insert(at, code)
                glyphs.insert(at, gid)
        return codes, glyphs

    def _read_hmtx(self) -> tuple[array, array]:
        data = self._ttf_data
        full = unpack_from(">H", data, self.get_table_pos("hhea")[0] + 34)[0]  # numberOfHMetrics
        pos = self.get_table_pos("hmtx")[0]
        pairs = _be_array("H", data, pos, 2 * full)
        advance, bearing = pairs[0::2], pairs[1::2]
        # The glyphs after the last full metric have its advance and a bearing of their own.
        rest = self.numGlyphs - full
        advance.extend(array("H", advance[-1:]) * rest)
        bearing.extend(_be_array("H", data, pos + 4 * full, rest))
        return advance, bearing

    def _read_loca(self) -> array:
        data = self._ttf_data
        long_offsets = unpack_from(">h", data, self.get_table_pos("head")[0] + 50)[0]  # indexToLocFormat
        pos = self.get_table_pos("loca")[0]
        if long_offsets:
            return _be_array("I", data, pos, self.numGlyphs + 1)
        return array("I", (2 * half for half in _be_array("H", data, pos, self.numGlyphs + 1)))


class _Font(ttfonts.TTFont):
    """ReportLab's TTFont on a _Face (TTFont.__init__ would parse the file into a face of its own).

    Never shaped: Chinese needs no OpenType shaping, ReportLab's paragraph
    styles do not ask for it, and the face has no glyphToChar for it.
    """

    def __init__(self, name: str, face: _Face) -> None:
        self.fontName = name
        self.face = face
        self.encoding = ttfonts.TTEncoding()
        self.state = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = False


def register_fonts() -> None:
    """Register the form's font with ReportLab and xhtml2pdf. Idempotent, thread-safe.

    Loading the face reads its tables once per process (about 15 ms; see
    _Face), through an mmap of the file; every document then embeds only the
    glyphs it uses.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        from reportlab.lib.fonts import addMapping
        from xhtml2pdf import default as x2p_default

        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_Font(FONT_NAME, _Face(_MappedFont(FONT_PATH))))
        # One weight: bold and italic draw with the same face (the headings are
        # set larger rather than bolder), so <b> or <th> never falls back to Helvetica.
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT_NAME, bold, italic, FONT_NAME)
                addMapping(FONT_FAMILY, bold, italic, FONT_NAME)
        # Every xhtml2pdf document starts from a copy of this table, so the
        # template's font-family resolves without a per-document @font-face
        # (which would hash the 14 MB file on every render).
        x2p_default.DEFAULT_FONT[FONT_FAMILY] = FONT_NAME
        x2p_default.DEFAULT_FONT[FONT_NAME.lower()] = FONT_NAME
        _registered = True
