"""The Received chain as a picture: an inline SVG time line of the hops, their signed delays and where trust ends.

One row per hop, oldest at the top (the order the message travelled), so the trusted hops, written by
the receiving side, are the bottom rows and the trust boundary is a dashed line above the entry hop.
Each hop's marker sits on a shared time axis at its timestamp. The axis keeps the order of the times but
spaces them by the logarithm of each gap: a forged hop dated days away must not squeeze the seconds
between the real hops into one point (the gaps are written out as signed delays anyway). A step from a
hop to the next newer one that goes back in time (a negative delay) is drawn red and dashed. Hops whose
time cannot be read are drawn in a lane left of the axis, in their place in the order, with a note.

Everything taken from the message is escaped by html_page.h; the SVG has no script, link or external
reference, and is styled by the page's one style sheet (classes only, no style attributes).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from datetime import UTC, datetime

from mailcheck.model import HopView, Report
from mailcheck.parse.dates import signed_duration
from mailcheck.reporters.html_page import h

WIDTH = 1000
LABEL_X = 8  # the text column: which hop, by whom, from where, when
GUIDE_X = 488  # where the faint line from a hop's text to its marker starts
UNTIMED_X = 512  # the lane for hops without a readable time
AXIS_X0, AXIS_X1 = 548, 940
TOP = 34  # the axis; the first row starts below it
ROW = 60
LEGEND = 40
TEXT_LIMIT = 66  # characters of a host name or client that fit the text column


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def time_positions(moments: Sequence[datetime]) -> dict[datetime, float]:
    """x of each distinct moment: in time order, each gap as wide as log(1 + seconds) allows."""
    ordered = sorted(set(moments))
    if len(ordered) == 1:
        return {ordered[0]: (AXIS_X0 + AXIS_X1) / 2}
    gaps = [math.log1p((b - a).total_seconds()) for a, b in itertools.pairwise(ordered)]
    total = sum(gaps) or 1.0
    positions = {ordered[0]: float(AXIS_X0)}
    x = float(AXIS_X0)
    for moment, gap in zip(ordered[1:], gaps, strict=True):
        x += (AXIS_X1 - AXIS_X0) * gap / total
        positions[moment] = x
    return positions


def _row_y(report: Report, view: HopView) -> float:
    return TOP + ROW * (len(report.hops) - 1 - view.index) + ROW / 2 + 6


def last_trusted(report: Report) -> int:
    """Index of the hop below which trust ends (-1: none is trusted), as the tables mark it."""
    for view in report.hops:
        if view.entry:
            return view.index
    if report.boundary.entry_index is None:
        return min(report.boundary.trusted_count, len(report.hops)) - 1
    return -1


def _trust_class(view: HopView) -> str:
    return "entry" if view.entry else "trusted" if view.trusted else "untrusted"


def _client(view: HopView) -> str:
    hop = view.hop
    if not hop.relay and not hop.ip:
        return "local"
    name = hop.rdns or hop.helo
    return (hop.ip or "?") + (f" ({name})" if name else "")


def _hop(view: HopView, x: float, y: float) -> list[str]:
    hop = view.hop
    when = _utc(hop.timestamp) if hop.timestamp else "no timestamp"
    trust = {"entry": "entry hop (trusted)", "trusted": "trusted", "untrusted": "untrusted"}[_trust_class(view)]
    circle = _trust_class(view) + ("" if hop.timestamp else " untimed")
    title = f"received[{view.index}]: {trust}; {view.why}"
    return [
        f'<line class="row" x1="{GUIDE_X}" y1="{y:.1f}" x2="{x:.1f}" y2="{y:.1f}"/>',
        f'<circle class="{circle}" cx="{x:.1f}" cy="{y:.1f}" r="7"><title>{h(title, 300)}</title></circle>',
        f'<text x="{LABEL_X}" y="{y - 4:.1f}">received[{view.index}] by {h(hop.by or "?", TEXT_LIMIT - 16)}</text>',
        f'<text class="small" x="{LABEL_X}" y="{y + 12:.1f}">{h(when)} · from '
        f'{h(_client(view), TEXT_LIMIT - 27)}</text>',
    ]


def _step(older: tuple[float, float], newer: tuple[float, float], delay: float, crosses: bool) -> list[str]:
    """The line from a hop to the next newer one, with its signed delay written beside it (below the
    trust boundary when the step crosses it, so the dashed line does not run through the words)."""
    neg = " neg" if delay < 0 else ""
    mid_x, mid_y = (older[0] + newer[0]) / 2, (older[1] + newer[1]) / 2 + (14 if crosses else 0)
    words = signed_duration(delay) + (" ⚠" if delay < 0 else "")
    right = mid_x + 12 + 7 * len(words) > WIDTH
    anchor = ' text-anchor="end"' if right else ""
    tx = mid_x - 10 if right else mid_x + 10
    return [f'<line class="step{neg}" x1="{older[0]:.1f}" y1="{older[1]:.1f}" '
            f'x2="{newer[0]:.1f}" y2="{newer[1]:.1f}"/>',
            f'<text class="delay{neg}" x="{tx:.1f}" y="{mid_y + 4:.1f}"{anchor}>{h(words)}</text>']


def _axis(positions: dict[datetime, float], any_untimed: bool) -> list[str]:
    parts = [f'<line class="axis" x1="{AXIS_X0}" y1="{TOP}" x2="{AXIS_X1}" y2="{TOP}"/>']
    for x in positions.values():
        parts.append(f'<line class="tick" x1="{x:.1f}" y1="{TOP - 5}" x2="{x:.1f}" y2="{TOP + 5}"/>')
    label_y = TOP - 12
    if len(positions) == 1:
        (moment, x), = positions.items()
        parts.append(f'<text class="small" x="{x:.1f}" y="{label_y}" text-anchor="middle">{_utc(moment)} UTC</text>')
    elif positions:
        first, last = min(positions), max(positions)
        parts.append(f'<text class="small" x="{AXIS_X0}" y="{label_y}">{_utc(first)} UTC</text>')
        parts.append(f'<text class="small" x="{AXIS_X1}" y="{label_y}" text-anchor="end">{_utc(last)} UTC</text>')
    else:
        parts.append(f'<text class="small" x="{AXIS_X0}" y="{label_y}">no hop has a readable time</text>')
    if any_untimed:
        parts.append(f'<text class="small" x="{UNTIMED_X}" y="{TOP + 4}" text-anchor="middle">no time</text>')
    parts.append(f'<text class="small" x="{LABEL_X}" y="{label_y}">oldest hop first · times UTC</text>')
    return parts


def _boundary(report: Report, height: float) -> list[str]:
    """The dashed line where trust ends, worded on the side(s) it has hops on."""
    last = last_trusted(report)
    n = len(report.hops)
    above = "▲ untrusted: what the sending side claims"
    below = "▼ trusted: written by your servers"
    if last < 0:
        y, words = height - LEGEND - 6, [(-4, above + " (no hop is trusted)")]
    elif last >= n - 1:
        y, words = TOP + 6, [(12, below + " (every hop is trusted)")]
    else:
        y, words = TOP + ROW * (n - 1 - last) + 6, [(-4, above), (12, below)]
    return [f'<line class="boundary" x1="0" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}"/>',
            *(f'<text class="boundary" x="{LABEL_X}" y="{y + dy:.1f}">{text}</text>' for dy, text in words)]


def _legend(y: float) -> list[str]:
    items = (("circle", "trusted", "trusted hop"), ("circle", "entry", "entry hop"),
             ("circle", "untrusted", "untrusted hop"), ("circle", "untimed", "no timestamp"),
             ("line", "step neg", "negative delay"), ("line", "boundary", "trust boundary"))
    parts, x = [], LABEL_X + 8
    for kind, cls, words in items:
        if kind == "circle":
            parts.append(f'<circle class="{cls}" cx="{x}" cy="{y:.1f}" r="6"/>')
        else:
            parts.append(f'<line class="{cls}" x1="{x - 8}" y1="{y:.1f}" x2="{x + 14}" y2="{y:.1f}"/>')
            x += 8
        parts.append(f'<text class="small" x="{x + 12}" y="{y + 4:.1f}">{words}</text>')
        x += 30 + 7 * len(words)
    return parts


def chain_svg(report: Report) -> str:
    """The picture as an inline <svg> element ("" for a message without Received fields)."""
    if not report.hops:
        return ""
    height = TOP + ROW * len(report.hops) + 16 + LEGEND
    timed = [v for v in report.hops if v.hop.timestamp is not None]
    positions = time_positions([v.hop.timestamp for v in timed if v.hop.timestamp is not None]) if timed else {}
    place: dict[int, tuple[float, float]] = {}
    by_index = {view.index: view for view in report.hops}
    for view in report.hops:
        x = positions[view.hop.timestamp] if view.hop.timestamp is not None else UNTIMED_X
        place[view.index] = (x, _row_y(report, view))
    negatives = sum(1 for v in report.hops if v.delay_seconds is not None and v.delay_seconds < 0)
    last = last_trusted(report)
    ends = f"trust ends at received[{last}]" if last >= 0 else "no hop is trusted"
    summary = (f"Received chain: {len(report.hops)} hops, {len(report.hops) - len(timed)} without a readable time, "
               f"{negatives} negative delays; {ends}")
    parts = [f'<svg class="chain" viewBox="0 0 {WIDTH} {height}" '
             f'role="img" aria-label="{h(summary)}"><title>{h(summary)}</title>']
    parts += _axis(positions, len(timed) < len(report.hops))
    for view in report.hops:
        newer = by_index[view.index - 1].hop.timestamp if view.index - 1 in by_index else None
        if view.delay_seconds is not None and view.hop.timestamp is not None and newer is not None:
            parts += _step(place[view.index], place[view.index - 1], view.delay_seconds, view.index - 1 == last)
    parts += _boundary(report, height)
    for view in report.hops:
        parts += _hop(view, *place[view.index])
    parts += _legend(height - LEGEND / 2)
    parts.append("</svg>")
    return "\n".join(parts)
