"""Static files of the fixture site: stylesheet, script, logo, images and downloadable files.

All are generated here as bytes so the package needs no package data. The PDF and the CSV sit
at article-like URLs; they are what a crawler must recognise as "not an article" by its
Content-Type rather than by its URL.
"""

from __future__ import annotations

STYLESHEET = """\
:root { --ink: #1b1b1b; --accent: #0b4f6c; --rule: #d6d6d6; }
body { margin: 0; font-family: Georgia, "Times New Roman", serif; color: var(--ink); }
a { color: var(--accent); }
.site-header, .site-footer { padding: 1rem 2rem; border-bottom: 1px solid var(--rule); }
.site-footer { border-top: 1px solid var(--rule); border-bottom: 0; font-size: .85rem; }
.primary-nav ul, .footer-nav ul, .share-bar { list-style: none; display: flex; gap: 1rem;
  padding: 0; }
.layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 1fr); gap: 2rem;
  padding: 0 2rem; }
.ad { background: #f3f3f3; text-align: center; padding: .5rem; margin: 1rem 0; }
.ad-label { font: 11px/1 sans-serif; text-transform: uppercase; letter-spacing: .08em; }
.cookie-banner, .push-prompt { position: fixed; bottom: 0; left: 0; right: 0;
  background: #fff; border-top: 2px solid var(--accent); padding: 1rem; }
.push-prompt { top: 0; bottom: auto; }
.pull-quote { font-size: 1.4rem; border-left: 4px solid var(--accent); padding-left: 1rem; }
.comments, .related, .most-read, .newsletter { border-top: 1px solid var(--rule);
  margin-top: 2rem; }
"""

SCRIPT = """\
// Dismiss the cookie banner and the push prompt; nothing else runs on this site.
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!(target instanceof HTMLElement)) { return; }
  var box = target.closest("[data-dismissable]");
  if (box && target.matches("button")) { box.hidden = true; }
});
"""

LOGO_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40" viewBox="0 0 240 40">
  <rect width="240" height="40" fill="#ffffff"/>
  <text x="0" y="28" font-family="Georgia, serif" font-size="22" fill="#0b4f6c">\
The Harbor City Ledger</text>
</svg>
"""

# The smallest useful GIF: 1x1 pixel, one transparent colour. Header, logical screen
# descriptor with a 2-entry colour table, graphic control extension (transparency), image
# descriptor, LZW-compressed pixel data, trailer.
PIXEL_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
    b"\x00\x00\x00\xff\xff\xff"
    b"!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00"
    b"\x02\x02D\x01\x00"
    b";"
)

CRANE_SCHEDULE_CSV = """\
crane_id,terminal,last_full_inspection,scheduled_inspection,status
EG-01,Eastgate,2019-05-14,2024-03-18,in service
EG-02,Eastgate,2019-05-14,2024-03-19,in service
EG-03,Eastgate,2019-06-02,2024-03-20,in service
EG-04,Eastgate,2019-06-02,2024-03-21,out of service
NP-01,North Pier,2022-10-11,2024-03-25,in service
NP-02,North Pier,2022-10-11,2024-03-26,in service
MR-01,Mill River,2023-04-30,2024-04-02,in service
"""

_BUDGET_LINES = (
    "City of Harbor City - Proposed Budget, Fiscal Year 2025",
    "Table 4. Capital plan, selected projects (USD millions)",
    "Fish Market seawall, design ............ 3.0",
    "Fish Market seawall, construction ....... deferred to FY2028",
    "Pier 9 boardwalk bracing ............... 1.4",
    "Ferry crew training ..................... 0.6",
    "Table 7. Department of Buildings positions",
    "Inspector positions, funded ............ 27",
    "Inspector positions, new ............... 6",
    "Inspector positions, unfunded .......... 11",
)


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def budget_tables_pdf() -> bytes:
    """A small but well-formed one-page PDF (valid xref offsets) with the budget tables.

    Valid enough for a PDF reader to open, so that the file is a believable download rather
    than random bytes with a .pdf name.
    """
    text_ops = " T* ".join(f"{_pdf_string(line)} Tj" for line in _BUDGET_LINES)
    stream = f"BT /F1 11 Tf 16 TL 72 740 Td {text_ops} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(out)
