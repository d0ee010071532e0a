"""Matching request paths against templated paths such as ``/v2/bot/profile/{userId}``."""
import re


class PathTemplate:
    def __init__(self, template: str):
        self.template = template
        pattern = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self._regex = re.compile("^" + pattern + "$")
        segments = template.strip("/").split("/")
        # Literal segments win over placeholders: /v2/bot/richmenu/list is not a richMenuId.
        self.specificity = sum(1 for s in segments if not s.startswith("{"))

    def match(self, path: str) -> dict | None:
        m = self._regex.match(path)
        return m.groupdict() if m else None

    def __repr__(self):
        return f"PathTemplate({self.template!r})"


def most_specific(candidates):
    """From (PathTemplate, value) pairs that matched, the one with the most literal segments."""
    return max(candidates, key=lambda c: c[0].specificity, default=None)
