"""评委会, 学科组 and 专家库 pages: the root office's 字典维护 keeps the 评委会 and 学科组 that every
staff member reads; a 管理员 keeps his 专家库, whose new expert changes his password first."""
from __future__ import annotations

from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import Expert, ReviewBoard, SubjectGroup, User

from .web import post, text


def test_root_office_creates_a_board_and_its_groups_and_all_staff_read_them(org, auth, csrf):
    root = auth.client("rootadmin")
    r = post(root, csrf, "/admin/boards/new/", {"name": "杭州市卫生高级评委会", "department_id": org.root.id,
                                                "level": "senior", "series": "卫生", "majors": "内科、外科"},
             "/admin/boards/new/")
    assert r.status_code == 302
    board = db.session.scalar(select(ReviewBoard).where(ReviewBoard.name == "杭州市卫生高级评委会"))
    assert board.min_members == 25 and board.level_label == "高级"
    r = post(root, csrf, "/admin/subject_groups/new/", {"board_id": board.id, "name": "内科组",
                                                        "majors": "心血管内科、呼吸内科\n消化内科"},
             "/admin/subject_groups/new/")
    assert r.status_code == 302
    assert db.session.scalar(select(SubjectGroup).where(SubjectGroup.name == "内科组")).majors == [
        "心血管内科", "呼吸内科", "消化内科"]
    for role in ("xihu_admin", "edu_review", "xihu_publish"):
        page = text(auth.client(org[role].username).get("/admin/boards/"))
        assert "杭州市卫生高级评委会" in page and "内科组（心血管内科、呼吸内科、消化内科）" in page
        assert "/admin/boards/new/" not in page
        assert "消化内科" in text(auth.client(org[role].username).get("/admin/subject_groups/"))


def test_only_the_root_office_maintains_them_and_bad_input_changes_nothing(org, auth, csrf):
    root = auth.client("rootadmin")
    post(root, csrf, "/admin/boards/new/", {"name": "工程中级评委会", "department_id": org.xihu.id,
                                            "level": "middle"}, "/admin/boards/new/")
    board = db.session.scalar(select(ReviewBoard).where(ReviewBoard.name == "工程中级评委会"))
    assert board.department_id == org.xihu.id and board.min_members == 11
    # Duplicate name, even member count, missing 专业: a Chinese message, nothing saved.
    r = post(root, csrf, "/admin/boards/new/", {"name": "工程中级评委会", "department_id": org.root.id,
                                                "level": "middle"}, "/admin/boards/new/")
    assert r.status_code == 200 and "评委会“工程中级评委会”已存在" in text(r)
    r = post(root, csrf, f"/admin/boards/edit/?id={board.id}", {"min_members": "12", "series": "工程"},
             f"/admin/boards/edit/?id={board.id}")
    assert "评委会组成人数下限应为正奇数" in text(r)
    r = post(root, csrf, "/admin/subject_groups/new/", {"board_id": board.id, "name": "空组", "majors": " 、 "},
             "/admin/subject_groups/new/")
    assert "请填写学科组涵盖的专业" in text(r)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ReviewBoard)) == 1
    assert db.session.get(ReviewBoard, board.id).min_members == 11
    assert db.session.scalar(select(func.count()).select_from(SubjectGroup)) == 0
    # Other staff: read, never write.
    admin = auth.client("xihuadmin")
    assert admin.get("/admin/boards/new/").status_code == 403
    assert admin.get(f"/admin/boards/edit/?id={board.id}").status_code == 403
    assert admin.get("/admin/subject_groups/new/").status_code == 403
    for role in ("unit_a", "sub_a_full"):
        c = auth.client(org[role].username)
        assert c.get("/admin/boards/").status_code == 403
        assert c.get("/admin/subject_groups/").status_code == 403


def test_adding_an_expert_shows_the_password_once_and_he_changes_it_first(org, auth, csrf):
    admin = auth.client("xihuadmin")
    r = post(admin, csrf, "/admin/experts/new/", {"department_id": org.xihu.id, "username": "zhuanjia01",
                                                  "real_name": "钱专家", "major": "计算机应用", "title": "正高级工程师",
                                                  "unit_name": "某研究院", "phone": "13900001234"},
             "/admin/experts/new/")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    page = text(r)
    assert "添加专家" in page and "钱专家" in page and "只在本页显示一次" in page
    otp = page.split('<code class="zc-otp">')[1].split("</code>")[0]
    listing = text(admin.get("/admin/experts/"))
    assert "钱专家" in listing and otp not in listing
    # Search by 专业 and by 姓名.
    assert "钱专家" in text(admin.get("/admin/experts/?search=计算机"))
    assert "钱专家" in text(admin.get("/admin/experts/?search=钱专家"))
    assert "钱专家" not in text(admin.get("/admin/experts/?search=建筑"))
    # Another department's 管理员 sees nothing of it; a unit cannot open the page.
    assert "钱专家" not in text(auth.client("eduadmin").get("/admin/experts/"))
    assert auth.client("unita").get("/admin/experts/").status_code == 403
    # Duplicate username: the message over the form, no second expert.
    r = post(admin, csrf, "/admin/experts/new/", {"department_id": org.xihu.id, "username": "zhuanjia01",
                                                  "real_name": "孙专家", "major": "计算机应用"}, "/admin/experts/new/")
    assert r.status_code == 200 and "zc-otp" not in text(r)
    assert db.session.scalar(select(func.count()).select_from(Expert)) == 1

    # First login: the password change comes first, then his (empty) home.
    expert = auth.client("zhuanjia01", password=otp)
    r = expert.get("/admin/")
    assert r.status_code == 302 and "/password" in r.headers["Location"]
    assert expert.get("/admin/expert_materials/").status_code == 302
    r = post(expert, csrf, "/password", {"new_password": "Zhuanjia#2026", "confirm": "Zhuanjia#2026"}, "/password")
    assert r.status_code == 302
    home = text(expert.get("/admin/"))
    assert "我的评审会议" in home and "当前没有需要您参加的评审会议" in home
    assert db.session.scalar(select(User).where(User.username == "zhuanjia01")).must_change_password is False


def test_deactivating_an_expert(org, auth, csrf):
    from zhicheng import transaction
    from zhicheng.boards import boards
    expert, _ = boards.add_expert(org["xihu_admin"], org.xihu, "zhuanjia02", "李专家", "建筑工程")
    transaction.commit()
    admin = auth.client("xihuadmin")
    r = post(admin, csrf, "/admin/experts/action/", {"action": "deactivate", "rowid": [expert.id]}, "/admin/experts/")
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).active is False
    assert "停用" in text(admin.get("/admin/experts/"))
    # Another branch's 管理员 cannot touch it.
    other = auth.client("eduadmin")
    r = post(other, csrf, "/admin/experts/action/", {"action": "activate", "rowid": [expert.id]}, "/admin/experts/")
    assert r.status_code == 404
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).active is False


def test_editing_a_group_changes_its_majors(org, auth, csrf):
    from zhicheng import transaction
    from zhicheng.boards import boards
    board = boards.create_board(org["root"], "经济系列评委会", org.root, "middle")
    group = boards.add_subject_group(org["root"], board, "金融组", ["金融"])
    boards.add_subject_group(org["root"], board, "会计组", ["会计"])
    transaction.commit()
    root = auth.client("rootadmin")
    url = f"/admin/subject_groups/edit/?id={group.id}"
    assert 'value="金融组"' in text(root.get(url)) and "金融</textarea>" in text(root.get(url))
    r = post(root, csrf, url, {"name": "金融组", "majors": "金融，保险"}, url)
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(SubjectGroup, group.id).majors == ["金融", "保险"]
    r = post(root, csrf, url, {"name": "会计组", "majors": "金融"}, url)
    assert "已有学科组“会计组”" in text(r)
    db.session.expire_all()
    assert db.session.get(SubjectGroup, group.id).name == "金融组"
