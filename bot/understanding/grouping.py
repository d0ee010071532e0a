"""Which unanswered messages mean the same: each new miss joins the open group it is nearest to in
meaning (the classifier's features: concepts, words, characters and their sounds), or starts one.

"停車場在哪", "車要停哪裡" and "有停車位嗎" share the parking concept and land together even with
no word in common; a group is represented by the mean of its wordings' vectors.
"""
from __future__ import annotations

from .classifier import _normalised, similarity
from .step import Understander

# two messages at least this similar (cosine of their meaning vectors) are one group
SAME_MEANING = 0.35


def assign(model: Understander, new: list[tuple[int, str]], groups: dict[int, list[str]]) -> dict[int, int]:
    """A group key for each new miss (id, text): an existing group's key, or the miss's own id."""
    centres: dict[int, dict[str, float]] = {}
    members: dict[int, list[dict[str, float]]] = {}
    for key, texts in groups.items():
        members[key] = [model.classifier.meaning(t) for t in texts]
        centres[key] = _mean(members[key])
    chosen: dict[int, int] = {}
    for miss_id, text in new:
        vector = model.classifier.meaning(text)
        best, best_similarity = None, SAME_MEANING
        for key, centre in centres.items():
            near = similarity(vector, centre)
            if near >= best_similarity:
                best, best_similarity = key, near
        key = best if best is not None else miss_id
        members.setdefault(key, []).append(vector)
        centres[key] = _mean(members[key])
        chosen[miss_id] = key
    return chosen


def _mean(vectors: list[dict[str, float]]) -> dict[str, float]:
    total: dict[str, float] = {}
    for vector in vectors:
        for name, value in vector.items():
            total[name] = total.get(name, 0.0) + value
    return _normalised(total)


def suggestions(model: Understander, text: str, limit: int = 3) -> list[str]:
    """The labels a wording is nearest to, nearest first (what staff are offered first)."""
    return [label for label, _ in model.classifier.scores(model.classifier.features_of(text))
            if label != "none"][:limit]
