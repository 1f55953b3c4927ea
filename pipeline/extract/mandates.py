"""Mandates: who a text asks to do what, reporting to whom, by when (text → ``Mandate`` records).

Takes one document's provisions (with their verb concepts), its concept mentions and the
reference data; gives one ``Mandate`` per addressee per request, and warnings for what looked
like a request but could not be read for sure.

Two shapes of request are read:

- *heading* requests of ITU texts: a heading line names the verb and the addressees
  (责成电信发展局局长, 请成员国、部门成员和其他利益攸关方共同协作) and every item below it is one
  request to each of them. Roman or lettered sub-items under an item that announces a list
  (…职能方面发挥推动作用：) are part of that item's request, not requests of their own.
- *clause* requests of UN texts, declarations and reports: a clause that opens (after ，；：
  and words such as 并, 在这方面, 我们) with an operative verb followed by known addressees
  (…，请秘书长继续…; 并邀请会员国以及国际组织…). The request runs to the next clause that
  opens with a verb of its own (…，并重申决心…).

A verb followed by no addressee (鼓励采用这些行动方针 "encourages the use of") is not a
mandate. A verb followed by something that looks like an addressee the reference data does
not know (鼓励工作组…) is warned about, never guessed. In reports and Council documents a
request inside a sentence that reports another text or meeting (第CL-24/38号通函请…) is warned
about and not recorded: the mandate is that other text's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.extract.clauses import (
    Addressee,
    ClauseReader,
    Compact,
    VerbMatch,
    provision_compact,
)
from pipeline.extract.structure import is_junk_line
from pipeline.extract.view import fold, span
from pipeline.model import BuildWarning, ConceptMention, Mandate, Provision
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import Conference, Reference

_SUB_ITEM = re.compile(r"^(?:[a-z]|[ivxl]+)\)$")
_DATE_BEFORE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:之)?前")
_UNTIL = re.compile(r"(?:至迟于|不迟于)([^,;。向]{1,20})")
_SESSION = re.compile(r"第[一二三四五六七八九十百]+届会议")
_CLAUSE_END = ",;。:"
_ADDRESSEE_LIKE_WINDOW = 8
_NEXT = "下届"
_MINHASHES = 16  # values per fingerprint: similarity is estimated in steps of 1/16
_SHINGLE = 3  # characters per shingle
_SHINGLE_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def fingerprint(task: str) -> tuple[str, ...]:
    """MinHash of the character trigrams of a request's task (what is asked, without verb and
    addressee): ``_MINHASHES`` values "i:hex". Two requests share about J·16 values, J the
    Jaccard similarity of their trigram sets (Broder 1997), so a repeated request shares most
    and one on the same topic a few (trigrams, not bigrams: the stock phrases of these texts,
    新的和新兴电信/ICT服务和技术, make bigram sets of unrelated requests overlap); a query
    ranks pairs by shared values without comparing texts. Punctuation, spaces and markup do
    not count; the hash (BLAKE2b) is stable across runs.
    """
    chars = "".join(_SHINGLE_CHARS.findall(task))
    shingles = {chars[i:i + _SHINGLE] for i in range(len(chars) - _SHINGLE + 1)} or ({chars} if chars else set())
    if not shingles:
        return ()
    out = []
    for i in range(_MINHASHES):
        salt = i.to_bytes(2, "big")
        low = min(hashlib.blake2b(s.encode(), digest_size=4, salt=salt).digest() for s in shingles)
        out.append(f"{i}:{low.hex()}")
    return tuple(out)


@dataclass
class _Request:
    """One request read from a provision, before it becomes one mandate per addressee."""

    provision: int
    verb: VerbMatch
    addressees: list[Addressee]
    text: Compact  # the compact text the positions below refer to
    start: int  # compact position where the request starts (the verb, or the item's text)
    end: int  # compact position after it
    embedded: bool
    family: str
    groups: tuple[int, ...]  # provisions whose mentions count (the item and its sub-items)
    kind: str
    addressee_text: Compact | None = None  # where addressee positions point, if not ``text``
    span_start: int | None = None  # original offsets of the whole request (heading items)
    span_end: int | None = None


def _junk_ranges(source: SourceText) -> list[tuple[int, int]]:
    out, pos = [], 0
    for raw in source.text.split("\n"):
        if raw.strip() and is_junk_line(raw):
            out.append((pos, pos + len(raw)))
        pos += len(raw) + 1
    return out


class _Extractor:
    def __init__(self, source: SourceText, view: str, ref: Reference, family: str, doc_kind: str,
                 provisions: tuple[Provision, ...]) -> None:
        self.source, self.view, self.ref, self.family, self.doc_kind = source, view, ref, family, doc_kind
        self.provisions = provisions
        self.reader = ClauseReader(ref)
        cv = ref.clause_verbs
        self.skip = sorted([(p.span.start, p.span.end) for p in provisions if p.kind == "footnote"] + _junk_ranges(source))
        self.cues = [fold(c) for c in cv.reported_request_cues]
        self.heads = [fold(h) for h in cv.addressee_like_heads]
        self.reporting = [fold(w) for w in cv.reporting_words]
        self.frequencies = sorted(((fold(f.text), f.code) for f in cv.frequencies), key=lambda t: (-len(t[0]), t[0]))
        self.requests: list[_Request] = []
        self.warnings: list[BuildWarning] = []

    def warn(self, offset: int, message: str) -> None:
        self.warnings.append(BuildWarning(file=self.source.entry.file, line=self.source.line_of(offset), message=message))

    # ---------------------------------------------------------------- heading requests (ITU)
    def headings(self) -> None:
        """Items under ITU headings; sub-items of an item that announces a list join its request."""
        parent: int | None = None
        for i, p in enumerate(self.provisions):
            if p.kind != "operative" or self.family != "itu" or p.verb is None or self.doc_kind == "declaration":
                parent = None
                continue
            if p.marker and _SUB_ITEM.match(p.marker) and parent is not None:
                q = self.provisions[parent]
                if q.container == p.container and q.verb == p.verb:
                    req = next((r for r in reversed(self.requests) if r.provision == parent), None)
                    if req is not None:
                        req.span_end = p.span.end
                        req.groups += (i,)
                    continue
            head = self._heading(p)
            if head is None:
                parent = None
                continue
            c, pos = provision_compact(p, self.view, self.skip)
            tail = c.text.rstrip()
            verb, addressees, head_text = head
            self.requests.append(_Request(i, verb, addressees, c, pos, len(c.text), False, self.family, (i,), p.kind,
                                          addressee_text=head_text, span_start=p.span.start, span_end=p.span.end))
            parent = i if tail.endswith(":") else None

    def _heading(self, p: Provision) -> tuple[VerbMatch, list[Addressee], Compact] | None:
        """Verb and addressees of the heading line above ``p`` (做出决议，请国际电联电信发展部门 → 请 + ITU-D)."""
        verb_text = fold("".join((p.verb or "").split()))
        at = self.view.rfind(verb_text, 0, p.span.start)
        if at == -1:
            return None
        text = Compact.of(self.view, at, at + len(verb_text))
        pos = self.reader.skip_openers(text.text, 0)
        while pos < len(text.text):
            m = self.reader.verb_at(text.text, pos)
            if m is None:
                return None
            if self.reader.is_mandate_verb(m):
                addressees, _ = self.reader.addressees(text.text, m.end, self.family)
                if not addressees:
                    self._unknown_addressee(text, m)
                return (m, addressees, text) if addressees else None
            pos = m.end + text.text.startswith(",", m.end)
        return None

    # ---------------------------------------------------------------- clause requests
    def clauses(self) -> None:
        """Requests that open a clause, in UN paragraphs, declarations and report paragraphs."""
        for i, p in enumerate(self.provisions):
            if p.kind == "footnote":
                continue
            if self.family == "un" and p.kind != "operative":
                continue  # a UN preamble recalls and notes; it does not ask
            if self.family == "itu" and self.doc_kind != "declaration" and p.kind != "paragraph":
                continue  # ITU items are read through their heading
            self._scan(i, p)

    def _scan(self, i: int, p: Provision) -> None:
        c, first = provision_compact(p, self.view, self.skip)
        text = c.text
        starts = [first] + [k + 1 for k, ch in enumerate(text) if ch in _CLAUSE_END and k + 1 > first and k + 1 < len(text)]
        for s in starts:
            at = self.reader.skip_openers(text, s)
            m = self.reader.verb_at(text, at)
            if m is None or not self.reader.is_mandate_verb(m):
                continue
            addressees, after = self.reader.addressees(text, m.end, self.family)
            if not addressees:
                self._unknown_addressee(c, m)
                continue
            if p.kind == "paragraph" and self._reported(c, at):
                continue
            end = self._request_end(text, after, starts)
            self.requests.append(_Request(i, m, addressees, c, at, end, s != first, self.family, (i,), p.kind))

    def _request_end(self, text: str, after: int, starts: list[int]) -> int:
        """Up to the next ``；``, or the next clause that opens a request or statement of the text's
        own (…，并重申决心…; …，在这方面再次请…): a verb after an opener word, or an operative
        verb with an addressee. A bare verb (…，进一步强调…) is still the addressee's task."""
        for s in starts:
            if s <= after:
                continue
            if text[s - 1] == ";":
                return s - 1
            at = self.reader.skip_openers(text, s)
            m = self.reader.verb_at(text, at)
            if m is None:
                continue
            if at > s or (self.reader.is_mandate_verb(m) and self.reader.addressees(text, m.end, self.family)[0]):
                return s - 1
        end = len(text)
        while end > after and text[end - 1] in _CLAUSE_END:
            end -= 1
        return end

    def _reported(self, c: Compact, at: int) -> bool:
        """In a report: is the sentence around ``at`` an account of another text's or meeting's request?"""
        left = c.text.rfind("。", 0, at) + 1
        right = c.text.find("。", at)
        sentence = c.text[left:right if right != -1 else len(c.text)]
        cue = next((w for w in self.cues if w in sentence), None)
        if cue:
            verb = self.reader.verb_at(c.text, at)
            self.warn(c.start_of(at), f"request {c.text[at:(verb.end if verb else at) + 8]!r} is in a sentence reporting "
                      f"another text or meeting ({cue!r}): not recorded as this document's mandate")
        return cue is not None

    def _unknown_addressee(self, c: Compact, m: VerbMatch) -> None:
        window = c.text[m.end:m.end + _ADDRESSEE_LIKE_WINDOW]
        head = next((h for h in self.heads if h in window and c.text[m.end:].find(h) <= _ADDRESSEE_LIKE_WINDOW), None)
        if head:
            self.warn(c.start_of(m.start), f"{m.form!r} is followed by {window!r}, which looks like an addressee "
                      f"seeds/reference/organizations.yaml does not name: no mandate recorded")

    # ---------------------------------------------------------------- details
    def mandates(self, mentions: tuple[ConceptMention, ...], issuer_of: Callable[[str], tuple[str | None, int | None]],
                 adopting: Conference | None) -> list[Mandate]:
        out: list[Mandate] = []
        counts: dict[int, int] = {}
        for r in sorted(self.requests, key=lambda r: (r.provision, r.start)):
            p = self.provisions[r.provision]
            c = r.text
            start = r.span_start if r.span_start is not None else c.start_of(r.start)
            end = r.span_end if r.span_end is not None else c.end_of(r.end)
            body = c.text[r.start:r.end]
            reports_to, through, deadline, event = self._reporting(body, adopting)
            date, until = self._deadline(body)
            codes = tuple(dict.fromkeys(m.code for m in mentions if m.provision in r.groups and m.scheme == "action-line"))
            goals = tuple(dict.fromkeys(int(m.code) for m in mentions if m.provision in r.groups and m.scheme == "sdg"))
            frequency = next((code for word, code in self.frequencies if word in body), None)
            where = r.addressee_text or c
            task = body if r.addressee_text is not None else c.text[r.addressees[-1].end:r.end]
            print_ = fingerprint(task)
            issuer, year = issuer_of(p.container)
            for a in r.addressees:
                concept = self.reader.concept(r.verb, "operative", r.family, a.org)
                if concept is None:
                    continue
                counts[r.provision] = counts.get(r.provision, 0) + 1
                out.append(Mandate(
                    provision=r.provision, sequence=counts[r.provision], verb=concept.slug, verb_text=self.source.text[
                        where.start_of(r.verb.start):where.end_of(r.verb.end)] if r.addressee_text is None else r.verb.form,
                    further=r.verb.further, addressee=a.org.slug,
                    addressee_span=span(self.source, where.start_of(a.start), where.end_of(a.end)),
                    span=span(self.source, start, end), embedded=r.embedded, issuer=issuer, year=year,
                    reports_to=reports_to, reports_through=through, deadline=deadline or until, deadline_date=date,
                    deadline_event=event, frequency=frequency, action_lines=codes, sdgs=goals, fingerprint=print_,
                ))
        return out

    def _reporting(self, body: str, adopting: Conference | None) -> tuple[str | None, tuple[str, ...], str | None, str | None]:
        """Body reported to (向X…报告/总结/建议), bodies it goes through (通过A和B), and a session deadline."""
        for k, ch in enumerate(body):
            if ch != "向":
                continue
            pos = k + 1
            nxt = body.startswith(_NEXT, pos)
            target = self.reader.name_at(body, pos + (len(_NEXT) if nxt else 0), self.family)
            if target is None:
                continue
            clause_end = min([j for j in (body.find(x, target.end) for x in _CLAUSE_END) if j != -1] + [len(body)])
            if not any(w in body[target.end:clause_end] for w in self.reporting):
                continue
            clause_start = max(body.rfind(x, 0, k) for x in _CLAUSE_END) + 1
            via = body.find("通过", clause_start, k)
            through: tuple[str, ...] = ()
            if via != -1:
                found, _ = self.reader.addressees(body, via + 2, self.family)
                through = tuple(a.org.slug for a in found)
            deadline = event = None
            session = _SESSION.match(body, target.end)
            if session:
                deadline = body[pos:session.end()]
            elif nxt:
                deadline = body[pos:target.end]
                event = self._next_conference(target.org.slug, adopting)
            return target.org.slug, through, deadline, event
        return None, (), None, None

    def _next_conference(self, org: str, adopting: Conference | None) -> str | None:
        """The first conference of the organ ``org`` after the adopting one (下届全权代表大会)."""
        organ = next((o.organ for o in self.ref.vocabulary.itu_organs if o.org == org), None)
        if organ is None or adopting is None or adopting.start is None:
            return None
        later = sorted((c for c in self.ref.conferences if c.organ == organ and c.start and c.start > adopting.start), key=lambda c: c.start or "")
        return later[0].slug if later else None

    @staticmethod
    def _deadline(body: str) -> tuple[dt.date | None, str | None]:
        m = _DATE_BEFORE.search(body)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), m.group(0)
            except ValueError:
                return None, m.group(0)
        until = _UNTIL.search(body)
        return None, (until.group(0) if until else None)


def extract_mandates(
    source: SourceText, view: str, ref: Reference, family: str, provisions: tuple[Provision, ...],
    mentions: tuple[ConceptMention, ...], issuer_of: Callable[[str], tuple[str | None, int | None]],
    adopting: Conference | None,
) -> tuple[list[Mandate], list[BuildWarning]]:
    """Every mandate of one document, in provision order, and the warnings about unread requests.

    ``issuer_of`` gives the organization slug that issues a container (document or annex part)
    and the year it was adopted or dated (either None when the text does not say),
    ``adopting`` the conference that adopted the text (for 下届… deadlines). Raises nothing: what
    cannot be read is a warning (file:line).
    """
    ex = _Extractor(source, view, ref, family, source.entry.kind, provisions)
    ex.headings()
    ex.clauses()
    return ex.mandates(mentions, issuer_of, adopting), ex.warnings
