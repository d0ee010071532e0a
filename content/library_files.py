"""Content items written as files: `content/library/*.md`, read into `LibraryItem`s.

One file is one item: YAML front matter between `---` lines, then the bodies under `## zh-TW` and
`## en` headings (or `body_zh` / `body_en` in the front matter):

    ---
    id: pour-over-basics          # a slug: lower-case letters, digits, dashes
    title_zh: 手沖咖啡三步驟
    title_en: Pour-over in three steps
    topics: [coffee, brewing]     # the shop's product categories the item is about; [] = general
    kind: tip                     # story, tip or new_product
    image_url: https://...        # optional, https; or instead:
    image: pour-over-basics.png   # a picture kept with the library, in images/ (served by the bot)
    link: https://...             # optional, https
    published: 2026-10-14
    ---
    ## zh-TW
    ...
    ## en
    ...
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

KINDS = ("story", "tip", "new_product")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
IMAGE_FILE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}\.(png|jpg|jpeg)$")
IMAGES_FOLDER = "images"
MAX_TITLE = 200
MAX_BODY = 2000
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
_HEADING = re.compile(r"^##[ \t]+(zh-tw|zh|en)[ \t]*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class LibraryItem:
    slug: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    topics: tuple[str, ...]
    kind: str
    image_url: str | None
    link_url: str | None
    published: date
    digest: str  # sha256 of the file: a changed file is synced again, an unchanged one is skipped
    path: str = field(default="", compare=False)
    image_file: str | None = None  # a file in the library's images/ folder; the app turns it into image_url


@dataclass(frozen=True)
class FileProblem:
    path: str
    problems: dict[str, str]

    def __str__(self) -> str:
        return f"{self.path}: " + "; ".join(f"{k}: {v}" for k, v in self.problems.items())


def normalise_topic(topic: str) -> str:
    """Topics and product categories are compared in one form: trimmed, case-folded."""
    return " ".join(str(topic).split()).casefold()


def _https(value) -> bool:
    return isinstance(value, str) and value.startswith("https://") and len(value) > 8 and len(value) <= 1000


def _bodies(text: str) -> dict[str, str]:
    """{"zh-TW": ..., "en": ...} from the `## zh-TW` / `## en` sections below the front matter."""
    found: dict[str, str] = {}
    marks = list(_HEADING.finditer(text))
    for i, mark in enumerate(marks):
        language = "en" if mark.group(1).lower() == "en" else "zh-TW"
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        found[language] = text[mark.end():end].strip()
    return found


def parse(raw: bytes, path: str = "") -> LibraryItem | FileProblem:
    """One file's item, or what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return FileProblem(path, {"file": "is not UTF-8"})
    match = _FRONT.match(text.lstrip("\ufeff"))
    if not match:
        return FileProblem(path, {"file": "has no front matter between --- lines"})
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        return FileProblem(path, {"front matter": f"is not YAML ({exc.__class__.__name__})"})
    if not isinstance(meta, dict):
        return FileProblem(path, {"front matter": "must be a mapping of names to values"})
    bodies = _bodies(match.group(2))
    problems: dict[str, str] = {}

    slug = meta.get("id")
    if not isinstance(slug, str) or not SLUG.match(slug):
        problems["id"] = "a slug of lower-case letters, digits and dashes (at most 64) is required"
    titles = {}
    for name in ("title_zh", "title_en"):
        value = meta.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TITLE:
            problems[name] = f"a title of 1-{MAX_TITLE} characters is required"
        titles[name] = (value or "").strip() if isinstance(value, str) else ""
    body = {"body_zh": meta.get("body_zh", bodies.get("zh-TW")), "body_en": meta.get("body_en", bodies.get("en"))}
    for name, value in body.items():
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_BODY:
            problems[name] = f"a body of 1-{MAX_BODY} characters is required (front matter or ## section)"
    topics = meta.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) and t.strip() for t in topics):
        problems["topics"] = "must be a list of words, e.g. [coffee, tea] (or [] for a general item)"
        topics = []
    kind = meta.get("kind", "story")
    if kind not in KINDS:
        problems["kind"] = "must be one of " + ", ".join(KINDS)
    for name in ("image_url", "link"):
        if meta.get(name) not in (None, "") and not _https(meta.get(name)):
            problems[name] = "must be an https:// address"
    image_file = meta.get("image") or None
    if image_file is not None and not (isinstance(image_file, str) and IMAGE_FILE.match(image_file)):
        problems["image"] = "must be a file name in images/ such as linen-care.png (.png or .jpg)"
    elif image_file and meta.get("image_url"):
        problems["image"] = "give image or image_url, not both"
    published = meta.get("published")
    if isinstance(published, datetime):
        published = published.date()
    if isinstance(published, str):
        try:
            published = date.fromisoformat(published)
        except ValueError:
            published = None
    if not isinstance(published, date):
        problems["published"] = "a date (YYYY-MM-DD) is required"
    unknown = set(meta) - {"id", "title_zh", "title_en", "body_zh", "body_en", "topics", "kind", "image_url",
                           "image", "link", "published"}
    if unknown:
        problems["front matter"] = "unknown fields: " + ", ".join(sorted(map(str, unknown)))
    if problems:
        return FileProblem(path, problems)
    return LibraryItem(
        slug=slug, title_zh=titles["title_zh"], title_en=titles["title_en"], body_zh=body["body_zh"].strip(),
        body_en=body["body_en"].strip(), topics=tuple(dict.fromkeys(normalise_topic(t) for t in topics)), kind=kind,
        image_url=meta.get("image_url") or None, link_url=meta.get("link") or None, published=published,
        digest=hashlib.sha256(raw).hexdigest(), path=path, image_file=image_file)


@dataclass
class Library:
    items: list[LibraryItem]
    problems: list[FileProblem]


def read_library(directory: str | Path) -> Library:
    """Every `*.md` file in `directory` (not below it), in name order. Two files with one id: the
    second is a problem."""
    items: list[LibraryItem] = []
    problems: list[FileProblem] = []
    seen: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.md")):
        result = parse(path.read_bytes(), path.name)
        if isinstance(result, LibraryItem) and result.image_file and \
                not (Path(directory) / IMAGES_FOLDER / result.image_file).is_file():
            result = FileProblem(path.name, {"image": f"no file {IMAGES_FOLDER}/{result.image_file} in the library"})
        if isinstance(result, FileProblem):
            problems.append(result)
        elif result.slug in seen:
            problems.append(FileProblem(path.name, {"id": f"{result.slug!r} is also the id of {seen[result.slug]}"}))
        else:
            seen[result.slug] = path.name
            items.append(result)
    return Library(items, problems)
