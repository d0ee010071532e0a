from ..auth import requires
from ..blueprint import bp

@bp.route("/broadcasts")
@requires("read")
def broadcasts():
    return "broadcasts"


@bp.route("/broadcasts/new")
@requires("send_broadcasts")
def broadcast_new():
    return "new"
