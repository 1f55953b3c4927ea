"""Meetings, regional initiatives and regional priorities, as 004 (a Council document) states them.

* A meeting with date and place: 于2025年2月4日至5日在约旦安曼举办了…（RPM-ARB）, or the
  conference itself: 于2025年11月17日至28日在阿塞拜疆共和国巴库举行的…（WTDC-25）; virtual
  meetings: IRM-1：2025年7月14-15日（虚拟会议）.
* Regional initiatives: bullet lines "EUR1：title：description" under the meeting that adopted
  them (the nearest meeting sentence before the list, checked against the region code). The
  cycle is the one stated in that section (2026-2029年实施周期); where a section states none,
  the cycle the other sections of the same text state is used and a warning says so.
* Regional priorities: the numbered list after a sentence about 区域重点工作 (RPM-ARB's six).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter

from pipeline.extract.view import span
from pipeline.model import BuildWarning, Meeting, RegionalInitiative, RegionalPriority
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import Reference

_DATED = re.compile(
    r"(?P<y>\d{4})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日至(?:(?P<m2>\d{1,2})月)?(?P<d2>\d{1,2})日\s*在(?P<place>[^\s,，、]{2,14}?)"
    r"(?:举办|组织|主办|举行)(?:了|的)?[^。()]{0,80}?\((?P<code>RPM-[A-Z]{3}|[A-Z]{3,5}-\d{2})\)"
)
_VIRTUAL = re.compile(r"(?P<code>IRM-\d+):\s*(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d1>\d{1,2})-(?P<d2>\d{1,2})日\s*\(虚拟会议\)")
_INITIATIVE = re.compile(r"^(?:\[bookmark:[^\]]*\])*[•\-]\s*(?P<region>AFR|AMS|ARB|ASP|CIS|EUR)\s?(?P<n>\d+):(?P<rest>.+)$", re.M)
_CYCLE = re.compile(r"(?P<cycle>\d{4}-\d{4})年")
_PRIORITY_INTRO = "区域重点工作"
_PRIORITY = re.compile(r"^(?P<n>\d)\)\s+(?P<title>.+)$", re.M)
_TRAILING = re.compile(r"(?:[,，]\s*(?:和|以及)?|。)\s*$")


def _place(ref: Reference, written: str) -> tuple[str | None, str | None]:
    """City and country slugs of a place written country-then-city (约旦安曼) or city alone."""
    for name, place in ref.place_names:
        if place.kind == "city" and written.endswith(name):
            country = written[: -len(name)]
            hit = next((p for n, p in ref.place_names if n == country and p.kind == "country"), None)
            return place.slug, hit.slug if hit else place.country
    return None, None


def extract_meetings(source: SourceText, view: str, ref: Reference) -> list[Meeting]:
    """Meetings whose date and place the text states."""
    out: dict[str, Meeting] = {}
    for m in _DATED.finditer(view):
        city, country = _place(ref, m.group("place"))
        if city is None:
            continue
        code = m.group("code")
        year = int(m.group("y"))
        start = dt.date(year, int(m.group("m1")), int(m.group("d1")))
        end = dt.date(year, int(m.group("m2") or m.group("m1")), int(m.group("d2")))
        region = code.split("-")[1] if code.startswith("RPM-") else None
        slug = f"{code.lower()}-{year}" if region else code.lower()
        out.setdefault(slug, Meeting(slug=slug, label=code, region=region, start=start, end=end, city=city, country=country, span=span(source, m.start(), m.end())))
    for m in _VIRTUAL.finditer(view):
        year, month = int(m.group("y")), int(m.group("m"))
        slug = f"{m.group('code').lower()}-{year}"
        out.setdefault(slug, Meeting(slug=slug, label=m.group("code"), start=dt.date(year, month, int(m.group("d1"))), end=dt.date(year, month, int(m.group("d2"))), virtual=True, span=span(source, m.start(), m.end())))
    return sorted(out.values(), key=lambda x: (x.start, x.slug))


def extract_initiatives(
    source: SourceText, view: str, meetings: list[Meeting]
) -> tuple[list[RegionalInitiative], list[BuildWarning]]:
    """Regional initiatives, each tied to the meeting sentence before its list.

    Linear in the text: the meeting before an item and the last cycle stated between them are
    found by bisection (a scan back per item was quadratic).
    """
    warnings: list[BuildWarning] = []
    regional = sorted((mt for mt in meetings if mt.region), key=lambda mt: mt.span.start)
    meeting_starts = [mt.span.start for mt in regional]
    cycles = list(_CYCLE.finditer(view))
    cycle_ends = [c.end() for c in cycles]
    raw: list[tuple[re.Match[str], Meeting, str | None]] = []
    for m in _INITIATIVE.finditer(view):
        k = bisect_left(meeting_starts, m.start()) - 1  # the last meeting starting before the item
        if k < 0 or regional[k].region != m.group("region"):
            warnings.append(BuildWarning(file=source.entry.file, line=source.line_of(m.start()), message=f"regional initiative {m.group('region')}{m.group('n')} has no meeting of its region before it; skipped"))
            continue
        meeting = regional[k]
        c = bisect_right(cycle_ends, m.start()) - 1  # the last cycle stated before the item …
        stated = cycles[c].group("cycle") if c >= 0 and cycles[c].start() >= meeting.span.start else None  # … after the meeting
        raw.append((m, meeting, stated))
    stated = Counter(c for _, _, c in raw if c)
    default = stated.most_common(1)[0][0] if stated else None
    out = []
    warned: set[str] = set()
    for m, meeting, cycle in raw:
        if cycle is None:
            if default is None:
                warnings.append(BuildWarning(file=source.entry.file, line=source.line_of(m.start()), message="regional initiative without a stated cycle; skipped"))
                continue
            if meeting.slug not in warned:
                warned.add(meeting.slug)
                warnings.append(BuildWarning(file=source.entry.file, line=source.line_of(m.start()), message=f"{meeting.label}: its section states no cycle; used {default}, the cycle the text states for the other regions"))
            cycle = default
        title, _, rest = source.text[m.start("rest"):m.end("rest")].partition("：")
        title = _TRAILING.sub("", title.strip()).rstrip("，, ")
        description = _TRAILING.sub("", rest.strip()) or None
        out.append(RegionalInitiative(code=f"{m.group('region')}{m.group('n')}", region=m.group("region"), title=title, description=description, cycle=cycle, meeting=meeting.slug, span=span(source, m.start(), m.end())))
    return out, warnings


def extract_priorities(source: SourceText, view: str, meetings: list[Meeting]) -> list[RegionalPriority]:
    """Numbered regional priorities after a sentence that announces them and names its meeting.

    Each line is read once, however many times it announces priorities (a scan of the line per
    announcement was quadratic).
    """
    out = []
    seen_lines: set[int] = set()
    for intro in re.finditer(re.escape(_PRIORITY_INTRO), view):
        line = source.line_of(intro.start())
        if line in seen_lines:
            continue
        seen_lines.add(line)
        line_start = source.line_starts[line - 1]
        line_end = source.line_starts[line] - 1 if line < len(source.line_starts) else len(view)
        meeting = next((mt for mt in meetings if mt.label in view[line_start:line_end]), None)
        if meeting is None or meeting.region is None:
            continue
        pos = line_end + 1
        while (m := _PRIORITY.match(view, pos)) is not None:
            title = source.text[m.start("title"):m.end("title")].strip()
            out.append(RegionalPriority(number=int(m.group("n")), region=meeting.region, title=title, meeting=meeting.slug, span=span(source, m.start(), m.end())))
            pos = m.end() + 1
    return out
