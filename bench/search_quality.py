"""Search quality of the knowledge-base engine against a plain Whoosh BM25 baseline.

Builds both indexes of the full corpus in a temporary directory, runs every dev query and every
variant, and reports hit@10, MRR@10 and nDCG@10 (graded gains) on the tuning half of the query
ids, the held-out half, and all. `--tune` re-runs a small coordinate search of the ranking knobs
on the tuning half only (how the defaults of RankingConfig were chosen).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from whoosh import fields, index  # noqa: E402
from whoosh.analysis import LanguageAnalyzer  # noqa: E402
from whoosh.qparser import MultifieldParser, OrGroup  # noqa: E402

from legaldesk.kb.search import KnowledgeIndex  # noqa: E402
from legaldesk.kb.search_types import RankingConfig, SearchDocument  # noqa: E402

DEFAULT_DATA = REPO_ROOT / ".." / "shared" / "data"
K = 10
# Source priors (chosen on the tuning half): curated answers and fact sheets first, raw code
# articles after them -- as the app would favour its reviewed notes over raw legal texts.
SOURCE_PRIORS = {"contributions": 1.3, "legi/code-du-travail": 0.6}

Searcher = Callable[[str], list[str]]


# data -------------------------------------------------------------------------------------------


def load_corpus(data_dir: Path) -> list[dict]:
    """The knowledge-base corpus (one dict per document)."""
    with gzip.open(data_dir / "kb_corpus.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_eval(data_dir: Path) -> list[dict]:
    """The judged dev queries."""
    with open(data_dir / "search_eval_dev.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def is_tuning(qid: str) -> bool:
    """Stable half split of the query ids (tuning half vs held-out half)."""
    return int(hashlib.md5(qid.encode()).hexdigest(), 16) % 2 == 0


def eval_items(records: list[dict]) -> list[dict]:
    """One item per query and per distinct variant, tagged with its set and split."""
    items = []
    for record in records:
        split = "tune" if is_tuning(record["qid"]) else "holdout"
        items.append({"text": record["query"], "set": "queries", "split": split, "rec": record})
        for variant in dict.fromkeys(record.get("variants", [])):
            items.append({"text": variant, "set": "variants", "split": split, "rec": record})
    return items


def to_document(row: dict) -> SearchDocument:
    """A corpus row as the engine's document (title, body; kind = source)."""
    return SearchDocument(id=row["id"], title=row["title"], body=row["body"], kind=row["source"],
                          url=row.get("url"))


# metrics ----------------------------------------------------------------------------------------


def metrics(ranked: list[str], graded: dict[str, int]) -> dict[str, float]:
    """hit@10, MRR@10 and nDCG@10 with gains 2^grade − 1."""
    top = ranked[:K]
    first = next((i for i, doc in enumerate(top) if doc in graded), None)
    dcg = sum((2 ** graded.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(top))
    ideal = sorted(graded.values(), reverse=True)[:K]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return {"hit@10": float(first is not None),
            "mrr@10": 0.0 if first is None else 1.0 / (first + 1),
            "ndcg@10": dcg / idcg if idcg else 0.0}


def evaluate(search: Searcher, items: list[dict]) -> list[dict]:
    """Metrics of each item."""
    rows = []
    for item in items:
        graded = item["rec"].get("graded") or {d: 1 for d in item["rec"]["relevant_ids"]}
        rows.append({**metrics(search(item["text"]), graded), "set": item["set"],
                     "split": item["split"], "qid": item["rec"]["qid"]})
    return rows


def summarize(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Mean metrics per (set, split) cell, plus the `all` rows and columns."""
    cells: dict[str, dict[str, float]] = {}
    for set_name in ("queries", "variants", "all"):
        for split in ("tune", "holdout", "all"):
            chosen = [r for r in rows
                      if set_name in ("all", r["set"]) and split in ("all", r["split"])]
            if chosen:
                cells[f"{set_name}/{split}"] = {
                    m: round(sum(r[m] for r in chosen) / len(chosen), 4)
                    for m in ("hit@10", "mrr@10", "ndcg@10")} | {"n": len(chosen)}
    return cells


# engines ----------------------------------------------------------------------------------------


def build_baseline(path: Path, corpus: list[dict]) -> Searcher:
    """Plain Whoosh: LanguageAnalyzer("fr"), title+body, OR-grouped MultifieldParser, BM25F."""
    analyzer = LanguageAnalyzer("fr")
    schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                           title=fields.TEXT(analyzer=analyzer),
                           body=fields.TEXT(analyzer=analyzer))
    ix = index.create_in(str(path), schema)
    writer = ix.writer(procs=2, limitmb=256, multisegment=True)
    for row in corpus:
        writer.add_document(id=row["id"], title=row["title"], body=row["body"])
    writer.commit()
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], schema, group=OrGroup)

    def search(text: str) -> list[str]:
        """Run one query."""
        try:
            query = parser.parse(text)
        except Exception:  # the baseline's parser may choke on user punctuation
            return []
        return [hit["id"] for hit in searcher.search(query, limit=K)]

    return search


def build_engine(path: Path, corpus: list[dict]) -> KnowledgeIndex:
    """Our engine, full corpus."""
    engine = KnowledgeIndex(path)
    engine.rebuild(to_document(row) for row in corpus)
    return engine


def engine_searcher(engine: KnowledgeIndex) -> Searcher:
    """Ids of the first page of our engine's results."""
    def search(text: str) -> list[str]:
        """Run one query."""
        return [hit.id for hit in engine.search(text, pagelen=K).hits]
    return search


# tuning -----------------------------------------------------------------------------------------

TUNING_GRID: dict[str, list] = {
    "coordination": [0.5, 1.0, 2.0],
    "title_boost": [2.5, 5.0, 8.0],
    "body_b": [0.35, 0.5, 0.75],
    "k1": [0.9, 1.2, 1.5],
    "title_bonus": [0.0, 0.5, 1.0],
    "title_exact_bonus": [0.0, 0.5, 1.0],
    "question_weight": [0.1, 0.3, 1.0],
    "expansion_weight": [0.4, 0.6, 0.9],
}


def with_knob(config: RankingConfig, knob: str, value) -> RankingConfig:
    """A copy of `config` with one knob changed (field-level knobs included)."""
    if knob == "title_boost":
        return dataclasses.replace(config, field_boosts={**config.field_boosts, "title": value})
    if knob == "body_b":
        return dataclasses.replace(config, field_b={**config.field_b, "body": value})
    return dataclasses.replace(config, **{knob: value})


def tune(engine: KnowledgeIndex, items: list[dict], rounds: int = 2) -> RankingConfig:
    """Coordinate ascent on nDCG@10 of the tuning half (queries and variants)."""
    tuning = [i for i in items if i["split"] == "tune"]
    best_config = engine.config
    best = _mean_ndcg(engine, tuning)
    for _ in range(rounds):
        for knob, values in TUNING_GRID.items():
            for value in values:
                candidate = with_knob(best_config, knob, value)
                engine.config = candidate
                score = _mean_ndcg(engine, tuning)
                print(f"  {knob}={value}: {score:.4f}", flush=True)
                if score > best + 1e-4:
                    best, best_config = score, candidate
        print(f"round done: nDCG@10 {best:.4f}", flush=True)
    engine.config = best_config
    return best_config


def _mean_ndcg(engine: KnowledgeIndex, items: list[dict]) -> float:
    rows = evaluate(engine_searcher(engine), items)
    return sum(r["ndcg@10"] for r in rows) / len(rows)


# report -----------------------------------------------------------------------------------------


def print_table(results: dict[str, dict[str, dict[str, float]]]) -> None:
    """One line per engine and cell."""
    print(f"{'engine':10} {'set/split':18} {'n':>5} {'hit@10':>7} {'MRR@10':>7} {'nDCG@10':>8}")
    for name, cells in results.items():
        for cell, values in cells.items():
            print(f"{name:10} {cell:18} {values['n']:>5} {values['hit@10']:>7.3f} "
                  f"{values['mrr@10']:>7.3f} {values['ndcg@10']:>8.3f}")


def run(data_dir: Path, out: Path | None, do_tune: bool, work: Path) -> dict:
    """Build both engines, evaluate them, print and return the figures."""
    corpus, records = load_corpus(data_dir), load_eval(data_dir)
    items = eval_items(records)
    started = time.perf_counter()
    baseline = build_baseline(_fresh(work / "baseline"), corpus)
    baseline_seconds = time.perf_counter() - started
    started = time.perf_counter()
    engine = build_engine(_fresh(work / "engine"), corpus)
    engine_seconds = time.perf_counter() - started
    print(f"indexed {len(corpus)} docs: baseline {baseline_seconds:.1f} s, "
          f"ours {engine_seconds:.1f} s")
    if do_tune:
        print("tuned config:", tune(engine, items))
    results = {"baseline": summarize(evaluate(baseline, items)),
               "ours": summarize(evaluate(engine_searcher(engine), items))}
    tuned = engine.config
    engine.config = dataclasses.replace(tuned, kind_priors=SOURCE_PRIORS)
    results["ours+prior"] = summarize(evaluate(engine_searcher(engine), items))
    engine.config = tuned
    engine.close()
    print_table(results)
    report = {"docs": len(corpus), "queries": len(records), "items": len(items),
              "gains": "2^grade-1", "split": "md5(qid) even = tune", "results": results,
              "config": _config_dict(engine.config), "source_priors": SOURCE_PRIORS}
    if out:
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return report


def _config_dict(config: RankingConfig) -> dict:
    return {k: (dict(v) if hasattr(v, "items") else v) for k, v in vars(config).items()}


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def main(argv: Iterable[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    parser.add_argument("--tune", action="store_true", help="coordinate search on the tuning half")
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory(prefix="kb-quality-") as work:
        run(args.data_dir, args.out, args.tune, Path(work))


if __name__ == "__main__":
    main()
