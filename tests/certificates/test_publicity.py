"""公示, 异议 and 评定, as the public, the office and the unit see them."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from zhicheng import transaction
from zhicheng.certificates import publicity
from zhicheng.certificates.models import Objection, PublicityBatch
from zhicheng.extensions import db
from zhicheng.models import Material, MaterialState

from .. import factories
from . import world


def test_the_public_page_lists_exactly_the_batch(org, auth, client):
    project = factories.review_project(org)
    listed = [world.approved(org, "王公示", 1), world.board_passed(org, project, "赵评审", 2)]
    left_out = world.approved(org, "孙未选", 3)
    batch = world.publish(org, listed)
    page = client.get("/publicity/").get_data(as_text=True)
    assert batch.title in page and f"{batch.start_date} 至 {batch.end_date}" in page
    assert "王公示" in page and "赵评审" in page and "孙未选" not in page
    assert "甲单位科技有限公司" in page and "评委会" in page  # 单位 and 评委会 / 项目
    one = client.get(f"/publicity/{batch.id}").get_data(as_text=True)
    assert one.count('class="entry-name"') == 2
    assert db.session.get(Material, left_out.id).state == MaterialState.APPROVED
    assert {db.session.get(Material, m.id).state for m in listed} == {MaterialState.PUBLICIZED}


def test_a_period_of_fewer_than_five_working_days_is_refused(org):
    m = world.approved(org, "王公示", 1)
    # 2026-10-01..07 is the National Day holiday: a week of calendar days with no working day.
    start = date(2026, 9, 30)
    with pytest.raises(publicity.PublicityError, match="只有1个工作日"):
        publicity.create_batch(org["root"], "国庆公示", start, date(2026, 10, 8) - timedelta(days=1), [m.id],
                               today=start)
    # 调休: Saturday 10 October 2026 is a working day, so a period from 30 September holds five
    # working days on 12 October (9/30, 10/8, 10/9, 10/10, 10/12), not on 14 October as weekdays would say.
    assert publicity.working_days(date(2026, 9, 30), date(2026, 10, 11)) == 4
    assert publicity.earliest_end(date(2026, 9, 30)) == date(2026, 10, 12)
    assert db.session.get(Material, m.id).state == MaterialState.APPROVED
    assert db.session.scalar(select(PublicityBatch.id)) is None


def test_a_year_the_calendar_does_not_know_is_refused_with_a_message(org):
    m = world.approved(org, "王公示", 1)
    start = date(2099, 3, 2)
    with pytest.raises(publicity.PublicityError, match="尚未包含2099年"):
        publicity.create_batch(org["root"], "远期公示", start, start + timedelta(days=14), [m.id], today=start)


def test_only_the_root_office_publishes_and_only_passed_results(org):
    ok = world.approved(org, "王公示", 1)
    draft = factories.material(org.projects["xihu_junior"], org["unit_a"],
                                                                   name="草稿", seq=2)
    start = date.today()
    with pytest.raises(publicity.PublicityError):
        publicity.create_batch(org["xihu_review"], "区公示", start, publicity.earliest_end(start), [ok.id])
    with pytest.raises(publicity.PublicityError, match="不能公示"):
        publicity.create_batch(org["root"], "公示", start, publicity.earliest_end(start), [ok.id, draft.id])
    db.session.rollback()
    assert db.session.get(Material, ok.id).state == MaterialState.APPROVED


def _file(client, csrf, batch, entry_id, **fields):
    data = {"entry": entry_id, "filer_name": "李群众", "contact": "13900000000", "content": "其论文系抄袭",
            "csrf_token": csrf(client, f"/publicity/{batch.id}/objection"), **fields}
    return client.post(f"/publicity/{batch.id}/objection", data=data)


def test_an_upheld_objection_revokes_the_result_and_the_unit_reads_the_reason(org, auth, client, csrf):
    m, other = world.approved(org, "王公示", 1), world.approved(org, "赵公示", 2)
    batch = world.publish(org, [m, other])
    assert "王公示" in client.get(f"/publicity/{batch.id}").get_data(as_text=True)  # now in the page cache
    r = _file(client, csrf, batch, world.entry_of(batch, m).id)
    assert r.status_code == 302
    objection = db.session.scalar(select(Objection))
    assert objection.content == "其论文系抄袭" and objection.state == "open"

    office = auth.client("rootadmin")
    page = office.get(f"/admin/publicity/batch/{batch.id}").get_data(as_text=True)
    assert "其论文系抄袭" in page and "李群众" in page
    r = office.post(f"/admin/publicity/objection/{objection.id}",
                    data={"decision": "upheld", "text": "经核实论文系抄袭", "csrf_token": csrf(office, f"/admin/publicity/batch/{batch.id}")})
    assert r.status_code == 302
    assert db.session.get(Material, m.id).state == MaterialState.RESULT_REVOKED
    assert db.session.get(Material, other.id).state == MaterialState.PUBLICIZED
    # The unit (and the applicant's 工作账号) read it in 上报材料跟踪's 审核记录.
    details = auth.client("unita").get(f"/admin/tracking/details/?id={m.id}").get_data(as_text=True)
    assert "经核实论文系抄袭" in details and "结果已撤销" in details
    # The public page (rendered afresh once the revocation was committed) no longer lists him.
    public = client.get(f"/publicity/{batch.id}").get_data(as_text=True)
    assert "王公示" not in public and "赵公示" in public


def test_a_rejected_objection_is_closed_with_a_reply_and_changes_no_result(org, auth, client, csrf):
    m = world.approved(org, "王公示", 1)
    batch = world.publish(org, [m])
    _file(client, csrf, batch, world.entry_of(batch, m).id)
    objection = db.session.scalar(select(Objection))
    publicity.handle_objection(org["root"], objection.id, False, "经核实，论文为本人原创")
    transaction.commit()
    assert db.session.get(Objection, objection.id).state == "rejected"
    assert db.session.get(Material, m.id).state == MaterialState.PUBLICIZED
    with pytest.raises(publicity.PublicityError, match="已处理"):
        publicity.handle_objection(org["root"], objection.id, True, "改主意")


def test_objections_need_a_listed_person_and_content_and_are_rate_limited(org, app, client, csrf):
    m = world.approved(org, "王公示", 1)
    batch = world.publish(org, [m])
    assert _file(client, csrf, batch, "999999").status_code == 400
    assert _file(client, csrf, batch, world.entry_of(batch, m).id, content="").status_code == 400
    assert db.session.scalar(select(Objection.id)) is None
    app.config["OBJECTION_RATE_LIMIT"] = "2 per hour"
    codes = [_file(client, csrf, batch, world.entry_of(batch, m).id).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def test_confirm_is_refused_during_the_period_and_with_an_open_objection(org):
    m = world.approved(org, "王公示", 1)
    batch = world.publish(org, [m])
    with pytest.raises(publicity.PublicityError, match="仍在公示期内"):
        publicity.confirm_batch(org["root"], batch.id)
    publicity.file_objection(batch.id, world.entry_of(batch, m).id, "李群众", "139", "有异议", "127.0.0.1")
    transaction.commit()
    with pytest.raises(publicity.PublicityError, match="尚有1条异议未处理"):
        publicity.confirm_batch(org["root"], batch.id, today=world.after(batch))
    assert db.session.get(Material, m.id).state == MaterialState.PUBLICIZED
    objection = db.session.scalar(select(Objection))
    publicity.handle_objection(org["root"], objection.id, False, "不成立")
    publicity.confirm_batch(org["root"], batch.id, today=world.after(batch))
    transaction.commit()
    assert db.session.get(Material, m.id).state == MaterialState.CERTIFIED
    assert db.session.get(PublicityBatch, batch.id).state == "confirmed"


def test_an_objection_after_the_period_is_refused(org, client, csrf):
    m = world.approved(org, "王公示", 1)
    batch = world.publish(org, [m])
    with pytest.raises(publicity.PublicityError, match="不在公示期内"):
        publicity.file_objection(batch.id, world.entry_of(batch, m).id, "李", "139", "x", "", today=world.after(batch))


def test_the_office_publishes_from_its_page_and_the_login_page_links_the_public_pages(org, auth, csrf, client):
    chosen, other = world.approved(org, "王公示", 1), world.approved(org, "赵未选", 2)
    c = auth.client("rootadmin")
    page = c.get("/admin/publicity/new").get_data(as_text=True)
    assert "王公示" in page and "赵未选" in page
    start = date.today()
    r = c.post("/admin/publicity/new", data={"title": "第一批公示", "start_date": start.isoformat(),
                                             "end_date": start.isoformat(), "material": [chosen.id],
                                             "csrf_token": csrf(c, "/admin/publicity/new")}, follow_redirects=True)
    assert "不少于5个工作日" in r.get_data(as_text=True)
    assert db.session.scalar(select(PublicityBatch.id)) is None
    end = publicity.earliest_end(start)
    r = c.post("/admin/publicity/new", data={"title": "第一批公示", "start_date": start.isoformat(),
                                             "end_date": end.isoformat(), "material": [chosen.id],
                                             "csrf_token": csrf(c, "/admin/publicity/new")})
    assert r.status_code == 302
    assert "王公示" in client.get("/publicity/").get_data(as_text=True)
    assert db.session.get(Material, other.id).state == MaterialState.APPROVED
    login = client.get("/login").get_data(as_text=True)
    assert 'href="/publicity/"' in login and 'href="/verify"' in login
