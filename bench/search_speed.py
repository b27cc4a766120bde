"""Search speed of the knowledge-base engine against plain Whoosh, at several corpus sizes.

For each size (the corpus replicated with distinct ids), builds both indexes and measures the
indexing time, then p50/p95 latency over every dev query and variant and the resident memory
(RSS) of a process holding the open index. Each measurement runs in a fresh child process so
that one engine's memory or caches never flatter the other. Our engine runs as the app would:
synonym expansion, typo tolerance, audience/status filters, facets, snippets.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

DEFAULT_DATA = REPO_ROOT / ".." / "shared" / "data"
DEFAULT_SIZES = "12714,100000"
WARMUP = 20


def load_corpus(data_dir: Path) -> list[dict]:
    """The knowledge-base corpus."""
    with gzip.open(data_dir / "kb_corpus.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_texts(data_dir: Path) -> list[str]:
    """Every dev query and every distinct variant, in file order."""
    texts = []
    with open(data_dir / "search_eval_dev.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                texts.append(record["query"])
                texts.extend(dict.fromkeys(record.get("variants", [])))
    return texts


def replicated(corpus: list[dict], size: int) -> Iterator[dict]:
    """`size` documents: the corpus repeated, copies get distinct ids; 5 % staff, 5 % drafts."""
    for n in range(size):
        row = corpus[n % len(corpus)]
        copy = n // len(corpus)
        doc_id = row["id"] if copy == 0 else f"{row['id']}#{copy}"
        audience = "staff" if n % 20 == 7 else "members"
        status = "draft" if n % 20 == 13 else "published"
        yield {**row, "id": doc_id, "audience": audience, "status": status}


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory of this process in MB (VmRSS, or RssAnon: without mapped files)."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# children ---------------------------------------------------------------------------------------


def child_build(engine: str, path: Path, data_dir: Path, size: int, procs: int) -> dict:
    """Build one index; report the wall time."""
    corpus = list(replicated(load_corpus(data_dir), size))
    started = time.perf_counter()
    if engine == "ours":
        from legaldesk.kb.search import KnowledgeIndex
        from legaldesk.kb.search_types import SearchDocument
        index = KnowledgeIndex(path)
        index.rebuild((SearchDocument(id=r["id"], title=r["title"], body=r["body"],
                                      kind=r["source"], audience=r["audience"],
                                      status=r["status"], url=r.get("url")) for r in corpus),
                      procs=procs)
        index.close()
    else:
        from whoosh import fields, index
        from whoosh.analysis import LanguageAnalyzer
        analyzer = LanguageAnalyzer("fr")
        schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                               title=fields.TEXT(analyzer=analyzer, stored=True),
                               body=fields.TEXT(analyzer=analyzer))
        ix = index.create_in(str(path), schema)
        writer = ix.writer(procs=procs, limitmb=256, multisegment=True) if procs > 1 \
            else ix.writer(limitmb=256)
        for row in corpus:
            writer.add_document(id=row["id"], title=row["title"], body=row["body"])
        writer.commit()
    return {"index_seconds": round(time.perf_counter() - started, 1),
            "index_mb": round(sum(f.stat().st_size for f in path.iterdir()) / 1e6, 1)}


def child_query(engine: str, path: Path, data_dir: Path) -> dict:
    """Open the index, warm up, time every query once; report latencies and RSS."""
    texts = load_texts(data_dir)
    before = rss_mb()
    search = _ours(path) if engine == "ours" else _baseline(path)
    for text in texts[:WARMUP]:
        search(text)
    timings = []
    for text in texts:
        started = time.perf_counter()
        search(text)
        timings.append((time.perf_counter() - started) * 1000)
    return {"queries": len(texts), "p50_ms": round(percentile(timings, 0.5), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            "mean_ms": round(sum(timings) / len(timings), 1),
            "max_ms": round(max(timings), 1),
            "rss_mb": round(rss_mb(), 1), "rss_anon_mb": round(rss_mb("RssAnon"), 1),
            "rss_before_open_mb": round(before, 1)}


def _ours(path: Path):
    from legaldesk.kb.search import KnowledgeIndex
    index = KnowledgeIndex(path)
    index.warm()

    def search(text: str) -> None:
        """Run one query."""
        index.search(text, audiences=("public", "members"), pagelen=10)
    return search


def _baseline(path: Path):
    from whoosh import index
    from whoosh.qparser import MultifieldParser, OrGroup
    ix = index.open_dir(str(path))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup)

    def search(text: str) -> None:
        """Run one query."""
        try:
            query = parser.parse(text)
        except Exception:  # the baseline's parser may choke on user punctuation
            return
        [hit["title"] for hit in searcher.search(query, limit=10)]
    return search


# parent -----------------------------------------------------------------------------------------


def run_child(*args: str) -> dict:
    """Run this script as a child process and parse its JSON answer."""
    command = [sys.executable, __file__, "--child", *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def run(data_dir: Path, sizes: Iterable[int], work: Path, procs: int) -> dict:
    """Every measurement for every size and engine."""
    results: dict = {}
    for size in sizes:
        for engine in ("baseline", "ours"):
            path = work / f"{engine}-{size}"
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)
            figures = run_child("build", engine, str(path), str(data_dir), str(size), str(procs))
            figures |= run_child("query", engine, str(path), str(data_dir))
            results.setdefault(str(size), {})[engine] = figures
            print(f"{size:>7} {engine:9} {json.dumps(figures)}", flush=True)
            shutil.rmtree(path, ignore_errors=True)
    return results


def print_table(results: dict) -> None:
    """One line per size and engine."""
    print(f"{'docs':>7} {'engine':9} {'index s':>8} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'mean ms':>8} {'RSS MB':>7} {'anon MB':>8} {'disk MB':>8}")
    for size, engines in results.items():
        for engine, f in engines.items():
            print(f"{size:>7} {engine:9} {f['index_seconds']:>8} {f['p50_ms']:>7} "
                  f"{f['p95_ms']:>7} {f['mean_ms']:>8} {f['rss_mb']:>7} {f['rss_anon_mb']:>8} "
                  f"{f['index_mb']:>8}")


def main(argv: list[str] | None = None) -> None:
    """Command line entry point (also the entry point of the child processes)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        kind, engine, path, data_dir, *rest = argv[1:]
        if kind == "build":
            result = child_build(engine, Path(path), Path(data_dir), int(rest[0]), int(rest[1]))
        else:
            result = child_query(engine, Path(path), Path(data_dir))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated corpus sizes")
    parser.add_argument("--procs", type=int, default=2, help="indexing processes")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    parser.add_argument("--work-dir", type=Path, default=None, help="where to build (temp dir)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="kb-speed-", dir=args.work_dir) as work:
        results = run(args.data_dir.resolve(), sizes, Path(work), args.procs)
    print_table(results)
    if args.out:
        args.out.write_text(json.dumps({"sizes": sizes, "results": results}, indent=2),
                            encoding="utf-8")


if __name__ == "__main__":
    main()
