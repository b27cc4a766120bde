"""The learned triage model: TF-IDF character n-grams + class-weighted logistic regression."""

# Trained by `legaldesk triage train` on the shipped examples (data/training.yaml) plus staff
# corrections; stored with joblib in the instance folder with a version, a date and the counts.
# It only ever raises urgency (engine._apply_model), never lowers it: the rules keep precedence.

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

NORMAL = "normal"
URGENT = "urgent"
FORMAT_VERSION = 1
DEFAULT_THRESHOLD = 0.8  # probability from which the model raises urgency
SHIPPED = Path(__file__).parent / "data" / "training.yaml"


@dataclass(frozen=True)
class Labelled:
    """A training example: text and its urgent case (or « normal »)."""

    text: str
    label: str


@dataclass
class LearnedModel:
    """Fitted pipelines (urgent or not; which urgent case) with version, date and counts."""

    pipeline: object  # binary: "urgent" / "normal"
    cases: object | str  # a pipeline over the urgent cases, or the only case seen
    version: int
    trained_at: str
    counts: dict[str, int] = field(default_factory=dict)
    threshold: float = DEFAULT_THRESHOLD

    def urgent_probability(self, text: str) -> tuple[float, str] | None:
        """(probability of any urgent case, most likely urgent case), or None without one."""
        classes = list(self.pipeline.classes_)
        probability = float(self.pipeline.predict_proba([text])[0][classes.index(URGENT)])
        case = self.cases if isinstance(self.cases, str) else str(self.cases.predict([text])[0])
        return round(probability, 3), case


def make_pipeline():
    """A fresh, unfitted pipeline."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                  strip_accents="unicode", lowercase=True, min_df=1)),
        ("clf", LogisticRegression(class_weight="balanced", max_iter=2000, C=4.0)),
    ])


def fit(examples: Sequence[Labelled], *, now: datetime, sources: dict[str, int] | None = None,
        threshold: float = DEFAULT_THRESHOLD) -> LearnedModel:
    """Fit the pipeline on the examples (at least two labels are needed)."""
    labels = [example.label for example in examples]
    if NORMAL not in labels or len(set(labels)) < 2:
        raise ValueError("urgent and normal examples are both needed to train")
    pipeline = make_pipeline()
    pipeline.fit([example.text for example in examples],
                 [NORMAL if label == NORMAL else URGENT for label in labels])
    urgent = [example for example in examples if example.label != NORMAL]
    if len({example.label for example in urgent}) > 1:
        cases = make_pipeline()
        cases.fit([example.text for example in urgent], [example.label for example in urgent])
    else:
        cases = urgent[0].label
    counts = {f"label:{k}": v for k, v in sorted(Counter(labels).items())}
    counts.update(sources or {})
    counts["total"] = len(examples)
    return LearnedModel(pipeline, cases, FORMAT_VERSION, now.isoformat(timespec="seconds"), counts,
                        threshold)


def cross_validate(examples: Sequence[Labelled], folds: int = 5, seed: int = 13,
                   threshold: float = DEFAULT_THRESHOLD) -> dict[str, float]:
    """Stratified k-fold urgency recall/precision of the model alone on the examples."""
    from sklearn.model_selection import StratifiedKFold

    texts = [e.text for e in examples]
    urgent = [e.label != NORMAL for e in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    tp = fp = fn = 0
    for train, test in splitter.split(texts, urgent):
        model = fit([examples[i] for i in train], now=datetime(2000, 1, 1), threshold=threshold)
        for i in test:
            verdict = model.urgent_probability(texts[i])
            flagged = verdict is not None and verdict[0] >= threshold
            tp += flagged and urgent[i]
            fp += flagged and not urgent[i]
            fn += (not flagged) and urgent[i]
    return {"folds": folds, "examples": len(examples),
            "urgency_recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
            "urgency_precision": round(tp / (tp + fp), 3) if tp + fp else 1.0}


def save(model: LearnedModel, path: str | os.PathLike) -> Path:
    """Write the model (joblib) atomically; returns the path."""
    import joblib

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".tmp")
    joblib.dump({"format": FORMAT_VERSION, "model": model}, temporary)
    temporary.replace(target)
    load.cache_clear()
    return target


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> LearnedModel | None:
    import joblib

    data = joblib.load(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        return None
    return data["model"]


def load(path: str | os.PathLike | None) -> LearnedModel | None:
    """The stored model (cached per file version), or None when there is none."""
    if not path or not os.path.exists(path):
        return None
    return _load(str(path), os.path.getmtime(path))


load.cache_clear = _load.cache_clear  # type: ignore[attr-defined]
