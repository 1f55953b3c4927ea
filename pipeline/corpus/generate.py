"""A deterministic synthetic corpus with an answer key: the fidelity test of extraction.

``generate_corpus`` writes N Chinese texts in the structures and citation notations of the
five seed texts (ITU resolutions with heading verbs and lettered/numbered items, UN draft
resolutions with bold verbs and footnote lists, Council documents and reports in numbered
prose), a ``manifest.yaml`` that ``wsis-kg build`` reads, and ``answer-key.json``: per
document, every citation (citing node, cited IRI, the characters written, clause verb),
every action-line/SDG mention and every role statement *as the generator put them in*.
The key is never computed by running the extractor, so comparing the two measures it.

Every word comes from data: ``seeds/generator/corpus.yaml`` (templates, fillers, topics,
notations) and ``seeds/reference/`` (conferences, places, action lines, SDGs, role phrases,
organ prefixes). Free text is checked on load so that it cannot carry a fact by accident.
The same ``(n, seed)`` gives byte-identical files.
"""

from __future__ import annotations

import json
import random
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline import layout
from pipeline.errors import InputError
from pipeline.extract.citations import RESOLUTION_ORGANS
from pipeline.extract.named import instrument_of
from pipeline.identifiers import Identifiers, clean_symbol
from pipeline.model import DocumentExtraction, RoleName
from pipeline.sources.documents import MANIFEST
from pipeline.sources.reference import Conference, NamedInstrument, Reference, title_key
from pipeline.sources.yamlfile import safe_load

VOCABULARY = layout.SEEDS / "generator" / "corpus.yaml"
ANSWER_KEY = "answer-key.json"
_T = TypeVar("_T")
_Name = TypeVar("_Name", bound=str)
Kind = Literal["council document", "draft resolution", "report", "resolution"]
NamedForm = Literal["title", "short", "paragraph", "provision", "provision_list", "range", "quoted", "defined_short", "plain", "trap"]
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_ITU_ORGANS = ("pp", "ra", "wtdc", "wtsa")


# ------------------------------------------------------------------------------ vocabulary
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Topic(_Strict):
    """A subject a document is about: its title and the 有关…的 of citations."""

    zh: str = Field(min_length=1, description="Chinese phrase.")
    en: str = Field(min_length=1, description="English title for the manifest.")


class OrganWords(_Strict):
    """Words before an ITU citation that name the organ that adopted it."""

    text: str = Field(min_length=1, description="The words as written.")
    organ: str = Field(description="Organ code: pp, wtdc, wtsa, ra, council.")


class ItuSymbol(_Strict):
    """An ITU document symbol notation."""

    symbol: str = Field(description="The symbol as written, with {code} {yy} {n} {rev} fields.")
    around: str = Field(description="How the text wraps it, with a {symbol} field.")


class UnSymbol(_Strict):
    """A UN document symbol notation, optionally joint (A/…-E/…)."""

    symbol: str = Field(description="First symbol, with {session} {n} {year} {m} fields.")
    joint: str | None = Field(description="Second symbol of a joint symbol, or null.")


class Committee(_Strict):
    """A Main Committee of the General Assembly, whose drafts carry its symbol."""

    code: str = Field(pattern=r"^C\.[1-6]$", description="Symbol part, e.g. C.2 (A/C.2/79/L.33).")
    zh: str = Field(min_length=1, description="Chinese name, e.g. 第二委员会.")


class Notations(_Strict):
    """How each citation notation is written (str.format templates)."""

    itu_resolution: str = Field(description="第{n}号决议.")
    itu_resolution_ra: str = Field(description="ITU-R numbering with revision: 第{n}-{rev}号决议.")
    itu_version: str = Field(description="Year-and-place bracket.")
    itu_version_revised: str = Field(description="Year-and-place bracket marked as revised.")
    council_decision_code: str = Field(description="Decision with a Council session code (C24).")
    council_decision_session: str = Field(description="Decision with a Council session year.")
    markdown_link: str = Field(description="A citation left as a Markdown link by conversion.")
    un_list: str = Field(description="A list of UN resolution numbers before one 号决议.")
    un_emergency: str = Field(description="An emergency special session resolution.")
    un_itu_text: str = Field(description="A UN resolution as ITU texts write it.")
    un_un_text: str = Field(description="A UN resolution as UN texts write it (spaced).")
    un_roman: str = Field(description="A resolution numbered by session in Roman numerals.")
    wtpf_opinion: str = Field(description="A WTPF opinion with year and place.")
    itu_resolution_spaced: str = Field(description="第{n} 号决议 with a space before 号, as some conversions write it.")
    itu_version_spaced: str = Field(description="Year-and-place bracket with a space before 年.")
    itu_version_code: str = Field(description="Bracket naming the conference by its code: （WTSA-08）.")
    itu_coordinated_item: str = Field(description="One item of 第1号、第2号和第5号决议 ({n}).")
    itu_abbreviated_first: str = Field(description="First item of 第1、2和5号决议 ({n}).")
    itu_list_tail: str = Field(description="What closes a list of ITU numbers: 号决议.")
    un_coordinated_item: str = Field(description="One item of 第2006/46号和第2007/8号决议 ({number}).")
    un_special: str = Field(description="A special-session resolution (第S-27/2号决议).")
    ecosoc_decision: str = Field(description="An ECOSOC decision (第1992/218号决定).")
    security_council: str = Field(description="A Security Council resolution with its year (第1325(2000)号决议).")
    hrc_resolution: str = Field(description="A Human Rights Council resolution (第55/1号决议).")
    un_summary_records: str = Field(description="Summary records of a Main Committee ({session} {numbers}).")


class Sizes(_Strict):
    """How many items each part of a document gets, as [min, max]."""

    itu_operative_headings: tuple[int, int] = Field(description="Operative headings of an ITU resolution.")
    itu_operative_items: tuple[int, int] = Field(description="Numbered items under each operative heading.")
    itu_preamble_headings: tuple[int, int] = Field(description="Preamble headings of an ITU resolution.")
    itu_preamble_items: tuple[int, int] = Field(description="Lettered items under each preamble heading.")
    prose_paragraphs: tuple[int, int] = Field(description="Numbered paragraphs of a Council document or report.")
    prose_sentences: tuple[int, int] = Field(description="Sentences per prose paragraph.")
    role_codes: tuple[int, int] = Field(description="Action-line codes in one run of a role statement.")
    un_operative_paragraphs: tuple[int, int] = Field(description="Numbered paragraphs of a UN draft.")
    un_preamble_paragraphs: tuple[int, int] = Field(description="Preamble paragraphs of a UN draft.")


class Numbers(_Strict):
    """Ranges [min, max] that cited numbers are drawn from."""

    council_resolution: tuple[int, int] = Field(description="Council resolutions (理事会第N号决议).")
    council_decision: tuple[int, int] = Field(description="Council decisions.")
    document: tuple[int, int] = Field(description="Serial numbers of cited document symbols.")
    ecosoc_year: tuple[int, int] = Field(description="Years of ECOSOC resolutions.")
    ecosoc_number: tuple[int, int] = Field(description="Numbers of ECOSOC resolutions.")
    emergency_session: tuple[int, int] = Field(description="Emergency special sessions (ES-10).")
    itu_resolution: tuple[int, int] = Field(description="Numbers of cited ITU resolutions.")
    un_number: tuple[int, int] = Field(description="Numbers of UN resolutions within a session.")
    un_session: tuple[int, int] = Field(description="General Assembly sessions.")
    wtpf_opinion: tuple[int, int] = Field(description="WTPF opinion numbers.")
    special_session: tuple[int, int] = Field(description="Special sessions of the General Assembly (S-27).")
    sc_resolution: tuple[int, int] = Field(description="Security Council resolution numbers.")
    hrc_session: tuple[int, int] = Field(description="Human Rights Council sessions.")


class Addressee(_Strict):
    """An addressee as a generated text writes it, and the organization it is."""

    text: str = Field(min_length=1, description="As written (电信发展局局长, 所有利益攸关方).")
    org: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="Organization slug (organizations.yaml).")


class MandateHeading(_Strict):
    """An ITU operative heading (or Council document line) that asks its addressees to act."""

    heading: str = Field(default="", description="The heading as written (one of itu_operative_headings).")
    line: str = Field(default="", description="The line as written (one of council_heading_lines).")
    verb: str = Field(description="Clause-verb concept slug (instructs, requests…).")
    addressees: list[Addressee] = Field(min_length=1, description="In the order the heading names them.")


class UnVerb(_Strict):
    """An operative verb that makes a UN paragraph a request."""

    text: str = Field(min_length=1, description="As written.")
    verb: str = Field(description="Clause-verb concept slug.")
    bold: bool = Field(default=True, description="Written in bold (**促请**) or plain (请).")


class UnMandates(_Strict):
    """How UN draft resolutions carry mandates."""

    share: float = Field(ge=0, le=1, description="Share of operative paragraphs that are requests.")
    embedded_share: float = Field(ge=0, le=1, description="Share of the other operative paragraphs ending with a request.")
    verbs: list[UnVerb] = Field(min_length=1, description="Verbs that open a request paragraph.")
    embedded: list[UnVerb] = Field(min_length=1, description="Words that open an embedded request (并请).")
    addressees: list[Addressee] = Field(min_length=1, description="Who is asked.")


class CorpusVocabulary(_Strict):
    """``seeds/generator/corpus.yaml``: the words and shapes of generated documents."""

    mix: dict[Kind, int] = Field(description="Weight of each kind of document.")
    sizes: Sizes = Field(description="How long each part of a document is.")
    item_mix: dict[Literal["action_line", "filler", "itu_citation", "named", "role", "sdg", "symbol", "un_citation"], int] = Field(
        description="Weight of what one item carries (named: an instrument cited by title, or a trap)."
    )
    named_forms: dict[NamedForm, int] = Field(description="Weight of each way of citing an instrument by title.")
    named_traps: list[str] = Field(description="Texts that look like citations but cite nothing ({n}: a number).")
    fullwidth_digits: float = Field(ge=0, le=1, description="Probability a citation's digits are full-width.")
    footnote_citation: float = Field(ge=0, le=1, description="Probability an item calls a footnote with a citation.")
    numbers: Numbers = Field(description="Ranges of cited numbers.")
    own_numbers_from: int = Field(ge=1, description="Generated documents are numbered from here (never cited).")
    work_prefixes: list[OrganWords] = Field(description="Organ words before a citation of a work (no year).")
    version_prefixes: list[OrganWords] = Field(description="Organ words before a versioned citation.")
    unga_prefixes_itu: list[str] = Field(description="Words for the General Assembly in ITU texts.")
    unga_prefixes_un: list[str] = Field(description="Words for the General Assembly in UN texts.")
    ecosoc_prefixes: list[str] = Field(description="Words for ECOSOC in UN texts.")
    wtpf_prefixes: list[str] = Field(description="Words for the WTPF before an opinion.")
    citation_phrases: list[str] = Field(description="How a citation sits in its phrase ({prefix} {core} {topic}).")
    itu_preamble_headings: list[str] = Field(description="Preamble heading verbs of ITU resolutions.")
    itu_operative_headings: list[str] = Field(description="Operative headings of ITU resolutions.")
    mandate_headings: list[MandateHeading] = Field(description="Operative headings that give mandates.")
    itu_operative_leads: list[str] = Field(description="Openings of numbered operative items.")
    un_preamble_verbs_bold: list[str] = Field(description="UN preamble verbs written in bold.")
    un_preamble_verbs_plain: list[str] = Field(description="UN preamble verbs written plain.")
    un_operative_verbs_bold: list[str] = Field(description="UN operative verbs written in bold.")
    un_operative_verbs_plain: list[str] = Field(description="UN operative verbs written plain.")
    un_mandates: UnMandates = Field(description="Mandates of UN draft resolutions.")
    un_committees: list[Committee] = Field(min_length=1, description="Main Committees of the General Assembly.")
    prose_sections: list[str] = Field(description="Section titles of prose documents.")
    prose_leads: list[str] = Field(description="Openings of prose sentences.")
    council_heading_lines: list[str] = Field(description="Lines that open a Council document.")
    council_request: MandateHeading = Field(description="The request line of council_heading_lines and its mandate.")
    topics: list[Topic] = Field(min_length=1, description="Subjects of documents and citations.")
    fillers: list[str] = Field(min_length=1, description="Clause bodies that carry no fact.")
    notations: Notations = Field(description="How each citation notation is written.")
    un_roman_numbers: list[str] = Field(description="Resolutions numbered with Roman session numerals.")
    numbered_traps: list[str] = Field(min_length=1, description="Numbers that cite nothing: in a URL, 第N段, 第N届会议 ({n}).")
    numbered_trap: float = Field(ge=0, le=1, description="Probability a symbol item is a trap instead.")
    invisible_characters: list[str] = Field(min_length=1, description="Characters a reader does not see (U+200B …).")
    invisible_inside: float = Field(ge=0, le=1, description="Probability a UN number or symbol carries one inside.")
    un_organ_prefixes: dict[Literal["ecosoc", "hrc", "sc", "unga"], list[str]] = Field(
        description="Organ words before UN numbers of each organ in UN texts."
    )
    un_list_separator: str = Field(description="Separator in a list of UN resolution numbers.")
    un_list_last: str = Field(description="Separator before the last number of such a list.")
    itu_symbols: list[ItuSymbol] = Field(description="ITU document symbol notations.")
    un_symbols: list[UnSymbol] = Field(description="UN document symbol notations.")
    symbol_phrases: list[str] = Field(description="Phrases around a symbol ({symbol}).")
    action_line_mentions: list[str] = Field(description="Mentions of an action line ({code} {label}).")
    sub_line_mention: str = Field(description="Mention of C7 with one of its sub-lines ({name}).")
    sdg_mentions: list[str] = Field(description="Mentions of an SDG ({goal} {label}).")
    role_statements: list[str] = Field(description="Statements of ITU's role ({codes} {term} [{codes2} {term2}]).")
    code_separator: str = Field(description="Separator in a run of action-line codes.")
    code_last: str = Field(description="Separator before the last code of a run.")


def _fact_free(text: str, ref: Reference) -> str | None:
    """Why ``text`` could carry a fact by accident (None if it cannot)."""
    vocab = ref.vocabulary
    if re.search(r"[0-9０-９]", text):
        return "it contains a digit"
    if re.search(r"[。；;\n]", text):
        return "it ends a sentence inside (sentences bound what extractors read together)"
    if re.search(r"(?<![A-Za-z])[AE]/", text):
        return "it looks like a UN document symbol"
    words = [p.text for p in vocab.itu_organ_prefixes] + [t.text for t in vocab.role_terms] + vocab.citation_markers
    hit = next((w for w in words if w in text), None)
    if hit:
        return f"it contains {hit!r} (an organ name, role phrase or citation marker)"
    if text.startswith(("第", "见")) or text.endswith(("可持续发展目标", "SDG", "意见", "第")):
        return "it starts or ends like a citation or an SDG mention"
    key = title_key(text)
    plain = {title_key(p) for i in ref.catalogue.instruments for p in i.plain_titles_zh}
    if re.search("[《》“”\"]", text) or key in ref.title_index or any(p in key for p in plain):
        return "it contains a title mark, or is (or contains an unmarked) title of an instrument (seeds/reference/instruments.yaml)"
    return None


def load_vocabulary(ref: Reference, path: Path = VOCABULARY) -> CorpusVocabulary:
    """Read and check the generator vocabulary; a problem names the file and the phrase."""
    try:
        vocab = CorpusVocabulary.model_validate(safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise InputError(path, f"cannot load the generator vocabulary: {exc}") from exc
    free = [*vocab.fillers, *(t.zh for t in vocab.topics), *vocab.itu_operative_leads, *vocab.prose_leads]
    for text in free:
        reason = _fact_free(text, ref)
        if reason:
            raise InputError(path, f"free text {text!r} cannot be used: {reason}")
    known = set(ref.vocabulary.preamble_verbs)
    for verb in [*vocab.itu_preamble_headings, *vocab.un_preamble_verbs_plain]:
        if verb not in known:
            raise InputError(path, f"preamble verb {verb!r} is not a preamble_verbs entry of extraction.yaml")
    for heading in [*vocab.itu_operative_headings, *vocab.un_operative_verbs_plain]:
        if not heading.startswith(tuple(ref.vocabulary.operative_verbs)):
            raise InputError(path, f"operative heading {heading!r} does not start with an operative_verbs entry of extraction.yaml")
    _check_mandates(vocab, ref, path)
    return vocab


def _check_mandates(vocab: CorpusVocabulary, ref: Reference, path: Path) -> None:
    """Mandate headings are headings the generator writes, and name known verbs and organizations."""
    for m in vocab.mandate_headings:
        if m.heading not in vocab.itu_operative_headings:
            raise InputError(path, f"mandate heading {m.heading!r} is not one of itu_operative_headings")
    if vocab.council_request.line not in vocab.council_heading_lines:
        raise InputError(path, f"council_request line {vocab.council_request.line!r} is not one of council_heading_lines")
    verbs = [m.verb for m in [*vocab.mandate_headings, vocab.council_request]] + [v.verb for v in [*vocab.un_mandates.verbs, *vocab.un_mandates.embedded]]
    orgs = [a.org for m in [*vocab.mandate_headings, vocab.council_request] for a in m.addressees] + [a.org for a in vocab.un_mandates.addressees]
    bad = next((v for v in verbs if v not in ref.clause_verb_by_slug), None)
    if bad:
        raise InputError(path, f"mandate verb {bad!r} is not a clause verb of seeds/reference/clause-verbs.yaml")
    bad = next((o for o in orgs if o not in ref.org_by_slug), None)
    if bad:
        raise InputError(path, f"addressee {bad!r} is not an organization of seeds/reference/organizations.yaml")


# ------------------------------------------------------------------------------ answer key
class ExpectedCitation(_Strict):
    """A citation the generator wrote."""

    citing: str = Field(description="IRI of the citing document.")
    cited: str = Field(description="IRI of the cited instrument (version when year and place are given).")
    exact: str = Field(description="The characters of the citation as written (full-width digits kept).")
    verb: str | None = Field(description="Clause verb of the provision it stands in (footnotes: the caller's).")


class ExpectedMention(_Strict):
    """An action-line, C7 sub-line or SDG mention the generator wrote."""

    container: str = Field(description="IRI of the mentioning document.")
    concept: str = Field(description="IRI of the concept.")
    exact: str = Field(description="The mention as written (C5, 电子卫生, 可持续发展目标9).")


class ExpectedRole(_Strict):
    """A role of ITU in an action line that the generator stated."""

    agent: str = Field(description="IRI of the organization holding the role.")
    action_line: str = Field(description="IRI of the action line.")
    role: RoleName = Field(description="The role stated.")


class ExpectedMandate(_Strict):
    """A request the generator wrote: one per addressee."""

    document: str = Field(description="IRI of the issuing document.")
    verb: str = Field(description="Clause-verb concept slug (instructs, requests…).")
    addressee: str = Field(description="IRI of the addressee organization.")
    exact: str = Field(description="The addressee as written.")
    embedded: bool = Field(description="Made inside a paragraph (…，并请…) rather than by its heading or lead verb.")


class ExpectedDocument(_Strict):
    """What one generated document cites, mentions and mandates, in canonical order."""

    key: str = Field(description="Manifest key.")
    file: str = Field(description="Text file name.")
    citations: list[ExpectedCitation] = Field(description="One entry per citation written (duplicates kept).")
    named_citations: list[ExpectedCitation] = Field(default_factory=list, description="One entry per citation of an instrument by title.")
    mentions: list[ExpectedMention] = Field(description="One entry per mention written.")
    roles: list[ExpectedRole] = Field(description="One entry per (action line, role) stated by one phrase.")
    mandates: list[ExpectedMandate] = Field(default_factory=list, description="One entry per request and addressee.")


class AnswerKey(_Strict):
    """``answer-key.json``: the facts of every generated document."""

    seed: int = Field(description="Seed of the generator's random.Random.")
    base: str = Field(description="Dataset base the IRIs were minted under.")
    documents: list[ExpectedDocument] = Field(description="In manifest order.")


# ------------------------------------------------------------------------------ phrases
@dataclass
class Phrase:
    """Text with the facts it carries, before it is placed in a provision."""

    text: str
    cites: list[tuple[str, str]] = field(default_factory=list)  # (exact, cited IRI)
    mentions: list[tuple[str, str]] = field(default_factory=list)  # (exact, concept IRI)
    roles: list[tuple[str, RoleName]] = field(default_factory=list)  # (code, role)
    named: list[tuple[str, str]] = field(default_factory=list)  # (exact, cited IRI) of citations by title

    def __add__(self, other: Phrase | str) -> Phrase:
        if isinstance(other, str):
            return Phrase(self.text + other, self.cites, self.mentions, self.roles, self.named)
        return Phrase(self.text + other.text, self.cites + other.cites, self.mentions + other.mentions, self.roles + other.roles,
                      self.named + other.named)


@dataclass
class _Cite:
    """A citation before it is placed: organ words, the written citation, and what it cites."""

    prefix: str
    core: str
    cites: list[tuple[str, str]]


@dataclass
class _Document:
    """A document being written: lines of text and the facts recorded so far."""

    iri: str
    lines: list[str] = field(default_factory=list)
    citations: list[ExpectedCitation] = field(default_factory=list)
    mentions: list[ExpectedMention] = field(default_factory=list)
    roles: list[ExpectedRole] = field(default_factory=list)
    named_citations: list[ExpectedCitation] = field(default_factory=list)
    mandates: list[ExpectedMandate] = field(default_factory=list)

    def mandate(self, verb: str, addressees: list[Addressee], ids: Identifiers, *, embedded: bool = False) -> None:
        """Keep one request to each of ``addressees``."""
        self.mandates += [ExpectedMandate(document=self.iri, verb=verb, addressee=ids.org(a.org), exact=a.text, embedded=embedded)
                          for a in addressees]

    def record(self, phrase: Phrase, verb: str | None, itu: str) -> None:
        """Keep the facts of a phrase placed under ``verb``."""
        self.citations += [ExpectedCitation(citing=self.iri, cited=iri, exact=exact, verb=verb) for exact, iri in phrase.cites]
        self.mentions += [ExpectedMention(container=self.iri, concept=iri, exact=exact) for exact, iri in phrase.mentions]
        self.roles += [ExpectedRole(agent=itu, action_line=code, role=role) for code, role in phrase.roles]
        self.named_citations += [ExpectedCitation(citing=self.iri, cited=iri, exact=exact, verb=verb) for exact, iri in phrase.named]


class Composer:
    """Draws phrases from the vocabulary with one ``random.Random``; knows what each carries."""

    def __init__(self, rng: random.Random, vocab: CorpusVocabulary, ref: Reference, ids: Identifiers) -> None:
        self.rng, self.vocab, self.ref, self.ids = rng, vocab, ref, ids
        self.itu_org = ids.org("itu")
        # only conferences a year-and-place bracket names unambiguously (not Dubai 2012: WTSA-12 and WCIT-12)
        self.versions = [c for c in ref.conferences if c.organ in _ITU_ORGANS and c.city
                         and ref.conference_at(c.year, self.city(c), RESOLUTION_ORGANS) == c]
        # with the organ named before it, a bracket may name a place and year shared with another
        # organ (every RA meets with a WRC)
        self.versions_named = [c for c in ref.conferences if c.organ in _ITU_ORGANS and c.city
                               and ref.conference_at(c.year, self.city(c), {c.organ}) == c]
        self.councils = [c for c in ref.conferences if c.organ == "council"]
        self.wtpfs = [c for c in ref.conferences if c.organ == "wtpf" and c.city]
        self.roles = sorted(ref.vocabulary.role_terms, key=lambda t: t.text)

    # small draws ---------------------------------------------------------------------
    def _int(self, low: int, high: int) -> int:
        return self.between((low, high))

    # Draws use rng.random() directly: several times faster than randrange/choices, which
    # matters at 10,000 documents (about 40 draws each), and just as deterministic.
    def pick(self, items: Sequence[_T]) -> _T:
        return items[int(self.rng.random() * len(items))]

    def between(self, bounds: tuple[int, int]) -> int:
        return bounds[0] + int(self.rng.random() * (bounds[1] - bounds[0] + 1))

    def weighted(self, weights: dict[_Name, int]) -> _Name:
        names, cumulative = self._cumulative(tuple(sorted(weights.items())))
        name: _Name = names[bisect_right(cumulative, self.rng.random() * cumulative[-1])]
        return name

    @staticmethod
    @cache
    def _cumulative(items: tuple[tuple[_Name, int], ...]) -> tuple[tuple[_Name, ...], tuple[int, ...]]:
        return tuple(n for n, _ in items), tuple(accumulate(w for _, w in items))

    def digits(self, text: str) -> str:
        """Sometimes write a citation's digits full-width, as some converted texts do."""
        return text.translate(_FULLWIDTH_DIGITS) if self.rng.random() < self.vocab.fullwidth_digits else text

    def city(self, conference: Conference) -> str:
        return self.ref.place_by_slug[conference.city or ""].label_zh

    def filler(self) -> str:
        return self.pick(self.vocab.fillers)

    def topic(self) -> Topic:
        return self.pick(self.vocab.topics)

    def phrase(self, cite: _Cite) -> Phrase:
        """Place a citation in one of the phrases of the vocabulary."""
        form = self.pick(self.vocab.citation_phrases)
        text = form.format(prefix=cite.prefix, core=cite.core, topic=self.topic().zh)
        return Phrase(text, cites=list(cite.cites))

    # ITU citations --------------------------------------------------------------------
    def _bracket(self, conference: Conference) -> str:
        form = self.pick([self.vocab.notations.itu_version, self.vocab.notations.itu_version_revised])
        return form.format(year=conference.year, city=self.city(conference))

    def _resolution_number(self, organ: str, n: int) -> str:
        notes = self.vocab.notations
        if organ == "ra" and self.rng.random() < 0.5:
            return notes.itu_resolution_ra.format(n=n, rev=self._int(1, 3))
        return notes.itu_resolution.format(n=n)

    def itu_version(self, *, prefixed: bool) -> _Cite:
        """第71号决议（2018年，迪拜，修订版）, with or without its organ words before it."""
        conference = self.pick(self.versions_named if prefixed else self.versions)
        n = self.between(self.vocab.numbers.itu_resolution)
        core = self.digits(self._resolution_number(conference.organ, n) + self._bracket(conference))
        words = [p.text for p in self.vocab.version_prefixes if p.organ == conference.organ]
        prefix = self.pick(words) if prefixed else ""
        return _Cite(prefix, core, [(core, self.ids.itu_version(conference.organ, "res", n, conference.year))])

    def _organ_words(self, organ: str) -> str:
        words = [p.text for p in self.vocab.version_prefixes if p.organ == organ]
        return self.pick(words) if words and self.rng.random() < 0.5 else ""

    def itu_coordinated(self) -> _Cite:
        """第1号、第2号和第5号决议（2018年，迪拜）, or 第1、2和5号决议（…）: one bracket for every item."""
        conference = self.pick(self.versions)
        numbers = sorted(self.rng.sample(range(self.vocab.numbers.itu_resolution[0], self.vocab.numbers.itu_resolution[1] + 1), self._int(2, 4)))
        notes = self.vocab.notations
        abbreviated = self.rng.random() < 0.5
        items = [(notes.itu_abbreviated_first if abbreviated and k == 0 else notes.itu_coordinated_item if not abbreviated else "{n}").format(n=n)
                 for k, n in enumerate(numbers)]
        items = [self.digits(i) for i in items]
        tail = notes.itu_list_tail if abbreviated else notes.itu_list_tail.removeprefix("号")
        last = items[-1] + tail + self._bracket(conference)
        core = self.vocab.un_list_separator.join(items[:-1]) + "和" + last
        written = [*items[:-1], last]
        return _Cite(self._organ_words(conference.organ), core,
                     [(w, self.ids.itu_version(conference.organ, "res", n, conference.year)) for w, n in zip(written, numbers, strict=True)])

    def itu_conference_code(self) -> _Cite:
        """第75号决议（WTSA-08）: the bracket names the conference by its code."""
        coded = [c for c in self.versions if re.fullmatch(r"(PP|WTDC|WTSA|RA)-\d{2}", c.slug.upper())]
        conference = self.pick(coded)
        n = self.between(self.vocab.numbers.itu_resolution)
        notes = self.vocab.notations
        core = self.digits(notes.itu_resolution.format(n=n) + notes.itu_version_code.format(code=conference.slug.upper()))
        return _Cite(self._organ_words(conference.organ), core, [(core, self.ids.itu_version(conference.organ, "res", n, conference.year))])

    def itu_spaced(self) -> _Cite:
        """第104 号决议（1998 年，明尼阿波利斯）: spaces inside the number and the bracket."""
        conference = self.pick(self.versions)
        n = self.between(self.vocab.numbers.itu_resolution)
        notes = self.vocab.notations
        core = self.digits(notes.itu_resolution_spaced.format(n=n) + notes.itu_version_spaced.format(year=conference.year, city=self.city(conference)))
        return _Cite(self._organ_words(conference.organ), core, [(core, self.ids.itu_version(conference.organ, "res", n, conference.year))])

    def invisible(self, text: str) -> str:
        """Sometimes put a character a reader does not see after the first ``/`` (第70/\u200b125号)."""
        if "/" not in text or self.rng.random() >= self.vocab.invisible_inside:
            return text
        head, _, tail = text.partition("/")
        return f"{head}/{self.pick(self.vocab.invisible_characters)}{tail}"

    def itu_work(self) -> _Cite:
        """全权代表大会第77号决议, 理事会第1332号决议: no year, so the work."""
        words = self.pick(self.vocab.work_prefixes)
        bounds = self.vocab.numbers.council_resolution if words.organ == "council" else self.vocab.numbers.itu_resolution
        n = self.between(bounds)
        core = self.digits(self.vocab.notations.itu_resolution.format(n=n))
        return _Cite(words.text, core, [(core, self.ids.itu_work(words.organ, "res", n))])

    def this_conference(self, adopting: Conference) -> _Cite:
        """本届大会第37号决议, with or without the adopting conference's bracket: its version."""
        n = self.between(self.vocab.numbers.itu_resolution)
        core = self.vocab.notations.itu_resolution.format(n=n)
        if self.rng.random() < 0.5:
            core += self._bracket(adopting)
        core = self.digits(core)
        words = next(p.text for p in self.ref.vocabulary.itu_organ_prefixes if p.organ == "@adopting")
        return _Cite(words, core, [(core, self.ids.itu_version(adopting.organ, "res", n, adopting.year))])

    def council_decision(self) -> _Cite:
        """第611号决定（理事会2020年会议，修订版） or 第637号决定（C24）."""
        council = self.pick(self.councils)
        n = self.between(self.vocab.numbers.council_decision)
        notes = self.vocab.notations
        if council.session_codes and self.rng.random() < 0.5:
            core = notes.council_decision_code.format(n=n, code=self.pick(council.session_codes))
        else:
            core = notes.council_decision_session.format(n=n, year=council.year)
        core = self.digits(core)
        return _Cite("理事会" if self.rng.random() < 0.5 else "", core, [(core, self.ids.itu_version("council", "dec", n, council.year))])

    def wtpf_opinion(self) -> _Cite:
        """意见2（2013年，日内瓦）."""
        forum = self.pick(self.wtpfs)
        n = self.between(self.vocab.numbers.wtpf_opinion)
        core = self.digits(self.vocab.notations.wtpf_opinion.format(n=n, year=forum.year, city=self.city(forum)))
        return _Cite(self.pick(self.vocab.wtpf_prefixes), core, [(core, self.ids.wtpf_opinion(forum.year, n))])

    def itu_citation(self, adopting: Conference | None) -> _Cite:
        """Any ITU citation a text adopted at (or issued for) ``adopting`` may make."""
        forms = ["version", "version", "bare", "work", "decision", "opinion", "coordinated", "code", "spaced"]
        form = self.pick(forms + (["this"] if adopting else []))
        if form == "this" and adopting:
            return self.this_conference(adopting)
        if form in ("version", "bare"):
            return self.itu_version(prefixed=form == "version")
        if form == "coordinated":
            return self.itu_coordinated()
        if form == "code":
            return self.itu_conference_code()
        if form == "spaced":
            return self.itu_spaced()
        return {"work": self.itu_work, "decision": self.council_decision, "opinion": self.wtpf_opinion}[form]()

    # UN citations ---------------------------------------------------------------------
    def _un_number(self) -> tuple[str, str]:
        """A General Assembly resolution number and its IRI."""
        number = f"{self.between(self.vocab.numbers.un_session)}/{self.between(self.vocab.numbers.un_number)}"
        return number, self.ids.unga_resolution(number)

    def unga_in_itu_text(self) -> _Cite:
        """联合国大会（UNGA）第70/125号决议."""
        number, iri = self._un_number()
        number = self.invisible(self.digits(number))
        core = self.vocab.notations.un_itu_text.format(number=number)
        return _Cite(self.pick(self.vocab.unga_prefixes_itu), core, [(number, iri)])

    def un_in_un_text(self) -> _Cite:
        """One UN resolution as a UN text writes it: General Assembly, ECOSOC, ES-10/23 or 217 A(III)."""
        notes, numbers = self.vocab.notations, self.vocab.numbers
        form = self.pick(["unga", "unga", "ecosoc", "emergency", "roman", "coordinated", "special", "decision", "sc", "hrc"])
        if form in ("coordinated", "special", "decision", "sc", "hrc"):
            return self.un_other(form)
        if form == "ecosoc":
            year, n = self.between(numbers.ecosoc_year), self.between(numbers.ecosoc_number)
            number = self.digits(f"{year}/{n}")
            return _Cite(self.pick(self.vocab.ecosoc_prefixes), notes.un_un_text.format(number=number), [(number, self.ids.ecosoc_resolution(year, n))])
        if form == "emergency":
            session, n = self.between(numbers.emergency_session), self._int(1, 30)
            core = notes.un_emergency.format(session=session, n=n)
            exact = core.split(" ")[0]
            return _Cite("大会", core, [(exact, self.ids.unga_resolution(f"ES-{session}/{n}"))])
        if form == "roman":
            number = self.pick(self.vocab.un_roman_numbers)
            return _Cite("", notes.un_roman.format(number=number), [(number, self.ids.unga_resolution(re.sub(r"\s+|[A-Z]\s*(?=\()", "", number)))])
        number, iri = self._un_number()
        number = self.invisible(self.digits(number))
        return _Cite(self.pick(self.vocab.unga_prefixes_un), notes.un_un_text.format(number=number), [(number, iri)])

    def un_other(self, form: str) -> _Cite:
        """第2006/46号和第2007/8号决议, 第S-27/2号决议, 第1992/218号决定, 第1325(2000)号决议, 人权理事会第55/1号决议."""
        notes, numbers, ids = self.vocab.notations, self.vocab.numbers, self.ids
        prefixes = self.vocab.un_organ_prefixes
        if form == "coordinated":
            pairs = [self._un_number() for _ in range(self._int(2, 3))]
            written = [self.digits(number) for number, _ in pairs]
            items = [notes.un_coordinated_item.format(number=w) for w in written]
            core = "和".join(items) + "决议"
            return _Cite(self.pick(prefixes["unga"]), core, [(w, iri) for w, (_, iri) in zip(written, pairs, strict=True)])
        if form == "special":
            number = f"S-{self.between(numbers.special_session)}/{self._int(1, 30)}"
            return _Cite(self.pick(prefixes["unga"]), notes.un_special.format(number=number), [(number, ids.unga_resolution(number))])
        if form == "decision":
            year, n = self.between(numbers.ecosoc_year), self.between(numbers.ecosoc_number) + 200
            number = self.digits(f"{year}/{n}")
            return _Cite(self.pick(prefixes["ecosoc"]), notes.ecosoc_decision.format(number=number), [(number, ids.ecosoc_decision(year, n))])
        if form == "sc":
            n, year = self.between(numbers.sc_resolution), self.between(numbers.ecosoc_year)
            number = f"{n}({year})"
            return _Cite(self.pick(prefixes["sc"]), notes.security_council.format(number=number), [(number, ids.sc_resolution(n))])
        session, n = self.between(numbers.hrc_session), self._int(1, 40)
        number = f"{session}/{n}"
        return _Cite(self.pick(prefixes["hrc"]), notes.hrc_resolution.format(number=number), [(number, ids.un_document(f"A/HRC/RES/{number}"))])

    def un_list(self) -> _Cite:
        """第 56/183、57/238 和 77/150 号决议: each number is its own citation."""
        count = self._int(2, 5)
        pairs = [self._un_number() for _ in range(count)]
        numbers = [self.digits(number) for number, _ in pairs]
        joined = self.vocab.un_list_separator.join(numbers[:-1]) + self.vocab.un_list_last + numbers[-1]
        core = self.vocab.notations.un_list.format(numbers=joined)
        return _Cite("", core, [(written, iri) for written, (_, iri) in zip(numbers, pairs, strict=True)])

    # symbols --------------------------------------------------------------------------
    def itu_symbol(self) -> Phrase:
        """C24/30(Rev.1)号文件, TDAG-25/18号文件, 第CL-24/61号通函."""
        form = self.pick(self.vocab.itu_symbols)
        council = self.pick([c for c in self.councils if c.session_codes])
        symbol = form.symbol.format(code=self.pick(council.session_codes), yy=f"{council.year % 100:02d}",
                                    n=self.between(self.vocab.numbers.document), rev=self._int(1, 3))
        iri = self.ids.itu_document(re.sub(r"^CL\s+", "CL-", symbol))
        return Phrase(form.around.format(symbol=symbol), cites=[(symbol, iri)])

    def un_symbol(self) -> Phrase:
        """A/79/62-E/2024/3, E/CN.16/2018/CRP.3 (a joint symbol is one document)."""
        form = self.pick(self.vocab.un_symbols)
        fields = {"session": self.between(self.vocab.numbers.un_session), "n": self.between(self.vocab.numbers.document),
                  "year": self.between(self.vocab.numbers.ecosoc_year), "m": self.between(self.vocab.numbers.document)}
        symbol = form.symbol.format(**fields)
        written = self.invisible(symbol) + (f"-{form.joint.format(**fields)}" if form.joint else "")
        phrase = self.pick(self.vocab.symbol_phrases).format(symbol=written)
        return Phrase(phrase, cites=[(written, self.ids.un_document(clean_symbol(symbol)))])

    def un_symbol_list(self) -> Phrase:
        """A/C.2/66/SR.24、34和40: the numbers after the first symbol are documents too."""
        session = self.between(self.vocab.numbers.un_session)
        low, high = self.vocab.numbers.document
        numbers = sorted(self.rng.sample(range(low, high + 1), self._int(2, 3)))
        text = self.vocab.notations.un_summary_records.format(session=session, numbers="")
        head = text.rsplit(".", 1)[0] + "."
        written = [f"{head}{numbers[0]}", *(str(n) for n in numbers[1:])]
        joined = written[0] + self.vocab.un_list_separator.join(["", *written[1:-1]]) + "和" + written[-1]
        phrase = self.pick(self.vocab.symbol_phrases).format(symbol=joined)
        return Phrase(phrase, cites=[(w, self.ids.un_document(f"{head}{n}")) for w, n in zip(written, numbers, strict=True)])

    def symbol(self, family: str) -> Phrase:
        if self.rng.random() < self.vocab.numbered_trap:
            return Phrase(self.pick(self.vocab.numbered_traps).format(n=self._int(2, 199)))
        if family == "un" or self.rng.random() < 0.3:
            return self.un_symbol_list() if self.rng.random() < 0.15 else self.un_symbol()
        return self.itu_symbol()

    # mentions and roles ---------------------------------------------------------------
    def action_line(self) -> Phrase:
        """WSIS C5行动方面, or C7 with one of its sub-lines."""
        line = self.pick(self.ref.action_lines)
        if line.code == "C7" and self.rng.random() < 0.5:
            sub = self.pick(self.ref.sub_lines)
            name = self.pick([sub.label_zh, *sub.aliases_zh])
            text = self.vocab.sub_line_mention.format(name=name)
            return Phrase(text, mentions=[("C7", self.ids.action_line("C7")), (name, self.ids.sub_line(sub.slug))])
        text = self.pick(self.vocab.action_line_mentions).format(code=line.code, label=line.label_zh)
        return Phrase(text, mentions=[(line.code, self.ids.action_line(line.code))])

    def sdg(self) -> Phrase:
        """可持续发展目标9（产业、创新和基础设施）."""
        goal = self.pick(self.ref.goals)
        text = self.pick(self.vocab.sdg_mentions).format(goal=goal.goal, label=goal.label_zh)
        written = text[: text.index(str(goal.goal)) + len(str(goal.goal))]
        return Phrase(text, mentions=[(written, self.ids.sdg(goal.goal))])

    def _codes(self) -> list[str]:
        picked = self.rng.sample(self.ref.action_lines, self.between(self.vocab.sizes.role_codes))
        return [a.code for a in sorted(picked, key=lambda a: int(a.code[1:]))]

    def _run(self, codes: list[str]) -> str:
        if len(codes) == 1:
            return codes[0]
        return self.vocab.code_separator.join(codes[:-1]) + self.vocab.code_last + codes[-1]

    def role(self) -> Phrase:
        """国际电联作为唯一推进方的WSIS C2、C4和C5行动方面: every code is a role and a mention."""
        template = self.pick(self.vocab.role_statements)
        codes, term = self._codes(), self.pick(self.roles)
        fields = {"codes": self._run(codes), "term": term.text}
        runs = [(codes, term)]
        if "{codes2}" in template:
            codes2 = [c for c in self._codes() if c not in codes] or [c.code for c in self.ref.action_lines if c.code not in codes][:1]
            term2 = self.pick(self.roles)
            fields |= {"codes2": self._run(codes2), "term2": term2.text}
            runs.append((codes2, term2))
        phrase = Phrase(template.format(**fields))
        for run_codes, run_term in runs:
            phrase.roles += [(self.ids.action_line(c), run_term.role) for c in run_codes]
            phrase.mentions += [(c, self.ids.action_line(c)) for c in run_codes]
        return phrase

    # one item -------------------------------------------------------------------------
    def item(self, family: str, adopting: Conference | None) -> Phrase:
        """One provision body or prose sentence: one fact (or none) and a filler."""
        kind = self.weighted(dict(self.vocab.item_mix))
        if family == "un" and kind in ("itu_citation", "action_line", "role"):
            kind = "un_citation"
        if kind == "itu_citation":
            core = self.phrase(self.itu_citation(adopting))
        elif kind == "un_citation":
            core = self.phrase(self.unga_in_itu_text() if family == "itu" else self.un_in_un_text())
        elif kind == "symbol":
            core = self.symbol(family)
        elif kind == "action_line":
            core = self.action_line()
        elif kind == "sdg":
            core = self.sdg()
        elif kind == "role":
            core = self.role()
        elif kind == "named":
            core = self.named(family)
        else:
            return Phrase(self.filler())
        return core + f"，{self.filler()}"

    # instruments cited by title (seeds/reference/instruments.yaml) --------------------------
    def _titled(self, family: str, form: str) -> list[NamedInstrument]:
        """Instruments a text of ``family`` can cite in ``form`` with a title no other entry shares."""
        index = self.ref.title_index

        def alone(text: str) -> bool:
            return len(index.get(title_key(text), [])) == 1

        out = []
        for e in self.ref.catalogue.instruments:
            if form == "short":
                ok = any(s.family in (None, family) and alone(s.text) for s in e.short_forms)
            elif form in ("provision", "provision_list"):
                ok = e.numbered_provisions and alone(e.title_zh)
            elif form == "defined_short":
                ok = bool(e.local_short_forms) and alone(e.title_zh)
            elif form == "plain":
                ok = bool(e.plain_titles_zh)
            else:
                ok = alone(e.title_zh)
            if ok:
                out.append(e)
        return out

    def named(self, family: str) -> Phrase:
        """An instrument cited by title in one of the forms of ``named_forms``, or a trap.

        What the answer key expects is written here from the form chosen: the IRI the
        template of docs/identifiers.md gives, and the characters the citation spans.
        """

        form = self.weighted(dict(self.vocab.named_forms))
        if form == "trap":
            return Phrase(self.pick(self.vocab.named_traps).format(n=self._int(2, 199)))
        entry = self.pick(self._titled(family, form))
        iri = instrument_of(entry, self.ref, self.ids).iri
        n, m = self._int(1, 150), self._int(151, 300)
        title = f"《{entry.title_zh}》"
        if form == "short":
            short = self.pick([s.text for s in entry.short_forms if s.family in (None, family)])
            return Phrase(f"《{short}》", named=[(f"《{short}》", iri)])
        if form == "paragraph":
            written = f"{title}{self.pick(['', '的'])}第{n}段"
            return Phrase(written, named=[(written, self.ids.instrument_paragraph(iri, n))])
        if form == "provision":
            written = f"{title}第{n}款"
            return Phrase(written, named=[(written, self.ids.numbered_provision(iri, n))])
        if form == "provision_list":
            return Phrase(f"{title}第{n}和{m}款", named=[(f"{title}第{n}", self.ids.numbered_provision(iri, n)),
                                                       (str(m), self.ids.numbered_provision(iri, m))])
        if form == "range":
            written = f"{title}第{n}-{m}段"
            return Phrase(written, named=[(written, iri)])
        if form == "quoted":
            return Phrase(f"“{entry.title_zh}”", named=[(f"“{entry.title_zh}”", iri)])
        if form == "defined_short":
            short = f"《{self.pick(entry.local_short_forms).text}》"
            return Phrase(f"{title}及该{short}", named=[(title, iri), (short, iri)])
        if form == "plain":
            plain = self.pick(entry.plain_titles_zh)
            return Phrase(plain, named=[(plain, iri)])
        return Phrase(title, named=[(title, iri)])

    def footnote(self, family: str) -> Phrase:
        """What a footnote says: a list or one citation (UN texts), or one ITU citation."""
        if family == "un":
            return self.pick([lambda: self.phrase(self.un_list()), self.un_symbol,
                              lambda: self.phrase(self.un_in_un_text())])()
        return Phrase("见") + self.phrase(self.itu_version(prefixed=True))


# ------------------------------------------------------------------------------ documents
@dataclass
class GeneratedDocument:
    """One generated text with its manifest entry and its answer-key entry."""

    entry: dict[str, str]
    text: str
    expected: ExpectedDocument


class _Numbering:
    """Unique numbers for generated documents' own identifiers, per kind."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.used: dict[str, int] = {}

    def next(self, kind: str) -> int:
        self.used[kind] = self.used.get(kind, 0) + 1
        return self.start + self.used[kind] - 1


def _footnote_line(marker: int, body: Phrase) -> str:
    """A footnote line in the forms the seeds use."""
    if body.text.startswith(("第", "见")) and marker % 2:
        return f"{marker} {body.text}。"
    return f"<sup>{marker}</sup> {body.text}。"


def _resolution(c: Composer, file: str, numbering: _Numbering) -> GeneratedDocument:
    """An ITU resolution (001 style): heading verbs on their own lines, lettered and numbered items."""
    conference = c.pick(c.versions)
    n = numbering.next("resolution")
    key = f"itu/{conference.organ}/res/{n}/{conference.year}"
    doc, topic, sizes = _Document(c.ids.id(key)), c.topic(), c.vocab.sizes
    doc.lines += [f"## {c.vocab.notations.itu_resolution.format(n=n)}{c._bracket(conference)}", "",
                  f"### {topic.zh}", "", f"{conference.label_zh}，", ""]
    footnotes: list[tuple[Phrase, str]] = []
    mandates = {m.heading: m for m in c.vocab.mandate_headings}
    headings = [(v, "preamble") for v in c.rng.sample(c.vocab.itu_preamble_headings, c.between(sizes.itu_preamble_headings))]
    headings += [(v, "operative") for v in c.rng.sample(c.vocab.itu_operative_headings, c.between(sizes.itu_operative_headings))]
    for h, (verb, part) in enumerate(headings):
        doc.lines += [verb, ""]
        count = c.between(sizes.itu_preamble_items if part == "preamble" else sizes.itu_operative_items)
        for i in range(count):
            body = c.item("itu", conference)
            if part == "operative":
                body = Phrase(c.pick(c.vocab.itu_operative_leads)) + body
            if c.rng.random() < c.vocab.footnote_citation:
                footnotes.append((c.footnote("itu"), verb))
                body = body + f"<sup>{len(footnotes)}</sup>"
            last = i == count - 1
            end = "。" if last and h == len(headings) - 1 else ("，" if last else "；")
            marker = f"- {chr(ord('a') + i)})" if part == "preamble" else str(i + 1)
            doc.lines += [f"{marker} {body.text}{end}", ""]
            doc.record(body, verb, c.itu_org)
            if part == "operative" and verb in mandates:
                doc.mandate(mandates[verb].verb, mandates[verb].addressees, c.ids)
    if footnotes:
        doc.lines += ["---", ""]
        for k, (body, verb) in enumerate(footnotes, 1):
            doc.lines += [_footnote_line(k, body), ""]
            doc.record(body, verb, c.itu_org)
    entry = {"file": file, "key": key, "kind": "resolution", "language": "zh", "title_zh": topic.zh,
             "title_en": topic.en, "adopted_by": conference.slug}
    return _finish(doc, entry)


_ZH_DIGITS = "零一二三四五六七八九"


def _zh_number(n: int) -> str:
    """A session number in Chinese numerals (79 → 七十九), as UN Chinese texts write it."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _ZH_DIGITS[tens] + "十")
    return head + (_ZH_DIGITS[ones] if ones else "")


def _draft_resolution(c: Composer, file: str, numbering: _Numbering) -> GeneratedDocument:
    """A UN draft resolution (002 style): bold verbs, numbered operative paragraphs, footnote lists."""
    session, committee = c.between(c.vocab.numbers.un_session), c.pick(c.vocab.un_committees)
    symbol = f"A/{committee.code}/{session}/L.{numbering.next('draft resolution')}"
    key = f"un/{symbol}"
    doc, topic, sizes = _Document(c.ids.id(key)), c.topic(), c.vocab.sizes
    year = 1945 + session
    month, day = c._int(9, 12), c._int(1, 28)
    sponsor = c.pick(sorted(p.label_zh for p in c.ref.places if p.kind == "country"))
    doc.lines += [f"联合国 {symbol}", "", f"Distr.: Limited {day} {['September', 'October', 'November', 'December'][month - 9]} {year}", "",
                  "Chinese", "", "Original: English", "", f"## 第{_zh_number(session)}届会议 {committee.zh}", "",
                  topic.zh, "", f"{sponsor}: 决议草案", "", topic.zh, "", "大会,", ""]
    marker = 0
    paragraphs = [("preamble", i) for i in range(c.between(sizes.un_preamble_paragraphs))]
    paragraphs += [("operative", i) for i in range(c.between(sizes.un_operative_paragraphs))]
    for k, (part, i) in enumerate(paragraphs):
        bold = c.rng.random() < 0.7
        if part == "preamble":
            verb = c.pick(c.vocab.un_preamble_verbs_bold if bold else c.vocab.un_preamble_verbs_plain)
        else:
            verb = c.pick(c.vocab.un_operative_verbs_bold if bold else c.vocab.un_operative_verbs_plain)
        body = c.item("un", None)
        if part == "operative":
            verb, bold, body = _un_request(c, doc, verb, bold, body)
        lead = f"**{verb}**" if bold else verb
        end = "," if part == "preamble" else ("。" if k == len(paragraphs) - 1 else "；")
        note: Phrase | None = None
        call = ""
        if c.rng.random() < c.vocab.footnote_citation:
            marker += 1
            note = c.footnote("un")
            call = f" <sup>{marker}</sup>" if c.rng.random() < 0.5 else f" $^{marker}$"
        number = f"{i + 1}. " if part == "operative" else ""
        doc.lines += [f"{number}{lead}{body.text}{end}{call}", ""]
        doc.record(body, verb, c.itu_org)
        if note is not None:
            doc.lines += [_footnote_line(marker, note), ""]
            doc.record(note, verb, c.itu_org)
    entry = {"file": file, "key": key, "kind": "draft resolution", "language": "zh", "symbol": symbol,
             "title_zh": topic.zh, "title_en": topic.en, "date": f"{year}-{month:02d}-{day:02d}"}
    return _finish(doc, entry)


def _un_request(c: Composer, doc: _Document, verb: str, bold: bool, body: Phrase) -> tuple[str, bool, Phrase]:
    """Make a UN operative paragraph a request (**促请**所有利益攸关方…), or end it with one of
    its own (…，并请秘书长…), or leave it; the mandates go into the answer key."""
    um = c.vocab.un_mandates
    if c.rng.random() < um.share:
        ask, who = c.pick(um.verbs), c.pick(um.addressees)
        doc.mandate(ask.verb, [who], c.ids)
        return ask.text, ask.bold, Phrase(who.text + c.filler())
    if c.rng.random() < um.embedded_share:
        ask, who = c.pick(um.embedded), c.pick(um.addressees)
        doc.mandate(ask.verb, [who], c.ids, embedded=True)
        return verb, bold, body + f"，{ask.text}{who.text}{c.filler()}"
    return verb, bold, body


def _prose(c: Composer, file: str, numbering: _Numbering, kind: Kind) -> GeneratedDocument:
    """A Council document (004 style) or a report (003 style): numbered paragraphs of prose.

    These kinds have no provisions, so their citations carry no clause verb. Reports keep some
    citations as Markdown links, as the converted 003 does.
    """
    council = c.pick([x for x in c.councils if x.session_codes])
    n = numbering.next(kind)
    key = f"itu/doc/{council.session_codes[0]}/{n}" if kind == "council document" else f"itu/doc/TDAG-{council.year % 100:02d}/{n}"
    doc, topic, sizes = _Document(c.ids.id(key)), c.topic(), c.vocab.sizes
    if kind == "council document":
        refs = [c.phrase(c.itu_version(prefixed=True)), c.itu_symbol()]
        doc.lines += [c.vocab.council_heading_lines[0], f"本文件介绍了{topic.zh}的最新情况。", *c.vocab.council_heading_lines[1:3],
                      c.vocab.council_heading_lines[3], "；".join(r.text for r in refs), ""]
        for r in refs:
            doc.record(r, None, c.itu_org)
        request = c.vocab.council_request
        if request.line in c.vocab.council_heading_lines[1:3]:
            doc.mandate(request.verb, request.addressees, c.ids)
    else:
        doc.lines += [f"提交{council.label_zh}的国际电联秘书长报告：{topic.zh}", "", "1. 前言", ""]
    for p in range(c.between(sizes.prose_paragraphs)):
        section = f"{p + 2}" if kind == "council document" else f"1.{p + 1}"
        sentences = []
        for _ in range(c.between(sizes.prose_sentences)):
            body = c.item("itu", None)
            if kind == "report" and body.cites and c.rng.random() < 0.5 and body.text.count(body.cites[0][0]) == 1 and "号决议（" in body.cites[0][0]:
                exact = body.cites[0][0]
                body = Phrase(body.text.replace(exact, c.vocab.notations.markdown_link.format(core=exact)), body.cites, body.mentions, body.roles)
            sentences.append(Phrase(c.pick(c.vocab.prose_leads)) + body + "。")
        if kind == "council document":
            doc.lines += [f"{section}\t{c.pick(c.vocab.prose_sections)}"]
        text = "".join(s.text for s in sentences)
        doc.lines += [f"{section}.1\t{text}" if kind == "council document" else f"{section}.1 {text}", ""]
        for s in sentences:
            doc.record(s, None, c.itu_org)
    entry = {"file": file, "key": key, "kind": kind, "language": "zh", "title_zh": topic.zh, "title_en": topic.en}
    return _finish(doc, entry)


def _finish(doc: _Document, entry: dict[str, str]) -> GeneratedDocument:
    """Text and answer-key entry in canonical form."""
    expected = ExpectedDocument(
        key=entry["key"], file=entry["file"],
        citations=sorted(doc.citations, key=lambda x: (x.citing, x.cited, x.exact, x.verb or "")),
        named_citations=sorted(doc.named_citations, key=lambda x: (x.citing, x.cited, x.exact, x.verb or "")),
        mentions=sorted(doc.mentions, key=lambda x: (x.container, x.concept, x.exact)),
        roles=sorted(doc.roles, key=lambda x: (x.agent, x.action_line, x.role)),
        mandates=sorted(doc.mandates, key=lambda x: (x.document, x.verb, x.addressee, x.exact, x.embedded)),
    )
    return GeneratedDocument(entry=entry, text="\n".join(doc.lines).rstrip("\n") + "\n", expected=expected)


# ------------------------------------------------------------------------------ corpus
@dataclass(frozen=True)
class Corpus:
    """A generated corpus in memory: file name → bytes, ready to write."""

    files: dict[str, bytes]
    key: AnswerKey


def _manifest_text(entries: list[dict[str, str]]) -> str:
    """The manifest as YAML, every value a double-quoted JSON string (deterministic and fast)."""
    lines = ["# Generated by `wsis-kg generate-corpus` (pipeline/corpus/generate.py); see answer-key.json.", "documents:"]
    for entry in entries:
        for i, name in enumerate(entry):
            lines.append(f"{'  - ' if i == 0 else '    '}{name}: {json.dumps(entry[name], ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def _answer_key_text(key: AnswerKey) -> str:
    """Canonical JSON (sorted keys), one document per line: diffable, and fast to write."""
    dump = key.model_dump()
    docs = ",\n".join(json.dumps(d, ensure_ascii=False, sort_keys=True) for d in dump.pop("documents"))
    head = json.dumps(dump["base"], ensure_ascii=False)
    return f'{{"base": {head}, "documents": [\n{docs}\n], "seed": {dump["seed"]}}}\n'


def generate_corpus(n: int, seed: int = 0, ids: Identifiers | None = None, ref: Reference | None = None) -> Corpus:
    """N documents, their manifest and their answer key; the same (n, seed) gives the same bytes."""
    if n < 1:
        raise ValueError("a corpus needs at least one document")
    ids = ids or Identifiers.from_environment()
    ref = ref or Reference.load(layout.REFERENCE)
    vocab = load_vocabulary(ref)
    composer = Composer(random.Random(seed), vocab, ref, ids)
    numbering = _Numbering(vocab.own_numbers_from)
    width = max(5, len(str(n)))
    docs: list[GeneratedDocument] = []
    for i in range(n):
        kind = composer.weighted(dict(vocab.mix))
        slug = kind.replace(" ", "-")
        file = f"{i:0{width}d}_{slug}.txt"
        if kind == "resolution":
            docs.append(_resolution(composer, file, numbering))
        elif kind == "draft resolution":
            docs.append(_draft_resolution(composer, file, numbering))
        else:
            docs.append(_prose(composer, file, numbering, kind))
    key = AnswerKey(seed=seed, base=ids.base, documents=[d.expected for d in docs])
    files = {d.entry["file"]: d.text.encode("utf-8") for d in docs}
    files[MANIFEST] = _manifest_text([d.entry for d in docs]).encode("utf-8")
    files[ANSWER_KEY] = _answer_key_text(key).encode("utf-8")
    return Corpus(files=files, key=key)


def write_corpus(corpus: Corpus, out: Path) -> None:
    """Write every file of ``corpus`` into ``out`` (created if missing; stale .txt files are refused)."""
    out.mkdir(parents=True, exist_ok=True)
    stray = sorted(p.name for p in out.glob("*.txt") if p.name not in corpus.files)
    if stray:
        raise InputError(out / stray[0], "the output folder holds texts of another corpus; use an empty folder")
    for name in sorted(corpus.files):
        (out / name).write_bytes(corpus.files[name])


def observed(ex: DocumentExtraction, ids: Identifiers) -> ExpectedDocument:
    """An extraction in the answer key's terms, so the two compare record for record."""
    concept = {"action-line": ids.action_line, "sub-line": ids.sub_line, "sdg": lambda code: ids.sdg(int(code))}
    return ExpectedDocument(
        key=ex.key, file="",
        citations=[ExpectedCitation(citing=c.citing, cited=c.cited.iri, exact=c.span.exact, verb=c.verb) for c in ex.citations],
        named_citations=[ExpectedCitation(citing=c.citing, cited=c.cited.iri, exact=c.span.exact, verb=c.verb) for c in ex.named_citations],
        mentions=[ExpectedMention(container=m.container, concept=concept[m.scheme](m.code), exact=m.span.exact) for m in ex.mentions],
        roles=[ExpectedRole(agent=ids.org(r.agent), action_line=ids.action_line(r.code), role=r.role) for r in ex.roles],
        mandates=[ExpectedMandate(document=ex.provisions[m.provision].container, verb=m.verb, addressee=ids.org(m.addressee),
                                  exact=m.addressee_span.exact, embedded=m.embedded) for m in ex.mandates],
    )


def differences(expected: ExpectedDocument, got: ExpectedDocument) -> list[str]:
    """Readable multiset differences: ``missing`` (in the key, not extracted), ``unexpected`` (the reverse)."""
    out = []
    for name in ("citations", "named_citations", "mentions", "roles", "mandates"):
        want = Counter(getattr(expected, name))
        have = Counter(getattr(got, name))
        out += [f"{expected.key}: missing {name[:-1]} {r.model_dump()}" for r in sorted(want - have, key=repr)]
        out += [f"{expected.key}: unexpected {name[:-1]} {r.model_dump()}" for r in sorted(have - want, key=repr)]
    return out


def check_corpus(folder: Path, ids: Identifiers | None = None) -> list[str]:
    """Extract a generated corpus exactly as ``build`` does and list every difference from its key.

    Build warnings count as differences too: the generator writes nothing doubtful.
    """
    from pipeline.build import extract_all

    ids = ids or Identifiers.from_environment()
    key = load_answer_key(folder)
    if key.base != ids.base:
        raise InputError(folder / ANSWER_KEY, f"the key was minted under {key.base}, not {ids.base}; pass the same base")
    _, _, extractions = extract_all(folder, ids)
    out: list[str] = []
    for expected, ex in zip(key.documents, extractions, strict=True):
        out += differences(expected, observed(ex, ids))
        out += [f"{ex.key}: warning {w}" for w in ex.warnings]
    return out


def load_answer_key(folder: Path) -> AnswerKey:
    """Read ``answer-key.json`` of a generated corpus."""
    path = folder / ANSWER_KEY
    try:
        return AnswerKey.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise InputError(path, f"cannot read the answer key: {exc}") from exc
