import pytest
from sqlalchemy import func, select

from rewards.adjustments import adjust_points
from core.field_errors import FieldErrors
from rewards.errors import InsufficientPoints
from rewards.models import AuditLog


def test_positive_adjustment_is_a_lot_with_an_audit_row(session, make_member, now, settings):
    m = make_member()
    row = adjust_points(session, m, 200, "補登 11/3 消費", "staff@example.com", now, settings)
    assert (row.kind, row.delta, row.remaining, row.actor) == ("adjust", 200, 200, "staff@example.com")
    assert row.expires_at is not None and (row.reason_code, row.reason_params) == ("adjust", {"delta": 200,
                                                                                           "reason": "補登 11/3 消費"})
    audit = session.scalar(select(AuditLog))
    assert (audit.actor, audit.action, audit.target) == ("staff@example.com", "points.adjust", f"member:{m.member_code}")
    assert audit.details["delta"] == 200 and audit.details["balance_after"] == 200


def test_negative_adjustment_cannot_go_below_zero(session, make_member, now, settings, give_points):
    m = make_member()
    give_points(m, 50)
    row = adjust_points(session, m, -30, "duplicate credit", "cli:ops", now, settings)
    assert row.delta == -30 and m.balance == 20
    with pytest.raises(InsufficientPoints):
        adjust_points(session, m, -21, "too much", "cli:ops", now, settings)
    assert m.balance == 20
    assert session.scalar(select(func.count()).select_from(AuditLog)) == 1


def test_a_resubmitted_form_changes_nothing(session, make_member, now, settings):
    m = make_member()
    a = adjust_points(session, m, 10, "goodwill", "staff@example.com", now, settings, key="form-1")
    b = adjust_points(session, m, 10, "goodwill", "staff@example.com", now, settings, key="form-1")
    assert a.id == b.id and m.balance == 10
    assert session.scalar(select(func.count()).select_from(AuditLog)) == 1


@pytest.mark.parametrize("delta, reason, actor", [(0, "x", "a"), (5, " ", "a"), (5, "x", ""), (1.5, "x", "a"),
                                                  (10_000_000, "x", "a")])
def test_adjustment_validates(session, make_member, now, settings, delta, reason, actor):
    with pytest.raises(FieldErrors):
        adjust_points(session, make_member(), delta, reason, actor, now, settings)
