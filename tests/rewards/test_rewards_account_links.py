"""rewards/account_links.py: link tokens bound to a member, nonces single-use and expiring, links unique."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.field_errors import FieldErrors
from rewards import account_links, membership
from rewards.errors import LinkTokenExpired, LinkTokenNotFound, LinkTokenTaken
from rewards.models import AccountLinkRequest, MemberLink


def nonce(session, member, now, token="T1", customer="C1", platform="web"):
    account_links.record_link_token(session, member, token, now)
    return account_links.issue_nonce(session, token, platform, customer, now).request.nonce


def test_an_ok_event_of_the_member_links_them_once(session, make_member, now):
    m = make_member()
    n = nonce(session, m, now)
    assert account_links.complete(session, m.line_user_id, "ok", n, now).linked
    assert account_links.member_for(session, "web", "C1").id == m.id
    assert account_links.complete(session, m.line_user_id, "ok", n, now).code == "used"
    assert session.scalar(select(func.count()).select_from(MemberLink)) == 1


def test_what_changes_nothing(session, make_member, now):
    m, other = make_member(), make_member()
    n = nonce(session, m, now)
    assert account_links.complete(session, other.line_user_id, "ok", n, now).code == "other_user"
    assert account_links.complete(session, m.line_user_id, "ok", "unknown-nonce", now).code == "unknown"
    assert account_links.complete(session, m.line_user_id, "ok", None, now).code == "unknown"
    assert account_links.complete(session, m.line_user_id, "failed", n, now).code == "failed"
    assert account_links.complete(session, m.line_user_id, "ok", n, now).code == "used"  # failed used it up
    late = nonce(session, m, now, token="T2")
    assert account_links.complete(session, m.line_user_id, "ok", late, now + timedelta(minutes=11)).code == "expired"
    assert session.scalar(select(func.count()).select_from(MemberLink)) == 0


def test_the_nonce_request_is_idempotent_and_checked(session, make_member, now):
    m = make_member()
    account_links.record_link_token(session, m, "T1", now)
    first = account_links.issue_nonce(session, "T1", "web", "C1", now)
    again = account_links.issue_nonce(session, "T1", "web", " C1 ", now)
    assert first.created and not again.created and again.request.nonce == first.request.nonce
    assert len(first.request.nonce) >= 32
    with pytest.raises(LinkTokenTaken):
        account_links.issue_nonce(session, "T1", "web", "C2", now)
    with pytest.raises(LinkTokenNotFound):
        account_links.issue_nonce(session, "T9", "web", "C1", now)
    account_links.record_link_token(session, m, "T2", now - timedelta(minutes=10))
    with pytest.raises(LinkTokenExpired):
        account_links.issue_nonce(session, "T2", "web", "C1", now)
    with pytest.raises(FieldErrors) as err:
        account_links.issue_nonce(session, "", "Web Shop", "x" * 129, now)
    assert set(err.value.problems) == {"link_token", "platform", "customer_id"}


def test_a_customer_id_moves_to_the_member_who_linked_it_last(session, make_member, now):
    first, second = make_member(), make_member()
    assert account_links.complete(session, first.line_user_id, "ok", nonce(session, first, now), now).linked
    n = nonce(session, second, now, token="T2")
    assert account_links.complete(session, second.line_user_id, "ok", n, now).linked
    assert account_links.member_for(session, "web", "C1").id == second.id
    # and a member's new customer id on a platform replaces their old one
    n = nonce(session, second, now, token="T3", customer="C9")
    account_links.complete(session, second.line_user_id, "ok", n, now)
    assert [(link.platform, link.customer_id) for link in account_links.links_of(session, second)] == [("web", "C9")]
    assert account_links.links_of(session, first) == []


def test_erasure_forgets_links_and_requests(session, make_member, now):
    m = make_member()
    account_links.complete(session, m.line_user_id, "ok", nonce(session, m, now), now)
    membership.erase(session, m, now)
    session.flush()
    assert session.scalar(select(func.count()).select_from(MemberLink)) == 0
    assert session.scalar(select(func.count()).select_from(AccountLinkRequest)) == 0
