"""How the twin threshold (``extractors/twins.py``) was chosen, on ../shared/corpus.

Prints, with the shingling and signatures ingestion uses:

1. known pairs — each seed PDF against its text (``seeds/pdf`` vs ``seeds/txt``) and each
   real PDF against its own raw text layer (pdfium, no clean-up: what a "text copy" of a
   PDF is): estimated similarity, they must all be found;
2. the most similar pairs of *different* documents over the whole corpus (every pair not
   in 1): none may reach the threshold — these are the false pairs;
3. re-publication with small changes, simulated: 2–20 % of a document's words replaced
   in one place by words of another document; how many are still found at 0.70–0.80.

    python eval/twins_threshold.py
"""

from __future__ import annotations

import hashlib
import itertools
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
THRESHOLDS = (0.70, 0.75, 0.80)


def _read(path: Path):
    from saksfinn.extractors.read import read_document

    data = path.read_bytes()
    return read_document(data, source=path.name, document_id=hashlib.sha256(data).hexdigest(), ocr="off")


def _raw_text_layer(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    return "\n\f\n".join(pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf)))


def main() -> int:
    from saksfinn.extractors import twins as detect

    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}")
        return 1
    files = [p for p in sorted(CORPUS.rglob("*")) if p.suffix in {".pdf", ".txt"}]
    texts = {str(p.relative_to(CORPUS)): _read(p).text for p in files}
    sigs = {k: detect.signature(v) for k, v in texts.items()}
    print(f"{len(files)} documents, {sum(1 for s in sigs.values() if s)} with a signature "
          f"(the others have fewer than {detect.MIN_SHINGLES} shingles: no twins)")

    print("\n1. known pairs")
    known = set()
    for pdf in sorted((CORPUS / "seeds" / "pdf").glob("*.pdf")):
        a, b = f"seeds/pdf/{pdf.name}", f"seeds/txt/{pdf.stem}.txt"
        known.add((a, b))
        print(f"  {detect.similarity(sigs[a], sigs[b]):.2f}  {a} ~ {b}")
    for pdf in sorted((CORPUS / "real" / "pdf").glob("*.pdf")):
        key = f"real/pdf/{pdf.name}"
        raw = detect.signature(_raw_text_layer(pdf))
        score = f"{detect.similarity(sigs[key], raw):.2f}" if sigs[key] and raw else " -- "
        print(f"  {score}  {key} ~ its raw text layer")

    print("\n2. most similar different documents (false pairs if ≥ threshold)")
    rows = sorted(
        ((detect.similarity(sa, sb), a, b) for (a, sa), (b, sb) in itertools.combinations(sigs.items(), 2)
         if sa and sb and (a, b) not in known),
        reverse=True,
    )
    for score, a, b in rows[:5]:
        print(f"  {score:.2f}  {a} ~ {b}")
    for th in THRESHOLDS:
        print(f"  at {th:.2f}: {sum(1 for s, _, _ in rows if s >= th)} false pairs")

    print("\n3. simulated re-publication (words replaced in one place)")
    rng = random.Random(7)
    signed = [texts[k] for k in texts if sigs[k] and not k.startswith("seeds/")]
    for share in (0.02, 0.05, 0.10, 0.15, 0.20):
        sims = []
        for i, text in enumerate(signed):
            words, other = text.split(), signed[(i + 1) % len(signed)].split()
            n = max(1, int(len(words) * share))
            at = rng.randrange(0, max(1, len(words) - n))
            changed = " ".join(words[:at] + other[:n] + words[at + n:])
            sims.append(detect.similarity(detect.signature(text) or [], detect.signature(changed) or []))
        found = ", ".join(f"{sum(s >= th for s in sims)} at {th:.2f}" for th in THRESHOLDS)
        print(f"  {share:4.0%}: of {len(sims)} found {found}; median {statistics.median(sims):.2f}")
    print(f"\nthreshold in use: {detect.THRESHOLD}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
