"""Experiment (not shipped): a learned scorer for project names that no project word announces.

    python eval/project_names_experiment.py     # ≈ 2 min; out of fold over train+dev (tuned material)

The rules of ``extractors/projects.py`` find names a project word announces
(``prosjektet «Eldre i skolen»``, ``Forbedringsprogrammet``): 12 % of the distinct project
names of the train+dev documents. Most names stand alone ("… koblet på Serviceportalen",
"TØRN", "Innherredsbyen er en satsing …"). Tried here:

1. candidates per document — quoted names, runs of capitalised words and their parts,
   upper-case names, lower-case compounds ending in a project word, a short name opening a
   line before ``:`` / ``–``;
2. each described by all its occurrences (count, place in the sentence, words around it,
   cue-word groups, its own words and ending, municipality/body words);
3. logistic regression, 5 folds grouped by document; a gold name is found when a reported
   name equals it or one holds the other.

Result in docs/prose_models.md ("Project names"): the candidates reach 94 % of the gold
names, but the scorer adds only a few names at precision ≥ 0.85, so nothing ships.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import annotate  # noqa: E402
import prose_data  # noqa: E402

from saksfinn.extractors.gazetteer import is_municipality_name  # noqa: E402
from saksfinn.extractors.projects import GENERIC_NAMES, extract_projects  # noqa: E402
from saksfinn.extractors.textspans import squash  # noqa: E402

_LETTER = "A-Za-zÆØÅæøåÄÖÜäöüÉé"
_UPPER = "A-ZÆØÅÄÖÜÉ"
_CONNECTORS = {"for", "og", "i", "om", "på", "til", "av", "mot", "med", "en", "ein", "eit", "et", "the", "of"}
_WORD = rf"[{_LETTER}0-9](?:[{_LETTER}0-9'’\-]|(?<=\d)\.(?=\d))*"
_TOKEN_RE = re.compile(_WORD)
_QUOTED_RE = re.compile(r"[«“\"](?P<name>[^»”\"\n]{3,60})[»”\"]")
_LINE_NAME_RE = re.compile(
    rf"(?m)^[ \t]*(?:[•●▪■◦○·\-–—*►✓][ \t]*)?(?:[Pp]ilot(?:prosjekt)?[ \t]+)?"
    rf"(?P<name>[{_UPPER}0-9][^\n:–—.!?]{{1,50}}?)[ \t]*(?::|[ \t][–—-][ \t])"
)
_PROJECT_WORD = (
    r"(?:prosjekt|program|nettverk|satsing|satsning|pilot|kontor|portal|senter|senteret|fond|camp|team|løft"
    r"|løftet|manifest|dagen|byen|samarbeid|modell|plan|ordning)"
)
_LOWER_COMPOUND_RE = re.compile(rf"\b(?P<name>[a-zæøå][a-zæøå\-]{{3,}}{_PROJECT_WORD}(?:et|en|a|ene|er)?)\b")
_SUFFIX_RE = re.compile(rf"{_PROJECT_WORD}(?:et|en|a|ene|er)?$", re.IGNORECASE)
_BODY_RE = re.compile(
    r"(?:kommune|kommunestyre|formannskap|utvalg|utval|råd|rådet|styre|styret|nemnd|administrasjon|fylkeskommune"
    r"|departement|direktorat|etat|enhet|avdeling|sektor)\w*$", re.IGNORECASE
)
_MONTHS = {
    "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
    "desember", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
}
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;]\s+|\n\s*(?:[•●▪■◦○·\-–—*►✓]\s*)?)$")
_CONTEXT = 3
_CUES = {  # word groups whose nearness to a name says what it names (prefixes of lower-case words)
    "project": ("prosjekt", "program", "satsing", "satsning", "pilot", "tiltak", "nettverk", "initiativ",
                "ordning", "partnerskap", "samarbeid", "kampanje", "konsept", "modell"),
    "work": ("deltar", "deltak", "delta", "gjennomfør", "etabler", "startet", "oppstart", "igangsatt", "lanser",
             "evaluer", "videreføre", "vidareføre", "avslutt", "finansier", "budsjett", "prosjektleder",
             "styringsgruppe", "erfaring", "resultat", "målet", "formål", "gjennom", "regi", "innført", "innføring"),
    "organisation": ("as", "sa", "iks", "kommune", "fylkeskommune", "departement", "direktorat", "nav", "ks",
                     "forening", "lag", "selskap", "stiftelse", "universitet", "høgskole"),
    "person": ("rådmann", "kommunedirektør", "ordfører", "varaordfører", "leder", "representant", "saksbehandler",
               "sign", "medlem", "møtte", "forfall", "ap", "sp", "frp", "sv", "krf", "mdg", "frp", "h", "v", "r"),
    "place": ("gate", "vegen", "veien", "gården", "gnr", "bnr", "sentrum", "område", "tomt", "skole", "barnehage"),
    "document": ("plan", "planen", "rapport", "vedlegg", "sak", "saken", "lov", "forskrift", "strategi", "kapittel"),
}


@dataclass
class Candidate:
    """One proposed name of one document, with every place it occurs."""

    key: str
    name: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)


def name_key(name: str) -> str:
    """How names are compared: lower case, no white space or surrounding punctuation."""
    return "".join(name.lower().split()).strip(".,:;«»\"“”-–")


def _clean(name: str) -> str:
    name = squash(name).strip(" .,:;-–—«»\"“”*()")
    words = name.split()
    while words and words[-1].lower() in _CONNECTORS:
        words.pop()
    return " ".join(words)


def _capital_phrases(text: str) -> Iterator[tuple[int, int, str]]:
    """Runs of capitalised words (connectors and a following number allowed inside), and
    their parts: the first word alone, the run without its first word ("Budsjettet for
    Innherredsbyen" → "Innherredsbyen"), the pieces either side of "og"."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]
    i = 0
    while i < len(tokens):
        if not tokens[i][2][0].isupper():
            i += 1
            continue
        j, last = i + 1, i
        while j < len(tokens) and j - i < 8:
            if text[tokens[j - 1][1]:tokens[j][0]] not in (" ", " - ", " – "):
                break
            w = tokens[j][2]
            if w[0].isupper() or (w[0].isdigit() and j == last + 1):
                last = j
            elif w.lower() not in _CONNECTORS:
                break
            j += 1
        run = tokens[i:last + 1]
        pieces = [run]
        if len(run) > 1:
            pieces.append(run[:1])
            k = 1
            while k < len(run) and run[k][2].lower() in _CONNECTORS:
                k += 1
            pieces.append(run[k:])
            cut = [n for n, t in enumerate(run) if t[2] == "og"]
            if cut:
                pieces += [run[:cut[0]], run[cut[-1] + 1:]]
        for piece in pieces:
            while piece and (piece[-1][2].lower() in _CONNECTORS):
                piece = piece[:-1]
            if piece and piece[0][2][0].isupper():
                yield piece[0][0], piece[-1][1], text[piece[0][0]:piece[-1][1]]
        i = last + 1


def candidates(text: str) -> list[Candidate]:
    """Every candidate name of a document, keyed by :func:`name_key`, with all occurrences."""
    proposed: dict[str, Candidate] = {}

    def add(start: int, end: int, raw: str, source: str) -> None:
        name = _clean(raw)
        key = name_key(name)
        if len(key) < 3 or len(name.split()) > 8 or key in GENERIC_NAMES or key.isdigit():
            return
        if name.lower() in _MONTHS:
            return
        cand = proposed.setdefault(key, Candidate(key=key, name=name))
        cand.sources.add(source)

    for m in _QUOTED_RE.finditer(text):
        add(m.start("name"), m.end("name"), m.group("name"), "quoted")
    for m in _LINE_NAME_RE.finditer(text):
        if len(m.group("name").split()) <= 6:
            add(m.start("name"), m.end("name"), m.group("name"), "line")
    for start, end, phrase in _capital_phrases(text):
        before = text[max(0, start - 6):start]
        source = "capital_start" if _SENTENCE_START_RE.search(before) else "capital_inside"
        if phrase.isupper() and len(phrase) >= 3:
            source = "upper"
        add(start, end, phrase, source)
    for m in _LOWER_COMPOUND_RE.finditer(text):
        add(m.start("name"), m.end("name"), m.group("name"), "compound")
    # every occurrence of every name, found again by its text (case-insensitive, whole words)
    for cand in proposed.values():
        pattern = re.compile(r"(?<![\wæøå])" + r"\s+".join(map(re.escape, cand.name.split())) + r"(?![\wæøå])",
                             re.IGNORECASE)
        cand.spans = [(m.start(), m.end()) for m in pattern.finditer(text)][:50]
    return [c for c in proposed.values() if c.spans]


def _words(text: str) -> list[str]:
    return [w.lower() for w in _TOKEN_RE.findall(text)]


def features(text: str, cand: Candidate, is_municipality: Any = None) -> dict[str, float]:
    """The candidate as a sparse feature dict over all its occurrences in ``text``."""
    f: dict[str, float] = {f"src={s}": 1.0 for s in cand.sources}
    words = cand.name.split()
    f["n_words"] = min(len(words), 8) / 8
    f[f"n_words={min(len(words), 4)}"] = 1.0
    f["log_count"] = math.log1p(len(cand.spans)) / 3
    f["upper"] = float(cand.name.isupper())
    f["has_digit"] = float(any(ch.isdigit() for ch in cand.name))
    f["suffix_project_word"] = float(bool(_SUFFIX_RE.search(words[-1])))
    f["body"] = float(bool(_BODY_RE.search(words[-1])))
    f["capitalised"] = float(cand.name[:1].isupper())
    if is_municipality is not None and any(is_municipality(w) for w in words):
        f["municipality_word"] = 1.0
        f["municipality_only"] = float(len(words) == 1 or all(is_municipality(w) or w.lower() in _CONNECTORS
                                                              or w.lower() == "kommune" for w in words))
    f[f"end={words[-1][-4:].lower()}"] = 1.0
    for w in words[:4]:
        f[f"tok={w.lower()}"] = 1.0
    inside = capital_inside = 0
    for start, end in cand.spans:
        surface = text[start:end]
        before, after = text[max(0, start - 60):start], text[end:end + 60]
        if not _SENTENCE_START_RE.search(text[max(0, start - 6):start]):
            inside += 1
            capital_inside += surface[:1].isupper()
        left, right = _words(before)[-_CONTEXT:], _words(after)[:_CONTEXT]
        for w in _words(before)[-8:-_CONTEXT] + _words(after)[_CONTEXT:8]:
            f[f"near={w}"] = f.get(f"near={w}", 0.0) + 1.0
        for w in left:
            f[f"left={w}"] = f.get(f"left={w}", 0.0) + 1.0
        for w in right:
            f[f"right={w}"] = f.get(f"right={w}", 0.0) + 1.0
        for w in _words(before)[-8:] + _words(after)[:8]:
            for group, stems in _CUES.items():
                if any(w == stem or (len(stem) > 3 and w.startswith(stem)) for stem in stems):
                    f[f"cue={group}"] = f.get(f"cue={group}", 0.0) + 1.0
        if left:
            f[f"left1={left[-1]}"] = 1.0
        if right:
            f[f"right1={right[0]}"] = 1.0
        if after[:1] in ":–-" or after[:2] in (" –", " -"):
            f["then_colon_or_dash"] = 1.0
        if before[-1:] in "«\"“":
            f["quoted_occurrence"] = 1.0
    n = len(cand.spans)
    for key in [k for k in f if k.startswith(("left=", "right=", "near=", "cue="))]:
        f[key] = min(f[key] / n, 1.0)
    f["share_inside"] = inside / n
    f["share_capital_inside"] = capital_inside / max(inside, 1)
    return f


SEED = 13


def _match(a: str, pool) -> bool:
    return any(a == b or (len(a) > 4 and len(b) > 4 and (a in b or b in a)) for b in pool)


def documents(splits: tuple[str, ...]) -> list[dict]:
    """Per annotated document of ``splits``: text, gold name keys, rule project keys, candidates."""
    exs = [e for e in prose_data.build() if not e.weak and e.split in splits]
    files = prose_data.source_files()
    paths = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in files}
    by: dict[str, list] = {}
    for e in exs:
        by.setdefault(e.sha256, []).append(e)
    out = []
    for sha, units in sorted(by.items()):
        _, doc = annotate.load(paths[sha])
        gold = {name_key(n) for u in units for _, _, n in u.mentions}
        rules = {name_key(p.name) for p in extract_projects(doc)}
        cands = candidates(doc.text)
        feats = [features(doc.text, c, is_municipality_name) for c in cands]
        out.append({"sha": sha, "name": paths[sha].name, "doc": doc, "gold": gold, "rules": rules,
                    "cands": cands, "feats": feats, "y": [c.key in gold for c in cands]})
    return out


def fit(docs: list[dict], c: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([f for d in docs for f in d["feats"]])
    y = np.array([v for d in docs for v in d["y"]])
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED).fit(x, y)
    return vec, clf


def predicted(doc: dict, scores: np.ndarray, threshold: float) -> list[str]:
    """Name keys the product reports for ``doc``: rule projects, then scored names not already held."""
    known = set(doc["rules"])
    out = list(known)
    for i in np.argsort(-scores, kind="stable"):
        key = doc["cands"][i].key
        if scores[i] >= threshold and not _match(key, known):
            known.add(key)
            out.append(key)
    return out


def tally(docs: list[dict], scores: list[np.ndarray], threshold: float) -> dict:
    gold = found = right = reported = rule_found = 0
    for d, s in zip(docs, scores):
        names = predicted(d, s, threshold)
        gold += len(d["gold"])
        found += sum(_match(g, names) for g in d["gold"])
        rule_found += sum(_match(g, d["rules"]) for g in d["gold"])
        reported += len(names)
        right += sum(_match(n, d["gold"]) for n in names)
    return {"gold": gold, "recall": round(found / gold, 3) if gold else None,
            "precision": round(right / reported, 3) if reported else None, "reported": reported,
            "rules_recall": round(rule_found / gold, 3) if gold else None}


def out_of_fold(docs: list[dict], c: float) -> list[np.ndarray]:
    from sklearn.model_selection import GroupKFold

    scores = [np.zeros(len(d["cands"])) for d in docs]
    groups = np.arange(len(docs))
    for train, held in GroupKFold(n_splits=5).split(groups, groups=groups):
        vec, clf = fit([docs[i] for i in train], c)
        for i in held:
            if docs[i]["cands"]:
                scores[i] = clf.predict_proba(vec.transform(docs[i]["feats"]))[:, 1]
    return scores


def main() -> None:
    from sklearn.metrics import average_precision_score

    docs = documents(("train", "dev"))
    reach = sum(_match(g, [c.key for c in d["cands"]]) for d in docs for g in d["gold"])
    print(f"train+dev: {len(docs)} documents, {sum(len(d['gold']) for d in docs)} gold names, "
          f"candidates reach {reach}, {sum(len(d['cands']) for d in docs)} candidates")
    full = [d["feats"] for d in docs]
    lexical = ("tok=", "end=", "left=", "right=", "near=", "left1=", "right1=")
    for name, keep in (("all features", lambda k: True),
                       ("without word features", lambda k: not k.startswith(lexical))):
        for d, f in zip(docs, full):
            d["feats"] = [{k: v for k, v in x.items() if keep(k)} for x in f]
        for c in (0.3, 3.0):
            scores = out_of_fold(docs, c)
            y = np.array([v for d in docs for v in d["y"]])
            ap = average_precision_score(y, np.concatenate(scores))
            points = [(t, tally(docs, scores, t)) for t in (0.9, 0.8, 0.7, 0.5)]
            print(f"{name}, C={c}: candidate AP {ap:.3f}; " + "; ".join(
                f"≥{t}: names R {r['recall']} P {r['precision']}" for t, r in points))
    print(f"rules alone: names R {tally(docs, [np.zeros(len(d['cands'])) for d in docs], 1.0)['recall']}")


if __name__ == "__main__":
    main()
