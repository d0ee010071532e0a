"""Every console page; importing this package registers their routes on the console blueprint."""
from . import (api_keys, audit_page, broadcasts, content_items, dashboard, errors, login, members,  # noqa: F401
               rewards_page, segments, shops, staff_admin, surveys)
from . import conversations  # noqa: F401
from . import journey_page, member_chat, staff_line, stores  # noqa: F401,E402
