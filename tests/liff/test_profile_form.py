"""The profile form: the carrier's format, the birthday set once, consent with its time, field
errors in the member's language."""
from __future__ import annotations

from datetime import datetime

import pytest

from core.field_errors import FieldErrors
from rewards import profile
from rewards.models import Member

from ..conftest import TAIPEI

NOW = datetime(2026, 11, 20, 14, 0, tzinfo=TAIPEI)


@pytest.mark.parametrize("carrier", ["/ABC1234", "/AB.+-12", "/0000000", "/Z.Z+Z-Z", " /abc1234 "])
def test_carriers_that_pass(carrier):
    member = Member(tags=[])
    profile.update(member, profile.ProfileChange(carrier=carrier), NOW)
    assert member.einvoice_carrier == profile.normalise_carrier(carrier)
    assert profile.carrier_problem(member.einvoice_carrier) is None


@pytest.mark.parametrize("carrier", ["ABC1234", "/ABC123", "/ABC12345", "/ABC_234", "/ABC 23/", "//ABC123",
                                     "/ABC123*", "/ＡBC1234", "/ABC12é4", "/abc12$4"])
def test_carriers_that_do_not(carrier):
    member = Member(tags=[], einvoice_carrier="/KEPT000")
    with pytest.raises(FieldErrors) as refused:
        profile.update(member, profile.ProfileChange(carrier=carrier, name="新名字"), NOW)
    assert refused.value.codes == {"carrier": "format"}
    assert member.einvoice_carrier == "/KEPT000" and member.display_name is None  # nothing changed


def test_an_empty_carrier_removes_it():
    member = Member(tags=[], einvoice_carrier="/KEPT000")
    profile.update(member, profile.ProfileChange(carrier=""), NOW)
    assert member.einvoice_carrier is None


def test_every_bad_field_is_named_at_once():
    member = Member(tags=["vip"], birthday_month=3, birthday_day=15)
    with pytest.raises(FieldErrors) as refused:
        profile.update(member, profile.ProfileChange(name=" ", birthday="1990-04-01", interests=("coffee", "golf"),
                                                     carrier="/1"), NOW)
    assert refused.value.codes == {"name": "required", "birthday": "locked", "interests": "unknown", "carrier": "format"}


def test_birthday_once_interests_and_consent_with_its_time():
    member = Member(tags=["vip", "interest:tea"], marketing_opt_in=False)
    profile.update(member, profile.ProfileChange(birthday="1992-03-15", interests=("coffee", "deals"),
                                                 marketing_opt_in=True), NOW)
    assert (member.birthday_month, member.birthday_day) == (3, 15)
    assert member.tags == ["vip", "interest:coffee", "interest:deals"]
    assert member.marketing_opt_in is True and member.opt_in_changed_at == NOW
    profile.update(member, profile.ProfileChange(birthday="1992-03-15"), NOW)  # the same again is no change
    with pytest.raises(FieldErrors):
        profile.update(member, profile.ProfileChange(birthday="1992-03-16"), NOW)


@pytest.mark.parametrize("language, words", [("zh-TW", "格式為 / 加 7 碼"), ("en", "Use / and 7 characters")])
def test_the_form_answers_field_errors_in_the_members_language(client, scene, bearer, language, words):
    uid = scene.uid(scene.member(language=language))
    made = client.post("/liff/api/session", headers=bearer(uid)).json
    headers = {"Authorization": "Bearer " + made["session"], "X-CSRF-Token": made["csrf"]}
    answer = client.post("/liff/api/profile", json={"carrier": "ABC1234", "birthday": "2099-01-01"}, headers=headers)
    assert answer.status_code == 422
    assert answer.json["fields"]["carrier"].startswith(words)
    assert set(answer.json["fields"]) == {"carrier", "birthday"}
    saved = client.post("/liff/api/profile", json={"carrier": "/abc1234", "marketing_opt_in": False,
                                                   "interests": ["tea"]}, headers=headers)
    assert saved.status_code == 200 and saved.json["carrier"] == "/ABC1234" and saved.json["interests"] == ["tea"]
    assert saved.json["consent_changed"]


def test_erasing_a_member_forgets_the_carrier_and_the_export_holds_it(rt, scene, clock):
    from privacy.member_data import export
    from rewards import membership

    member_id = scene.member(einvoice_carrier="/ABC1234")
    with rt.db.session() as s:
        assert export(s, s.get(Member, member_id), clock.now())["member"]["einvoice_carrier"] == "/ABC1234"
        membership.erase(s, s.get(Member, member_id), clock.now())
    with rt.db.session() as s:
        assert s.get(Member, member_id).einvoice_carrier is None
