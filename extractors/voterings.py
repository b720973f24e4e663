"""Voteringer: every vote of a protocol as a :class:`~saksfinn.models.votes.Vote` record.

Three steps, all pure: the text's lines are classified (:func:`_classify`: case header,
proposal label, ``N)``, roll-call line, ``Dermed …`` line, inline vote, other), the lines are
cut into cases (from ``Kommunestyrets behandling av sak 14/2026 i møte den …`` or a case-ref
line such as ``K-112/12`` to the next), and each case is read in order: proposals collect their
text until a vote; a roll-call (``For forslaget stemte 19: …``, ``Imot forslaget stemte 16: …``,
``For forslag 1 stemte …``) closes at its ``Dermed ble … (ikke) vedtatt`` line; an inline vote
(``Enstemmig vedtatt``, ``Tilleggsforslaget ble enstemmig vedtatt``, ``Som rådmannen -
samrøystes``, ``vedteke med 14 mot 10 røyster`` with its ``Mindretalet - 10 - røysta for …``)
makes a record at once. Text outside a case (a saksframlegg quoting another body's vote) gives
nothing. A vote block that cannot be read gives no record; the decision extractor still reads
what it can.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from saksfinn.extractors.dates import parse_exact_date
from saksfinn.extractors.textspans import Line, locate, split_lines
from saksfinn.models.document import Document
from saksfinn.models.votes import AMENDMENT_KINDS, Alternative, Vote, Voter, normalise_party

log = logging.getLogger(__name__)

NAME = "voterings"
VERSION = "1"
EXTRACTOR = f"{NAME}@{VERSION}"

_CASE_HEADER_RE = re.compile(
    r"^(?P<body>[A-ZÆØÅ][\wæøåÆØÅ .\-]{2,80}?)\s+(?:sin\s+|si\s+)?(?:behandling|handsaming)"
    r"\s+av\s+sak\s+(?P<ref>\d+/\d+)"
    r"(?:\s+i\s+møte\s+(?:den\s+)?(?P<date>\d{1,2}\.\d{1,2}\.\d{4}))?",
    re.IGNORECASE,
)
_REF_LINE_RE = re.compile(r"^(?P<ref>[A-ZÆØÅ]{1,6}\s?-\s?(?P<number>\d+/\d+))\s*$")
_ROLL_RE = re.compile(
    r"^(?P<side>For|Imot|Mot|I\s+mot)\s+"
    r"(?:forslag\s+(?P<alt>\d{1,2})|forslaget|innstillingen|innstillinga|tilrådinga|tilrådingen|framlegget"
    r"|framlegg\s+(?P<alt2>\d{1,2}))"
    r"(?:\s*\([^)]*\))?\s+(?:stemte|røysta|røystet)\s+(?P<count>\d{1,3})\s*(?P<colon>[:.])?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_DERMED_RE = re.compile(r"^Dermed\s+(?:ble|blei|vart)\s+(?P<what>.*)$", re.IGNORECASE)
_ABSENT_RE = re.compile(
    r"^(?:Ikke\s+til\s+stede|Ikkje\s+til\s+stades|Fraværende|Fråverande|Ikke\s+tilstede)\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(r"^(?P<n>\d{1,2})\)$")
_SATT_OPP_RE = re.compile(r"^Dette\s+(?:ble|vart|blei)\s+(?:satt|sett)\s+opp\s+mot\s*:?$", re.IGNORECASE)
_KIND_WORDS = (
    ("endringsforslag", "endringsforslag"),
    ("endringsframlegg", "endringsforslag"),
    ("tilleggsforslag", "tilleggsforslag"),
    ("tilleggsframlegg", "tilleggsforslag"),
    ("alternative forslag", "alternativt forslag"),
    ("alternativt forslag", "alternativt forslag"),
    ("alternativt framlegg", "alternativt forslag"),
    ("oversendelsesforslag", "oversendelsesforslag"),
    ("oversendingsforslag", "oversendelsesforslag"),
    ("innstilling", "innstilling"),
    ("tilråding", "innstilling"),
    ("forslag til vedtak", "innstilling"),
)
_PROPOSER_RE = re.compile(
    r"^(?P<who>[A-ZÆØÅ][\wæøåÆØÅ.\- ]{1,80}?)\s*(?:\((?P<party>[^)]{1,60})\)\s*)?,?\s+"
    r"(?:fremmet|fremma|fremja|la\s+fram|sette\s+fram|satte\s+fram)\s+(?:følgende|følgjande|slikt|dette)\s+"
    r"(?P<kind>[\wæøåÆØÅ ]{3,40}?)\s*:?\s*$",
    re.IGNORECASE,
)
_LABEL_RE = re.compile(
    r"^(?:(?P<avstemning>avstemning|votering|røysting)\s+(?:over|av|om)\s+(?P<what>.+?)"
    r"|(?P<inn>innstilling(?:\s+til\s+vedtak)?|innstillinga|tilråding|tilrådinga"
    r"|(?:[\wæøåÆØÅ\-]+s\s+|[\wæøåÆØÅ\-]+\s+sitt\s+)?(?:forslag|framlegg)\s+til\s+vedtak(?:\s+i\s+[\wæøå ]+)?"
    r"|rådmannen\s+tilrår|kommunedirektøren\s+tilrår)"
    r"|(?P<meeting>forslag\s+fremmet\s+i\s+møtet|forslag\s+i\s+møtet?|framlegg\s+i\s+møtet|nytt\s+forslag))\s*:?\s*$",
    re.IGNORECASE,
)
_VEDTAK_LABEL_RE = re.compile(r"^(?:[\wæøåÆØÅ\-]+s\s+)?vedtak\s*:?\s*(?P<inline>.*)$", re.IGNORECASE)
_UNANIMOUS_RE = re.compile(r"\b(?:enstemmig|enstemmige|einstemmig|einstemmige|samrøystes|samrøysta)\b", re.IGNORECASE)
_ADOPTED_WORD_RE = re.compile(
    r"\b(?:vedtatt|vedtatte|vedteke|vedteken|vedtekne|vedtas|vedtek|godkjent|godkjend|bifalt|tilrådd|tilrådde)\b",
    re.IGNORECASE,
)
_NOT_ADOPTED_RE = re.compile(
    r"\b(?:ikke|ikkje)\s+(?:vedtatt|vedteke|vedteken|godkjent|godkjend)|\bfalt\b|\bfall\b|\bforkasta?\b|\bavvist\b",
    re.IGNORECASE,
)
_COUNT_INLINE_RE = re.compile(
    r"\b(?:vedtatt|vedteke|vedteken|vedtekne|vedtas|godkjent|godkjend|tilrådd)\s+med\s+(?P<for>\d{1,3})\s+mot\s+"
    r"(?P<against>\d{1,3})\s*(?:stemmer|røyster|røyster|stemme|røyst)?",
    re.IGNORECASE,
)
_MINORITY_RE = re.compile(
    r"^Mindretal(?:let|et|l)?\s*[-–(]?\s*(?P<count>\d{1,3})\s*[-–)]?\s*(?:stemte|røysta|røystet)\s+for\s+(?P<rest>.*)$",
    re.IGNORECASE,
)
_CASTING_RE = re.compile(r"dobbelt?stemme|dobbeltrøyst|dobbelrøyst", re.IGNORECASE)
_NOT_A_VOTE_RE = re.compile(r"\binhabil|\bhabil\b|habilitet|erklært", re.IGNORECASE)
_AMENDS_RE = re.compile(
    r"^(?:(?:endringsforslag|tilleggsforslag|alternativt?\s+forslag|konkret\s+endringsforslag)\s*(?:til|i)?\s*)?"
    r"(?P<ref>(?:pkt\.?|punkt|kulepunkt|kapittel|kap\.)\s*[\w.]+(?:\s*\w\))?(?:,\s*(?:kulepunkt|punkt|pkt\.?)\s*\d+)?"
    r"|NOK\s*\d+(?:\s*pkt\.?\s*\d+)?)",
    re.IGNORECASE,
)
_SAKSGANG_ROW_RE = re.compile(
    r"^(?P<body>[A-ZÆØÅ][^|\d]{2,60}?)\s*\|?\s*(?P<date>\d{1,2}\.\d{1,2}\.\d{4})\s*\|?\s*(?P<ref>\d+/\d+)"
)


@dataclass
class _Proposal:
    kind: str
    proposer: str | None = None
    party: str | None = None
    number: str | None = None
    label: str | None = None  # the label text (``formannskapets innstilling med vedtatte endringer``)
    lines: list[Line] = field(default_factory=list)

    def text(self) -> str | None:
        body = _join([line.text for line in self.lines])
        return body or self.label


@dataclass
class _Side:
    side: str  # "for" | "mot" | alternative label
    count: int
    named: bool  # the count was followed by ``:`` and a list of names
    voters: list[tuple[str, str | None]]


@dataclass
class _OpenVote:
    first: Line
    sides: list[_Side] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class _Case:
    start: int  # first line index
    end: int  # line index after the case
    case_ref: str | None
    body: str | None
    date: dt.date | None


def _join(texts: list[str]) -> str:
    """Wrapped lines as one string: a line ending in ``-`` joins the next without a space."""
    out = ""
    for raw in texts:
        part = raw.strip()
        if not part:
            continue
        if out.endswith("-") and part[:1].isalpha():
            out += part
        else:
            out = f"{out} {part}" if out else part
    return out


def _body_name(genitive: str) -> str:
    """``Kommunestyrets`` / ``Kommunestyres`` → ``Kommunestyret``; ``Formannskaps`` → ``Formannskapet``;
    ``Hovedutvalg helse og omsorgs`` → ``Hovedutvalg helse og omsorg``."""
    name = genitive.strip()
    if name.endswith("s") and not name.endswith("ss"):
        name = name[:-1]
    if name.lower() in {"kommunestyre", "bystyre", "fylkesting"}:
        name += "t"
    elif name.lower() in {"formannskap", "formannskapp"}:
        name += "et"
    return name


def _parse_names(text: str) -> list[tuple[str, str | None]]:
    """``Anne Grete Krogstad (AP), Per Aunan (AP), …`` → [(name, party as written), …]."""
    text = text.strip().rstrip(".").strip()
    if not text:
        return []
    if "(" in text:
        return [
            (re.sub(r"\s+", " ", m.group(1)).strip(" ,."), m.group(2).strip())
            for m in re.finditer(r"\s*([^,()]+?)\s*\(([^()]*)\)\s*(?:,|og\b|$)", text)
        ]
    return [(name.strip(), None) for name in re.split(r",|\bog\b", text) if name.strip()]


def _kind_of(words: str, default: str = "forslag") -> str:
    lowered = words.lower()
    for word, kind in _KIND_WORDS:
        if word in lowered:
            return kind
    return default


def _saksgang(lines: list[Line]) -> dict[str, tuple[str, dt.date | None]]:
    """``139/12`` → (body, date) from a ``Styre/råd/utval | Møtedato | Sak nr`` table."""
    rows: dict[str, tuple[str, dt.date | None]] = {}
    for line in lines[:80]:
        row = _SAKSGANG_ROW_RE.match(line.stripped)
        if row:
            rows[row.group("ref")] = (row.group("body").strip(), parse_exact_date(row.group("date")))
    return rows


def _cases(lines: list[Line]) -> list[_Case]:
    """The cases of a text: from a case header (or a ``K-112/12`` ref line followed by a label)
    to the next one."""
    saksgang = _saksgang(lines)
    starts: list[tuple[int, str | None, str | None, dt.date | None]] = []
    for k, line in enumerate(lines):
        text = line.stripped
        header = _CASE_HEADER_RE.match(text)
        if header:
            date = parse_exact_date(header.group("date")) if header.group("date") else None
            starts.append((k, f"sak {header.group('ref')}", _body_name(header.group("body")), date))
            continue
        ref = _REF_LINE_RE.match(text)
        if ref and _next_text(lines, k) and re.match(r"^(?:tilråding|vedtak|innstilling)\b", _next_text(lines, k), re.I):
            body, date = saksgang.get(ref.group("number"), (None, None))
            starts.append((k, re.sub(r"\s", "", ref.group("ref")), body, date))
    return [
        _Case(start, starts[n + 1][0] if n + 1 < len(starts) else len(lines), ref, body, date)
        for n, (start, ref, body, date) in enumerate(starts)
    ]


def _next_text(lines: list[Line], k: int) -> str:
    for line in lines[k + 1 : k + 4]:
        if not line.blank:
            return line.stripped
    return ""


def _continuation(lines: list[Line], k: int, end: int) -> int:
    """Index after the lines that continue the statement on line ``k`` (wrapped names)."""
    j = k + 1
    while j < end:
        text = lines[j].stripped
        if not text or _ROLL_RE.match(text) or _DERMED_RE.match(text) or _ABSENT_RE.match(text):
            break
        if _PROPOSER_RE.match(text) or _LABEL_RE.match(text) or _NUMBER_RE.match(text):
            break
        if lines[j - 1].stripped.endswith(".") and not lines[j - 1].stripped.endswith(("K.", "J.")) and "(" not in text:
            break
        j += 1
    return j


class _CaseReader:
    """Reads the votes of one case, line by line (see module docstring)."""

    def __init__(self, doc: Document, lines: list[Line], case: _Case) -> None:
        self.doc, self.lines, self.case = doc, lines, case
        self.pending: list[_Proposal] = []
        self.collecting: _Proposal | None = None
        self.number: str | None = None
        self.open: _OpenVote | None = None
        self.votes: list[Vote] = []
        self.after_vedtak = False

    def read(self) -> list[Vote]:
        k = self.case.start + 1
        while k < self.case.end:
            k = self._step(k)
        return self.votes

    # -- one line ---------------------------------------------------------------------------
    def _step(self, k: int) -> int:  # noqa: C901 — a flat dispatch over line kinds
        line = self.lines[k]
        text = line.stripped
        if not text:
            if self.collecting is not None:
                self.collecting.lines.append(line)
            return k + 1
        roll = _ROLL_RE.match(text)
        if roll:
            return self._roll(k, roll)
        absent = _ABSENT_RE.match(text)
        if absent and self.open is not None:
            end = _continuation(self.lines, k, self.case.end)
            rest = _join([absent.group("rest")] + [ln.text for ln in self.lines[k + 1 : end]])
            self.open.absent.extend(name for name, _ in _parse_names(rest))
            self.open.lines.extend(self.lines[k:end])
            return end
        dermed = _DERMED_RE.match(text)
        if dermed:
            if self.open is not None:
                self._close(line, dermed.group("what"))
            return k + 1
        if _NUMBER_RE.match(text):
            self.number = _NUMBER_RE.match(text).group("n")  # type: ignore[union-attr]
            self.collecting = None
            return k + 1
        if _SATT_OPP_RE.match(text):
            self.collecting = None
            return k + 1
        proposer = _PROPOSER_RE.match(text)
        if proposer and not _ADOPTED_WORD_RE.search(text):
            party = proposer.group("party")
            self._start(_kind_of(proposer.group("kind")), proposer.group("who").strip(), party, None)
            return k + 1
        label = _LABEL_RE.match(text)
        if label:
            if label.group("avstemning"):
                self._start("innstilling" if re.search(r"innstilling|tilråding", text, re.I) else "forslag",
                            None, None, label.group("what").strip())
            elif label.group("meeting"):
                self._start("forslag", None, None, None)
            else:
                self._start("innstilling", None, None, None)
            return k + 1
        if self.open is None and self._inline(k, text):
            return k + 1
        vedtak = _VEDTAK_LABEL_RE.match(text)
        if vedtak and len(text) < 40 and not vedtak.group("inline"):
            self.collecting = None
            self.after_vedtak = True
            return k + 1
        if self.collecting is not None and self.open is None:
            if not (re.match(r"^[A-ZÆØÅ][\wæøå ]+\s+\d{1,2}\.\d{1,2}\.\d{2,4}$", text) and not self.collecting.lines):
                if text.upper().startswith("OVERSENDELSESFORSLAG"):
                    self.collecting.kind = "oversendelsesforslag"
                else:
                    self.collecting.lines.append(line)
        return k + 1

    def _start(self, kind: str, who: str | None, party: str | None, label: str | None) -> None:
        proposal = _Proposal(kind=kind, proposer=who, party=normalise_party(party), number=self.number, label=label)
        self.number = None
        self.pending.append(proposal)
        self.collecting = proposal
        self.after_vedtak = False

    # -- roll-call --------------------------------------------------------------------------
    def _roll(self, k: int, roll: re.Match[str]) -> int:
        if self.open is None:
            self.open = _OpenVote(first=self.lines[k])
        self.collecting = None
        end = _continuation(self.lines, k, self.case.end)
        rest = _join([roll.group("rest")] + [ln.text for ln in self.lines[k + 1 : end]])
        alt = roll.group("alt") or roll.group("alt2")
        side = alt if alt else ("for" if roll.group("side").lower() == "for" else "mot")
        named = roll.group("colon") == ":" and bool(rest.strip())
        self.open.sides.append(_Side(side, int(roll.group("count")), named, _parse_names(rest) if named else []))
        self.open.lines.extend(self.lines[k:end])
        return end

    def _close(self, dermed_line: Line, what: str) -> None:
        vote = self.open
        assert vote is not None
        self.open = None
        lines = [*vote.lines, dermed_line]
        sides = {s.side: s for s in vote.sides}
        alternatives = [s for s in vote.sides if s.side not in ("for", "mot")]
        adopted = not _NOT_ADOPTED_RE.search(what) and bool(_ADOPTED_WORD_RE.search(what))
        warnings = [
            f"{_side_label(s.side)}: {s.count} oppgitt, {len(s.voters)} navn"
            for s in vote.sides
            if s.named and len(s.voters) != s.count
        ]
        proposal = self._take(what, numbered=bool(alternatives))
        fields: dict[str, object]
        if alternatives:
            winner = re.search(r"\b(?:forslag|framlegg)\s+(\d{1,2})\b", what, re.IGNORECASE)
            adopted_label = winner.group(1) if winner and adopted else None
            by_number = {p.number: p for p in self.pending if p.number}
            alts = tuple(
                Alternative(
                    label=s.side,
                    count=s.count,
                    voters=tuple(Voter(name=n, party=normalise_party(p), vote=s.side) for n, p in s.voters),
                    proposal_kind=by_number[s.side].kind if s.side in by_number else None,
                    proposer=by_number[s.side].proposer if s.side in by_number else None,
                    party=by_number[s.side].party if s.side in by_number else None,
                    text=by_number[s.side].text() if s.side in by_number else None,
                )
                for s in alternatives
            )
            first = next((s for s in alternatives if s.side == "1"), alternatives[0])
            fields = dict(
                votes_for=first.count,
                votes_against=sum(s.count for s in alternatives if s is not first),
                alternatives=alts,
                adopted_alternative=adopted_label,
                result=None if adopted_label is None else ("vedtatt" if adopted_label == first.side else "falt"),
                voters=tuple(v for a in alts for v in a.voters),
                unanimous=False,
            )
        else:
            for_side, against_side = sides.get("for"), sides.get("mot")
            votes_for = for_side.count if for_side else 0
            votes_against = against_side.count if against_side else 0
            voters = [Voter(name=n, party=normalise_party(p), vote="for") for n, p in (for_side.voters if for_side else [])]
            voters += [Voter(name=n, party=normalise_party(p), vote="mot") for n, p in (against_side.voters if against_side else [])]
            result = "vedtatt" if adopted else "falt"
            if adopted and votes_for < votes_against and not _CASTING_RE.search(what):
                warnings.append(f"vedtatt med færre stemmer for ({votes_for}) enn mot ({votes_against})")
            if not adopted and votes_for > votes_against:
                warnings.append(f"falt med flere stemmer for ({votes_for}) enn mot ({votes_against})")
            fields = dict(
                votes_for=votes_for,
                votes_against=votes_against,
                voters=tuple(voters),
                result=result,
                unanimous=votes_for == 0 or votes_against == 0,
            )
        if proposal is None:
            proposal = _Proposal(kind=_kind_of(what, default="forslag" if re.search(r"forslag", what, re.I) else "innstilling"))
        self._emit(lines, proposal, absent=tuple(vote.absent), casting_vote=bool(_CASTING_RE.search(what)),
                   warning="; ".join(warnings) or None, **fields)
        self.pending = []

    def _take(self, what: str, *, numbered: bool) -> _Proposal | None:
        """The pending proposal a vote is about: numbered ``1)`` in a vote between proposals, else
        the latest one of the kind the outcome names, else the latest."""
        if not self.pending:
            return None
        if numbered:
            return next((p for p in self.pending if p.number == "1"), self.pending[0])
        named = _kind_of(what, default="")
        if named:
            same = [p for p in self.pending if p.kind == named]
            if same:
                return same[-1]
        return self.pending[-1]

    # -- inline votes -----------------------------------------------------------------------
    def _inline(self, k: int, text: str) -> bool:
        if _NOT_A_VOTE_RE.search(text):
            return False
        count = _COUNT_INLINE_RE.search(text)
        unanimous = _UNANIMOUS_RE.search(text)
        if not count and not (
            unanimous and (_ADOPTED_WORD_RE.search(text) or re.search(r"samrøystes\W*$|enstemmig\W*$", text, re.I))
        ):
            return False
        if re.search(r"\bsaka?\s+(?:ble|vart)\s+(?:vedtatt|vedteke)\s+utsatt", text, re.I):
            return False
        lines = [self.lines[k]]
        words = text[: (count or unanimous).start()]  # type: ignore[union-attr]
        proposal = self._take_inline(words)
        if text.rstrip().endswith(":") and re.search(r"forslag|framlegg", words, re.I):
            # "Følgende omforente tilleggsforslag ble enstemmig vedtatt:" — the proposal follows
            proposal = _Proposal(kind=_kind_of(words))
            j = k + 1
            while j < self.case.end and not self.lines[j].blank and not _VEDTAK_LABEL_RE.match(self.lines[j].stripped):
                proposal.lines.append(self.lines[j])
                j += 1
        if proposal is None:
            proposal = _Proposal(kind=_kind_of(words, default="innstilling"))
            if self.after_vedtak or not re.search(r"forslag|framlegg|innstilling|tilråding", words, re.I):
                own = re.sub(r"\s*[-–]\s*$", "", words).strip()
                if own:
                    proposal.label = own
        adopted = not _NOT_ADOPTED_RE.search(text)
        fields: dict[str, object]
        if count:
            votes_for, votes_against = int(count.group("for")), int(count.group("against"))
            alternatives: tuple[Alternative, ...] = ()
            minority = self._minority(k)
            if minority is not None:
                m_count, m_text, m_lines = minority
                lines += m_lines
                who = re.match(
                    r"^(?:representanten\s+)?(?P<who>[A-ZÆØÅ][\wæøåÆØÅ.\- ]+?),?\s*\(?(?P<party>[A-ZÆØÅa-zæøå]{1,12})\)?"
                    r"\s+(?:sitt|sin|si|sine)\s+(?:framlegg|forslag)\s*(?P<text>.*)$",
                    m_text,
                )
                alternatives = (
                    Alternative(label="1", count=votes_for, proposal_kind=proposal.kind, text=proposal.text()),
                    Alternative(
                        label="2",
                        count=m_count,
                        proposal_kind="forslag",
                        proposer=who.group("who").strip() if who else None,
                        party=normalise_party(who.group("party")) if who else None,
                        text=(who.group("text").strip() or None) if who else m_text,
                    ),
                )
                warning = None if m_count == votes_against else f"mindretallet {m_count}, mot {votes_against}"
            else:
                warning = None
            fields = dict(
                votes_for=votes_for,
                votes_against=votes_against,
                unanimous=False,
                alternatives=alternatives,
                adopted_alternative="1" if alternatives else None,
                warning=warning,
            )
        else:
            fields = dict(votes_for=None, votes_against=0, unanimous=True)
        self._emit(lines, proposal, result="vedtatt" if adopted else "falt", **fields)
        self.pending = [p for p in self.pending if p is not proposal]
        self.collecting = None
        return True

    def _take_inline(self, words: str) -> _Proposal | None:
        if not self.pending:
            return None
        named = _kind_of(words, default="")
        if named:
            same = [p for p in self.pending if p.kind == named]
            return same[-1] if same else None
        if not words.strip(" .-–:"):  # "Avstemning: Enstemmig vedtatt." — the proposal before it
            return self.pending[-1]
        return self.pending[-1] if re.search(r"forslag|framlegg", words, re.I) else None

    def _minority(self, k: int) -> tuple[int, str, list[Line]] | None:
        for j in range(k + 1, min(k + 4, self.case.end)):
            match = _MINORITY_RE.match(self.lines[j].stripped)
            if match:
                end = j + 1
                while end < self.case.end and not self.lines[end].blank and not _VEDTAK_LABEL_RE.match(self.lines[end].stripped):
                    if self.lines[end - 1].stripped.endswith("."):
                        break
                    end += 1
                rest = _join([match.group("rest")] + [ln.text for ln in self.lines[j + 1 : end]])
                return int(match.group("count")), rest.rstrip("."), self.lines[j:end]
        return None

    # -- records ----------------------------------------------------------------------------
    def _emit(self, lines: list[Line], proposal: _Proposal, **fields: object) -> None:
        start, end = lines[0].start, lines[-1].end
        page, section = locate(self.doc, start)
        text = proposal.text()
        self.votes.append(
            Vote(
                document_id=self.doc.document_id,
                page=page,
                section=section,
                start=start,
                end=end,
                extractor=EXTRACTOR,
                case_ref=self.case.case_ref,
                body=self.case.body,
                meeting_date=self.case.date,
                position=len(self.votes),
                proposal_kind=proposal.kind,  # type: ignore[arg-type]
                proposal_text=text,
                proposer=proposal.proposer,
                party=proposal.party,
                amends=_amends(text) if proposal.kind in AMENDMENT_KINDS else None,
                text=_join([ln.text for ln in lines]),
                **fields,  # type: ignore[arg-type]
            )
        )


def _side_label(side: str) -> str:
    return {"for": "for", "mot": "mot"}.get(side, f"forslag {side}")


def _amends(text: str | None) -> str | None:
    """The point an amendment changes when its text opens with one (``Pkt 1 b):``, ``Til pkt 3:``,
    ``Endringsforslag kapittel 1, kulepunkt 1``, ``Konkret endringsforslag i NOK 1``, ``pkt. 7 - …``)."""
    if not text:
        return None
    head = re.sub(r"^på vegne av .*?(?=\d{1,2}\.\s|pkt\b|punkt\b|$)", "", text.strip(), flags=re.IGNORECASE)
    head = re.sub(r"^til\s+", "", head.strip(" :"), flags=re.IGNORECASE)
    head = re.sub(r"^(?:tilleggsforslag|endringsforslag)\s+til\s+", "", head, flags=re.IGNORECASE)
    match = _AMENDS_RE.match(head)
    if match:
        return match.group("ref").strip(" :.-")
    numbered = re.match(r"^(\d{1,2})\.\s", head)
    return f"pkt {numbered.group(1)}" if numbered else None


def _link_amendments(votes: list[Vote]) -> list[Vote]:
    """Each amendment points at the votering on the proposal it changed: in the same case, the
    innstilling vote whose text opens with the same point, else the case's last innstilling vote."""
    out: list[Vote] = []
    for vote in votes:
        if vote.proposal_kind not in AMENDMENT_KINDS:
            out.append(vote)
            continue
        targets = [v for v in votes if v.case_ref == vote.case_ref and v.proposal_kind in ("innstilling", "forslag")
                   and v.vote_id != vote.vote_id]
        point = re.search(r"\d+", vote.amends or "")
        same_point = [
            v for v in targets if point and v.proposal_text and re.match(rf"^\s*{point.group(0)}\s*\.", v.proposal_text)
        ]
        target = (same_point or targets[-1:] or [None])[-1]
        out.append(vote.model_copy(update={"amends_vote_id": target.vote_id}) if target else vote)
    return out


def extract_votes(doc: Document, nlp: object | None = None) -> list[Vote]:
    """Every votering of ``doc``, in text order (see module docstring)."""
    lines = split_lines(doc.text)
    votes: list[Vote] = []
    for case in _cases(lines):
        votes.extend(_CaseReader(doc, lines, case).read())
    votes = _link_amendments(votes)
    log.debug("%s: %d voteringer", doc.document_id[:12], len(votes))
    return votes


def link_decisions(doc: Document, votes: list[Vote], findings: list[object]) -> list[Vote]:
    """Each votering with the ``decision_id`` of the vedtak it produced: in the same case, the
    decision whose text holds the vote (``Vedtak: Som PTN-utvalet - vedteke med 14 mot 10``), else
    the first vedtak after it. Votes of a case without a vedtak stay unlinked."""
    decisions = [f for f in findings if getattr(f, "type", None) == "decision"]
    if not votes or not decisions:
        return votes
    lines = split_lines(doc.text)
    bounds = [
        (lines[c.start].start, lines[c.end - 1].end if c.end > c.start else lines[c.start].end) for c in _cases(lines)
    ]
    out: list[Vote] = []
    for vote in votes:
        case = next(((s, e) for s, e in bounds if s <= vote.start <= e), None)
        if case is None:
            out.append(vote)
            continue
        holding = [d for d in decisions if d.start <= vote.start < d.end]  # type: ignore[attr-defined]
        after = [
            d for d in decisions
            if d.kind == "vedtak" and vote.end <= d.start <= case[1]  # type: ignore[attr-defined]
        ]  # fmt: skip
        target = holding[0] if holding else (min(after, key=lambda d: d.start) if after else None)  # type: ignore[attr-defined]
        out.append(vote.model_copy(update={"decision_id": target.finding_id}) if target else vote)  # type: ignore[attr-defined]
    return out
