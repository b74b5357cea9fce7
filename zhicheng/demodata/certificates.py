"""Demo data for 评后管理: an issued 发文 (its certificates verifiable at /verify) and a 公示 in its
period with the result of one more applicant."""
from __future__ import annotations

from datetime import date, timedelta

from stdnum.cn import ric

from zhicheng.demodata.materials import add_material
from zhicheng.extensions import db
from zhicheng.models import Project, User

DEMO_CERTIFIED = ("陈证书", "林证书")
DEMO_ON_LIST = ("黄公示",)


def load_demo_certificates(root_admin: User, reviewer: User, unit_user: User, project: Project,
                           today: date) -> list[tuple[str, str, str]]:
    """Three materials of the root office's 初定 project through 审核通过; two on a 公示 that ended
    (评定, 发文 杭人社发〔year〕12号, certificates), one on a 公示 open today. Returns the lines to print."""
    from zhicheng.certificates import issuing, publicity
    from zhicheng.review.workflow import pass_materials, submit_materials
    materials = []
    for i, name in enumerate(DEMO_CERTIFIED + DEMO_ON_LIST):
        birth = date(1986 + i, 5, 20)
        body = f"330106{birth:%Y%m%d}{401 + i:03d}"
        materials.append(add_material(project, unit_user, name, gender="女男女"[i], birth_date=birth,
                                      id_card=body + ric.calc_check_digit(body + "0"),
                                      work_start_date=date(2010 + i, 7, 1), current_title="助理工程师",
                                      achievements="负责单位信息系统的开发与运维。"))
    ids = [m.id for m in materials]
    submit_materials(unit_user, ids, "张建国", "13900001111", today=today)
    pass_materials(reviewer, ids)
    pass_materials(root_admin, ids)  # 审核通过 at the root office, which published the project
    # A 公示 that began three weeks ago and has ended, confirmed (评定) and issued.
    started = today - timedelta(days=21)
    done = publicity.create_batch(root_admin, f"{today.year}年度中级专业技术资格初定结果公示（第一批）", started,
                                  publicity.earliest_end(started), ids[:2], today=started)
    publicity.confirm_batch(root_admin, done.id, today=today)
    certs = issuing.issue_batch(root_admin, done.id, f"杭人社发〔{today.year}〕12号", "杭州市人力资源和社会保障局",
                                today, today=today)
    publicity.create_batch(root_admin, f"{today.year}年度中级专业技术资格初定结果公示（第二批）", today,
                           publicity.earliest_end(today), ids[2:], today=today)
    db.session.flush()
    lines = [("/publicity/", "", "公示页面（无需登录）：第二批公示中，可提出异议")]
    for cert in certs:
        lines.append((f"/verify 证书编号 {cert.number}", "",
                      f"证书查询：姓名 {cert.name}，查询码 {cert.query_code}（或身份证号后6位 {cert.id_card[-6:]}）"))
    return lines
