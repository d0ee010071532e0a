"""What each staff role may do. Roles are cumulative: a marketer can do all a viewer can, and more."""
from __future__ import annotations

RANK = {"viewer": 1, "marketer": 2, "admin": 3}

# permission -> the least role that has it
PERMISSIONS = {
    "read": "viewer",                  # every page that only shows
    "edit_tags": "marketer",
    "edit_segments": "marketer",
    "send_broadcasts": "marketer",     # compose, test-send, schedule, send, cancel
    "edit_content": "marketer",        # content items and catalog rewards
    "handle_surveys": "marketer",      # mark low-score follow-ups done
    "answer_chats": "marketer",        # read handed-off chats, reply, hand back to the bot
    "adjust_points": "admin",
    "export_member": "admin",
    "erase_member": "admin",
    "manage_staff": "admin",
    "manage_api_keys": "admin",
    "read_audit": "admin",
}


def can(role: str | None, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return RANK.get(role or "", 0) >= RANK[PERMISSIONS[permission]]
