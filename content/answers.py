"""The shop's own answers (faq items) and its stores, as the bot's matcher and handlers read them.

Faq and store items live in the content library like other items (`kind: faq` / `kind: store`,
from files or the console). `load` reads the active ones and the active rewards' names into one
`Catalog`; its `version` changes whenever any of them does, so a matcher built from it is rebuilt
only then.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rewards.models import Reward

from .library_files import LibraryItem
from .models import ContentItem

EARTH_KM = 6371.0
# words every reward name may carry that do not say which reward it is
_GENERIC_REWARD_WORDS = re.compile(r"兌換券|兌換|折價券|優惠券|券|品牌|nt\$?\s*\d+|\bfree\b|\bbrand\b|\boff\b|\d+",
                                   re.IGNORECASE)


@dataclass(frozen=True)
class Faq:
    slug: str
    title_zh: str
    title_en: str
    answer_zh: str
    answer_en: str
    asked_zh: tuple[str, ...]
    asked_en: tuple[str, ...]

    def answer(self, language: str) -> str:
        return self.answer_en if language == "en" else self.answer_zh


@dataclass(frozen=True)
class Store:
    slug: str
    title_zh: str
    title_en: str
    address_zh: str
    address_en: str
    hours: str
    phone: str
    map_url: str
    lat: float | None
    lng: float | None

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_zh

    def address(self, language: str) -> str:
        return self.address_en if language == "en" and self.address_en else self.address_zh

    @property
    def names(self) -> tuple[str, ...]:
        """How people name the store: its titles, and the Chinese title without 店 / 門市 ("信義")."""
        short = re.sub(r"(門市|分店|店)$", "", self.title_zh)
        english = re.sub(r"\s+(store|shop|branch)$", "", self.title_en, flags=re.IGNORECASE)
        return tuple(dict.fromkeys(n for n in (self.title_zh, self.title_en, short + "店", english) if n))


@dataclass(frozen=True)
class RewardName:
    reward_id: int
    name_zh: str
    name_en: str

    @property
    def keywords(self) -> tuple[str, ...]:
        """The words that say which reward it is: "咖啡兌換券" -> "咖啡", "Brand thermos" -> "thermos"."""
        words = [_GENERIC_REWARD_WORDS.sub(" ", name).strip() for name in (self.name_zh, self.name_en)]
        return tuple(dict.fromkeys(" ".join(w.split()) for w in words if w.strip()))


@dataclass(frozen=True)
class Catalog:
    faqs: tuple[Faq, ...] = ()
    stores: tuple[Store, ...] = ()
    rewards: tuple[RewardName, ...] = ()
    version: tuple = field(default=(), compare=False)

    def faq(self, slug: str) -> Faq | None:
        return next((f for f in self.faqs if f.slug == slug), None)

    def store(self, slug: str) -> Store | None:
        return next((s for s in self.stores if s.slug == slug), None)


def faq_of(slug: str, title_zh: str, title_en: str, body_zh: str, body_en: str, details: dict | None) -> Faq:
    details = details or {}
    return Faq(slug, title_zh, title_en or title_zh, body_zh, body_en or body_zh,
               tuple(details.get("asked_as_zh") or ()), tuple(details.get("asked_as_en") or ()))


def store_of(slug: str, title_zh: str, title_en: str, details: dict | None) -> Store:
    d = details or {}
    return Store(slug, title_zh, title_en or title_zh, d.get("address_zh") or "", d.get("address_en") or "",
                 d.get("hours") or "", d.get("phone") or "", d.get("map_url") or "", d.get("lat"), d.get("lng"))


def _slug(item: ContentItem) -> str:
    return item.slug or f"item-{item.id}"


def version(session: Session) -> tuple:
    """Changes when an active faq, store or reward changes: (count, newest change) of each."""
    items = session.execute(select(func.count(), func.max(ContentItem.updated_at), func.sum(ContentItem.id))
                            .where(ContentItem.kind.in_(("faq", "store")))).one()
    rewards = session.execute(select(func.count(), func.sum(Reward.id)).where(Reward.active.is_(True))).one()
    return tuple(items) + tuple(rewards)


def load(session: Session) -> Catalog:
    rows = session.scalars(select(ContentItem).where(ContentItem.kind.in_(("faq", "store")),
                                                     ContentItem.status == "active").order_by(ContentItem.id))
    faqs, stores = [], []
    for item in rows:
        if item.kind == "faq":
            faqs.append(faq_of(_slug(item), item.title_zh, item.title_en, item.body_zh, item.body_en, item.details))
        else:
            stores.append(store_of(_slug(item), item.title_zh, item.title_en, item.details))
    rewards = [RewardName(r.id, r.name_zh, r.name_en)
               for r in session.scalars(select(Reward).where(Reward.active.is_(True)).order_by(Reward.id))]
    return Catalog(tuple(faqs), tuple(stores), tuple(rewards), version(session))


def from_library(items: list[LibraryItem], rewards: list[RewardName] = ()) -> Catalog:
    """A catalog straight from library files (the labelled set and the benchmark use the shipped ones)."""
    faqs = tuple(faq_of(i.slug, i.title_zh, i.title_en, i.body_zh, i.body_en, i.details) for i in items
                 if i.kind == "faq")
    stores = tuple(store_of(i.slug, i.title_zh, i.title_en, i.details) for i in items if i.kind == "store")
    return Catalog(faqs, stores, tuple(rewards), ("files", len(items)))


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def nearest(stores: tuple[Store, ...], lat: float, lng: float, limit: int = 3) -> list[tuple[Store, float]]:
    """The stores with a place, nearest first, with their distance in km."""
    placed = [(s, distance_km(lat, lng, s.lat, s.lng)) for s in stores if s.lat is not None and s.lng is not None]
    return sorted(placed, key=lambda pair: pair[1])[:limit]


def stores(session: Session) -> tuple[Store, ...]:
    """The active stores (the shops' API names them by `store_id`)."""
    rows = session.scalars(select(ContentItem).where(ContentItem.kind == "store", ContentItem.status == "active")
                           .order_by(ContentItem.id))
    return tuple(store_of(_slug(item), item.title_zh, item.title_en, item.details) for item in rows)


def store_named(stores: tuple[Store, ...], store_id: str | None) -> Store | None:
    """The store an order's `store_id` names (its slug, or a title); None for an unknown id."""
    if not store_id:
        return None
    wanted = store_id.strip().casefold()
    return next((s for s in stores if wanted in (s.slug, s.slug.removeprefix("store-")) or wanted in (n.casefold() for n in s.names)), None)
