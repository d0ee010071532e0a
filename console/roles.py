"""What each staff role may do. Roles are cumulative: a marketer can do all a viewer can, and more.

Members' own words (what they wrote to the bot: chat messages of a handed-off chat, messages the bot
could not answer, survey comments, anywhere else they show) are read under ONE permission,
`read_member_text`; a page or a part of a page that shows them asks for it, and a permission whose
work is reading them (`answer_chats`) needs it too (NEEDS).
"""
from __future__ import annotations

RANK = {"viewer": 1, "marketer": 2, "admin": 3}

# permission -> the least role that has it
PERMISSIONS = {
    "read": "viewer",                  # every page that only shows, but members' own words
    "read_member_text": "marketer",    # members' own words: chat and unanswered messages, survey comments
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
    "manage_shops": "admin",           # the online shops' webhooks: secrets, test deliveries, failures
    "read_audit": "admin",
}


# permission -> another it cannot go without
NEEDS = {"answer_chats": "read_member_text"}


def can(role: str | None, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if RANK.get(role or "", 0) < RANK[PERMISSIONS[permission]]:
        return False
    return permission not in NEEDS or can(role, NEEDS[permission])
