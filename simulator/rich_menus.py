"""Rich menus as LINE keeps them: definitions, images, the default menu and per-user links."""
import threading
from dataclasses import dataclass

from simulator import line_ids
from simulator.answers import LineApiError, not_found

MAX_IMAGE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class RichMenuImage:
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


class RichMenus:
    def __init__(self):
        self.menus: dict[str, dict] = {}  # id -> request body as created
        self.images: dict[str, RichMenuImage] = {}
        self.default_id: str | None = None
        self.user_links: dict[str, str] = {}  # user id -> rich menu id
        self._lock = threading.RLock()

    def create(self, body: dict) -> str:
        menu_id = line_ids.rich_menu_id()
        with self._lock:
            self.menus[menu_id] = body
        return menu_id

    def get(self, menu_id: str) -> dict:
        with self._lock:
            self._require(menu_id)
            return {"richMenuId": menu_id, **self.menus[menu_id]}

    def all(self) -> list[dict]:
        with self._lock:
            return [self.get(menu_id) for menu_id in self.menus]

    def delete(self, menu_id: str) -> None:
        with self._lock:
            self._require(menu_id)
            del self.menus[menu_id]
            self.images.pop(menu_id, None)
            if self.default_id == menu_id:
                self.default_id = None
            self.user_links = {u: m for u, m in self.user_links.items() if m != menu_id}

    def upload_image(self, menu_id: str, data: bytes, content_type: str) -> None:
        with self._lock:
            self._require(menu_id)
            if menu_id in self.images:
                raise LineApiError(400, "An image has already been uploaded to the richmenu")
            if len(data) > MAX_IMAGE_BYTES:
                raise LineApiError(400, "The image must be 1 MB or smaller")
            self.images[menu_id] = RichMenuImage(content_type, bytes(data))

    def image(self, menu_id: str) -> RichMenuImage:
        with self._lock:
            if menu_id not in self.images:
                raise not_found()
            return self.images[menu_id]

    def set_default(self, menu_id: str) -> None:
        with self._lock:
            self._require_with_image(menu_id)
            self.default_id = menu_id

    def clear_default(self) -> None:
        with self._lock:
            self.default_id = None

    def link(self, user_id: str, menu_id: str) -> None:
        self.link_many([user_id], menu_id)

    def link_many(self, user_ids: list[str], menu_id: str) -> None:
        """The bulk link (up to 500 users a call; the spec check enforces the limit)."""
        with self._lock:
            self._require_with_image(menu_id)
            for user_id in user_ids:
                self.user_links[user_id] = menu_id

    def unlink(self, user_id: str) -> None:
        self.unlink_many([user_id])

    def unlink_many(self, user_ids: list[str]) -> None:
        with self._lock:
            for user_id in user_ids:
                self.user_links.pop(user_id, None)

    def linked(self, user_id: str) -> str | None:
        with self._lock:
            return self.user_links.get(user_id)

    def shown_to(self, user_id: str) -> str | None:
        """The menu the user sees: their own link, else the default."""
        with self._lock:
            return self.user_links.get(user_id) or self.default_id

    def _require(self, menu_id: str) -> None:
        if menu_id not in self.menus:
            raise not_found()

    def _require_with_image(self, menu_id: str) -> None:
        self._require(menu_id)
        if menu_id not in self.images:
            raise LineApiError(400, "must upload richmenu image before applying it to user")
