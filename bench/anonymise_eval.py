"""Measure the anonymiser on labelled answers: recall of personal data, legal figures changed.

Each item of bench/data/anonymise_eval.yaml marks personal data as [[KIND:text]] and legal
figures as {{text}}. A personal span counts as found when every identifying word of it (words
with a capital or a digit, civilities and structure-kind prefixes aside) lies inside a
replacement; a legal figure counts as changed when any replacement overlaps it. Figures are
given for the tuning half and the held-out half separately (never tune on the held-out half).

    .venv/bin/python bench/anonymise_eval.py [--verbose] [--no-model]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from legaldesk.kb.anonymise import anonymise  # noqa: E402

DEFAULT_FILE = REPO_ROOT / "bench" / "data" / "anonymise_eval.yaml"
MARKUP_RE = re.compile(r"\[\[([A-Z]+):(.+?)\]\]|\{\{(.+?)\}\}")
# Words that do not identify anyone on their own (civilities, kinds of structure).
NEUTRAL_WORDS = frozenset({
    "m.", "mme", "madame", "monsieur", "maître", "dr", "docteur", "mlle", "l'", "l", "aci",
    "ai", "ei", "etti", "ebe", "ges", "régie", "association", "identifiant", "france",
    "travail", "rg", "dossier", "n°", "quartier",
})


def parse(marked: str) -> tuple[str, list[tuple[int, int, str]], list[tuple[int, int]]]:
    """Plain text, personal spans (start, end, kind) and legal-figure spans of a marked text."""
    plain, personal, legal, cursor = [], [], [], 0
    length = 0
    for match in MARKUP_RE.finditer(marked):
        before = marked[cursor:match.start()]
        plain.append(before)
        length += len(before)
        inner = match.group(2) if match.group(1) else match.group(3)
        span = (length, length + len(inner))
        if match.group(1):
            personal.append((*span, match.group(1)))
        else:
            legal.append(span)
        plain.append(inner)
        length += len(inner)
        cursor = match.end()
    plain.append(marked[cursor:])
    return "".join(plain), personal, legal


def identifying_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The words of a span that identify (a capital or a digit), as absolute ranges."""
    ranges = []
    for word in re.finditer(r"[^\s,'’()]+", text[start:end]):
        token = word.group()
        if token.lower() in NEUTRAL_WORDS or token.lower().rstrip("'’") in NEUTRAL_WORDS:
            continue
        if any(ch.isdigit() for ch in token) or token[0].isupper() or "@" in token:
            ranges.append((start + word.start(), start + word.end()))
    return ranges or [(start, end)]


def evaluate(items: list[dict], use_model: bool = True) -> dict:
    """Recall of personal spans and legal figures changed, with the misses listed."""
    result = {"personal": 0, "found": 0, "legal": 0, "changed": 0, "misses": [],
              "changes": [], "replacements": 0, "extra": []}
    for item in items:
        text, personal, legal = parse(item["text"])
        replaced = anonymise(text, use_model=use_model).replacements
        result["replacements"] += len(replaced)
        covered = [(r.start, r.end) for r in replaced]
        for r in replaced:
            if not any(r.start < e and s < r.end for s, e, _kind in personal):
                result["extra"].append((item["id"], r.kind, r.original))
        for start, end, kind in personal:
            result["personal"] += 1
            if all(any(a <= s and e <= b for a, b in covered)
                   for s, e in identifying_ranges(text, start, end)):
                result["found"] += 1
            else:
                result["misses"].append((item["id"], kind, text[start:end]))
        for start, end in legal:
            result["legal"] += 1
            hits = [r for r in replaced if r.start < end and start < r.end]
            if hits:
                result["changed"] += 1
                result["changes"].append((item["id"], text[start:end], hits[0].replacement))
    return result


def main() -> None:
    """Print recall and legal-figure changes for both halves."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--verbose", action="store_true", help="list misses and changes")
    parser.add_argument("--no-model", action="store_true", help="patterns only (no NER)")
    args = parser.parse_args()
    items = yaml.safe_load(args.file.read_text(encoding="utf-8"))
    for split in ("tuning", "held_out"):
        part = [i for i in items if i["split"] == split]
        r = evaluate(part, use_model=not args.no_model)
        recall = r["found"] / r["personal"] if r["personal"] else 1.0
        print(f"{split:9} answers={len(part):3} personal={r['personal']:3} "
              f"recall={recall:.3f} (goal ≥ 0.98)  legal figures changed={r['changed']}/"
              f"{r['legal']} (goal 0)  replacements={r['replacements']} "
              f"(of which outside personal data: {len(r['extra'])})")
        if args.verbose:
            for miss in r["misses"]:
                print("   missed", *miss)
            for change in r["changes"]:
                print("   changed", *change)
            for extra in r["extra"]:
                print("   extra", *extra)


if __name__ == "__main__":
    main()
