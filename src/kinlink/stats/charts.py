"""Server-rendered SVG bar charts: no JavaScript, printable, right-to-left aware.

In a right-to-left language the bars grow from the right edge and the labels sit on the right,
so the chart reads in the same direction as the page. Suppressed values are drawn as an empty
hatched bar with a text label, never as zero.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 560
LABEL = 150
ROW = 26
VALUE_W = 60


def bar_chart(
    labels: list[str], values: list, flags: list[str], *, title: str, rtl: bool = False
) -> SafeString:
    numbers = [v for v, f in zip(values, flags, strict=True) if v is not None and not f]
    top = max(numbers, default=0) or 1
    plot = WIDTH - LABEL - VALUE_W
    height = ROW * len(labels) + 10
    hidden = _("suppressed")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kl-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" direction="{"rtl" if rtl else "ltr"}" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="kl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#888" '
        'stroke-width="2"/></pattern></defs>',
    ]
    for k, (label, value, flag) in enumerate(zip(labels, values, flags, strict=True)):
        y = 5 + k * ROW
        mid = y + ROW / 2 + 4
        shown = value is not None and not flag
        length = (value / top * plot) if shown else plot * 0.15
        if rtl:
            label_x, anchor = WIDTH - 4, "end"
            bar_x = WIDTH - LABEL - length
            value_x, value_anchor = bar_x - 4, "end"
        else:
            label_x, anchor = 4, "start"
            bar_x = LABEL
            value_x, value_anchor = LABEL + length + 4, "start"
        fill = "#2b6f77" if shown else "url(#kl-hatch)"
        text = f"{value:g}" if shown else hidden
        parts.append(
            f'<text x="{label_x:.1f}" y="{mid:.1f}" text-anchor="{anchor}" font-size="12">'
            f"{escape(label)}</text>"
            f'<rect x="{bar_x:.1f}" y="{y + 3}" width="{max(length, 1):.1f}" '
            f'height="{ROW - 8}" fill="{fill}" stroke="#2b6f77" stroke-width="0.5"/>'
            f'<text x="{value_x:.1f}" y="{mid:.1f}" text-anchor="{value_anchor}" '
            f'font-size="12">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
