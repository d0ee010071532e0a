"""A classifier learned from labelled examples: which label a message is nearest to, and how near.

Each example is a TF-IDF vector of its features (bot/understanding/features.py). A message is
scored against every label two ways and the two averaged: the label's centroid (what its examples
share) and its nearest example (a label asked in several unrelated ways). "none" is a label like
any other, learned from chit-chat examples. Features no example has are left out of the message's
vector, so words around the ones that matter (politeness, detail, a second clause) do not dilute
it. Training is one pass over the examples: a few thousand take a fraction of a second.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from .features import Featuriser

NONE = "none"
# a feature in more than this share of the examples is too common to find neighbours by
COMMON_SHARE = 0.15
MOST_NEIGHBOURS = 120  # ... and in more than this many, however many examples there are
SMOOTHING = 0.1
# in telling what means the same, a shared concept says more than a shared pair of characters
MEANING_CONCEPT_WEIGHT = 3.0
CENTROID_SHARE = 0.5


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    weight: float = 1.0


_PLAIN = Featuriser()
_cache: dict[str, dict[str, float]] = {}
CACHE_LIMIT = 100_000


def _example_features(text: str) -> dict[str, float]:
    """An example's features, kept: an example's words are its own vocabulary (nothing to correct), so
    they are the same in every model, and a rebuild after staff label one more costs one more."""
    features = _cache.get(text)
    if features is None:
        if len(_cache) >= CACHE_LIMIT:
            _cache.clear()
        features = _cache[text] = _PLAIN.features(text)
    return features


def _normalised(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


class Classifier:
    def __init__(self, examples: Iterable[Example], concepts_of: Callable[[str], tuple[str, ...]] = lambda t: ()):
        """`concepts_of` names the concepts the featuriser's words alone would miss in a message (an
        intent's words typed with a typo); an example is written as meant, so its own words suffice."""
        examples = [e for e in examples if e.text and e.text.strip()]
        self.concepts_of = concepts_of
        raw = [_example_features(e.text) for e in examples]
        df: Counter[str] = Counter()
        for features in raw:
            df.update(features.keys())  # counted in C
        self.featuriser = Featuriser({k for k in df if k.isascii() and k.isalpha()})
        count = len(raw)
        log = math.log
        self.idf = idf = {name: log((count + 1) / (n + 1)) + 1.0 for name, n in df.items()}
        common = min(MOST_NEIGHBOURS, max(8, int(COMMON_SHARE * count)))
        # the idf of the features rare enough to find neighbours by
        rare = {name: idf[name] for name, n in df.items() if n <= common}
        self.labels: list[str] = sorted({e.label for e in examples})
        label_index = {label: i for i, label in enumerate(self.labels)}
        self.example_labels = example_labels = [label_index[e.label] for e in examples]
        self.postings: dict[str, list[tuple[int, float]]] = {}
        postings = self.postings
        sums: list[dict[str, float]] = [{} for _ in self.labels]
        # naive Bayes over the same features: what each label's examples say, feature by feature
        totals = [0.0] * len(self.labels)
        counts: list[dict[str, float]] = [{} for _ in self.labels]
        sqrt = math.sqrt
        for number, (example, features, which) in enumerate(zip(examples, raw, example_labels)):
            weight = example.weight
            label_sum, label_counts = sums[which], counts[which]
            norm = sqrt(sum((v * idf[k]) ** 2 for k, v in features.items()))
            if not norm:
                continue
            scale, neighbour_scale = weight / norm, min(1.0, weight) / norm
            for name, value in features.items():
                label_sum[name] = label_sum.get(name, 0.0) + value * idf[name] * scale
                label_counts[name] = label_counts.get(name, 0.0) + value * weight
                r = rare.get(name)
                if r is not None:
                    entry = (number, value * r * neighbour_scale)
                    found = postings.get(name)
                    if found is None:
                        postings[name] = [entry]
                    else:
                        found.append(entry)
            totals[which] += sum(features.values()) * weight
        vocabulary_size = len(df)
        self.unseen = [log(SMOOTHING / (t + SMOOTHING * vocabulary_size)) for t in totals]
        # log P(f|L) - log P(unseen|L) = log((c + s) / s): the label's total cancels out
        log1p = math.log1p
        self.log_likelihood: dict[str, dict[int, float]] = {}
        likelihood = self.log_likelihood
        for which, label_counts in enumerate(counts):
            for name, c in label_counts.items():
                gain = log1p(c / SMOOTHING)
                found = likelihood.get(name)
                if found is None:
                    likelihood[name] = {which: gain}
                else:
                    found[which] = gain
        self.centroids: dict[str, list[tuple[int, float]]] = {}
        for which, total in enumerate(sums):
            for name, value in _normalised(total).items():
                self.centroids.setdefault(name, []).append((which, value))

    def features_of(self, text: str, concepts: tuple[str, ...] | None = None) -> dict[str, float]:
        """The message's features (worked out once per message: every scorer below takes them)."""
        return self.featuriser.features(text, self.concepts_of(text) if concepts is None else concepts)

    def vector(self, features: dict[str, float]) -> dict[str, float]:
        """A message's normalised vector over the features the examples know."""
        return _normalised({k: v * self.idf[k] for k, v in features.items() if k in self.idf})

    def meaning(self, text: str) -> dict[str, float]:
        """The message's normalised vector over all its features, known or not (a feature no example
        has weighs as much as the rarest): for telling which messages mean the same."""
        features = self.features_of(text)
        rarest = max(self.idf.values(), default=1.0)
        return _normalised({k: v * self.idf.get(k, rarest) * (MEANING_CONCEPT_WEIGHT if k.startswith("@") else 1)
                            for k, v in features.items()})

    def scores(self, features: dict[str, float]) -> list[tuple[str, float]]:
        """Every label near the message (its features) with its score (0-1), nearest first."""
        query = self.vector(features)
        if not query:
            return []
        centroid = [0.0] * len(self.labels)
        for name, q in query.items():
            for which, value in self.centroids.get(name, ()):
                centroid[which] += q * value
        near: dict[int, float] = {}
        for name, q in query.items():
            for number, value in self.postings.get(name, ()):
                near[number] = near.get(number, 0.0) + q * value
        nearest = [0.0] * len(self.labels)
        for number, similarity in near.items():
            which = self.example_labels[number]
            if similarity > nearest[which]:
                nearest[which] = similarity
        ranked = [(self.labels[i], CENTROID_SHARE * centroid[i] + (1 - CENTROID_SHARE) * nearest[i])
                  for i in range(len(self.labels)) if centroid[i] or nearest[i]]
        return sorted(ranked, key=lambda pair: -pair[1])

    @staticmethod
    def concepts(features: dict[str, float]) -> set[str]:
        """The concepts (without "@") a message names."""
        return {k[1:] for k in features if k.startswith("@") and not k.startswith("@intent_")}

    def posterior(self, features: dict[str, float]) -> dict[str, float]:
        """Naive Bayes: each label's probability given the message's known features (uniform prior)."""
        gains = [0.0] * len(self.labels)
        total = 0.0  # log P(f|L) is unseen[L] + gain: the gains are kept only where a label has f
        for name, value in features.items():
            by_label = self.log_likelihood.get(name)
            if by_label is None:
                continue
            total += value
            for which, gain in by_label.items():
                gains[which] += value * gain
        logs = [g + total * u for g, u in zip(gains, self.unseen)]
        top = max(logs)
        weights = [math.exp(l - top) for l in logs]
        norm = sum(weights)
        return {label: w / norm for label, w in zip(self.labels, weights)}


def similarity(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two normalised vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(name, 0.0) for name, value in a.items())
