"""`flask demo-data --scale city`: a deterministic city-sized data set (5k units, 50k 工作账号,
200k materials with attachment metadata, ~1M 审核记录) written with bulk INSERTs.

Every material's 审核记录 replays to its state and current department (see consistency.py).
"""
from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta

import click
from sqlalchemy import func, select, text

from zhicheng import transaction
from zhicheng.accounts import passwords
from zhicheng.accounts.models import KIND_STAFF, KIND_SUB, KIND_UNIT
from zhicheng.certificates.models import Certificate
from zhicheng.demodata.demo import DEMO_PASSWORD, DICTS, load_demo, of_series
from zhicheng.extensions import db
from zhicheng.models import Attachment, Department, Education, Material, Project, ReviewRecord, Unit, User, WorkHistory
from zhicheng.org.codes import INDUSTRIES, REGIONS

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯晨欣怡佳琪子涵梓轩雨婷思远博文嘉懿俊杰一鸣昊天"
AREAS = ["330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112", "330122", "330127"]
DISTRICTS = ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区",
             "桐庐县", "淳安县", "建德市"]
REGION_CODES = {name: code for code, name in REGIONS.items()}
INDUSTRY_CODES = list(INDUSTRIES)
BUREAUS = ["杭州市教育局", "杭州市卫生健康委员会", "杭州市建设委员会", "杭州市农业农村局", "杭州市交通运输局",
           "杭州市经济和信息化局", "杭州市文化广电旅游局", "杭州市人才服务局"]
MAJORS = DICTS["major"]
QUALS = DICTS["qualification"]
# A material's 专业 and 资格名称 are of its project's 系列.
MAJORS_OF = {s: of_series("major", s) for s in DICTS["series"]}
QUALS_OF = {s: of_series("qualification", s) for s in DICTS["series"]}
EDUS = DICTS["education"]
CHUNK = 10000


def _id_card(rng: random.Random, birth: date) -> str:
    from stdnum.cn import ric
    body = f"{rng.choice(AREAS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def _uscc(n: int) -> str:
    from stdnum.cn import uscc
    body = f"91330100MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def _insert(model, rows):
    """Bulk insert: COPY on PostgreSQL, executemany elsewhere. Scalar column defaults are
    filled in here because COPY does not know them."""
    if not rows:
        return
    table = model.__table__
    keys = list(dict.fromkeys(k for row in rows for k in row))  # rows may carry different keys
    defaults = {c.name: (c.default.arg if c.default is not None and c.default.is_scalar else None)
                for c in table.columns if c.name != "id" or "id" in keys}
    cols = list(dict.fromkeys(keys + [c for c, v in defaults.items() if v is not None]))
    full = [tuple(row.get(c, defaults.get(c)) for c in cols) for row in rows]
    if db.engine.dialect.name == "postgresql":
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
                for values in full:
                    copy.write_row(values)
        return
    for i in range(0, len(full), CHUNK):
        db.session.execute(table.insert(), [dict(zip(cols, values)) for values in full[i:i + CHUNK]])


def load_city(units: int = 5000, subs_per_unit: int = 10, materials: int = 200_000, seed: int = 2026,
              years=(2022, 2023, 2024, 2025, 2026), echo=click.echo, boards: int = 30, groups_per_board: int = 5,
              experts: int = 1500, review_materials: int = 20_000, big_group: int = 2000,
              certificates: int = 200_000) -> dict:
    """The city: `units` units with `subs_per_unit` 工作账号 each, `materials` materials, and for 评审
    `boards` 评委会 × `groups_per_board` 学科组, `experts` experts and `review_materials` 审核通过
    materials assigned to meetings (one 学科组 of `big_group`; zhicheng.demodata.boards); and
    `certificates` certificates of people certified before the system (接收原系统数据), so that
    证书查询 searches a city's worth of them."""
    started = time.perf_counter()
    rng = random.Random(seed)
    is_pg = db.engine.dialect.name == "postgresql"
    if db.engine.dialect.name == "sqlite":  # before anything is written: not allowed inside a transaction
        db.session.execute(text("PRAGMA synchronous=OFF"))
        db.session.execute(text("PRAGMA journal_mode=MEMORY"))
    load_demo(today=date(years[-1], 6, 1))  # the named demo organisation and logins come first
    pw = passwords.hash_chosen(DEMO_PASSWORD)
    root = db.session.scalar(select(Department).where(Department.parent_id.is_(None)))
    existing = {d.name: d for d in db.session.scalars(select(Department))}

    # Departments: districts and bureaus under the root, two sub-departments under each bureau.
    from zhicheng.org.departments import create_department
    first_level = [existing.get(n) or create_department(n, root) for n in DISTRICTS + BUREAUS]
    leaves = []
    for d in first_level:
        leaves.append(d)
        if d.name in BUREAUS:
            for k in ("直属单位管理处", "行业人才处"):
                name = f"{d.name}{k}"
                leaves.append(existing.get(name) or create_department(name, d))
    db.session.flush()
    for d in first_level:
        if db.session.scalar(select(User.id).where(User.username == f"d{d.id}review")) is None:
            db.session.add(User(kind=KIND_STAFF, username=f"d{d.id}review", password_hash=pw, department=d,
                                real_name=f"{d.name}审核经办", role_review=True, role_return=True))
    db.session.flush()

    # Projects: the root issues 中级 every year; each first-level department issues 初级.
    projects_by_issuer: dict[int, list[Project]] = {}
    for y in years:
        start, end = date(y, 3, 1), date(y, 10, 31)
        plist = [Project(name=f"{y}年度杭州市中级专业技术资格初定（{s}）", kind="cd_middle", year=y, series=s,
                         majors="、".join(MAJORS), scope="在杭单位", requirements=f"{y}年度中级初定通知",
                         start_date=start, end_date=end, issuer=root) for s in ("工程", "经济")]
        for d in first_level:
            plist.append(Project(name=f"{y}年度{d.name}初级专业技术资格{'认定' if y % 2 else '初定'}",
                                 kind="rd_junior" if y % 2 else "cd_junior", year=y, series="工程",
                                 majors="、".join(MAJORS[:3]), scope=f"归口{d.name}的单位",
                                 requirements=f"{y}年度初级申报须知", start_date=start, end_date=end, issuer=d))
        db.session.add_all(plist)
        db.session.flush()
        for p in plist:
            projects_by_issuer.setdefault(p.issuer_id, []).append(p)
    db.session.flush()
    dept_by_id = {d.id: d for d in db.session.scalars(select(Department))}

    # Units and accounts.
    next_unit = (db.session.scalar(select(func.max(Unit.id))) or 0) + 1
    next_user = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    unit_rows, user_rows, unit_meta = [], [], []
    with click.progressbar(range(units), label="单位与工作账号", file=None if echo else open("/dev/null", "w")) as bar:
        for i in bar:
            uid = next_unit + i
            dept = leaves[i % len(leaves)]
            unit_rows.append(dict(id=uid, uscc=_uscc(i), legal_rep=rng.choice(SURNAMES) + rng.choice(GIVEN),
                                  name=f"杭州{DISTRICTS[i % len(DISTRICTS)][:2]}第{i + 1}号{rng.choice(['科技有限公司', '医院', '中学', '建设集团', '研究院'])}",
                                  department_id=dept.id, email=f"u{i}@example.com", contact_name="", contact_phone="",
                                  address="", nature="", in_registry=False,
                                  region=REGION_CODES.get(DISTRICTS[i % len(DISTRICTS)], "330100"),
                                  industry=INDUSTRY_CODES[i % len(INDUSTRY_CODES)]))
            user_rows.append(dict(id=next_user, kind=KIND_UNIT, username=f"u{i:05d}", password_hash=pw,
                                  unit_id=uid, enabled=True, must_change_password=False, real_name="", phone="",
                                  email=f"u{i}@example.com", id_card=""))
            subs = []
            next_user += 1
            for s in range(subs_per_unit):
                user_rows.append(dict(id=next_user, kind=KIND_SUB, username=f"u{i:05d}{s + 1:03d}", password_hash=pw,
                                      unit_id=uid, enabled=True, must_change_password=False,
                                      real_name=rng.choice(SURNAMES) + rng.choice(GIVEN), phone="", email="", id_card="",
                                      perm_fill=True, perm_submit=True, perm_print=True, perm_view=True,
                                      perm_change_password=True))
                subs.append(next_user)
                next_user += 1
            unit_meta.append((uid, dept, subs))
    _insert(Unit, unit_rows)
    _insert(User, user_rows)
    db.session.flush()
    echo(f"  {units} 个单位，{len(user_rows)} 个账号")

    # Materials with their path through the departments, replayed into 审核记录.
    next_mat = (db.session.scalar(select(func.max(Material.id))) or 0) + 1
    mat_rows, rec_rows, att_rows, edu_rows, work_rows = [], [], [], [], []
    per_unit = max(1, materials // max(1, units))
    n = 0
    with click.progressbar(length=materials, label="申报材料与审核记录", file=None if echo else open("/dev/null", "w")) as bar:
        for uid, dept, subs in unit_meta:
            chain = [dept.id] + [a for a in dept.ancestor_ids()[1:]]
            candidates = [p for did in chain for p in projects_by_issuer.get(did, [])]
            for _ in range(per_unit):
                if n >= materials:
                    break
                mid = next_mat + n
                n += 1
                p = rng.choice(candidates)
                path = chain[:chain.index(p.issuer_id) + 1]
                birth = date(rng.randrange(1965, 2001), rng.randrange(1, 13), rng.randrange(1, 29))
                t0 = datetime(p.year, 3, 2, 9) + timedelta(minutes=rng.randrange(60 * 24 * 200))
                roll = rng.random()
                state, cur, approved_at, submitted = "draft", None, None, None
                recs = []
                creator = rng.choice(subs)

                def rec(action, at, dep, to, state_after, reason=""):
                    recs.append(dict(material_id=mid, action=action, at=at, department_id=dep, to_department_id=to,
                                     actor_id=creator if action == "submit" else None,
                                     actor_name="经办人" if action == "submit" else dept_by_id[dep].name + "审核经办",
                                     reason=reason, state_after=state_after))

                def passes(t, upto):
                    """审核通过 from the path's first department up to path[upto], hours to days apart."""
                    for k in range(upto):
                        t += timedelta(hours=rng.randrange(1, 72))
                        rec("pass", t, path[k], path[k + 1], "in_review")
                    return t
                if roll >= 0.15:
                    t = t0
                    # most materials were returned and corrected a few times before this submission
                    for _cycle in range(rng.choices((0, 1, 2, 3), weights=(3, 4, 2, 1))[0]):
                        rec("submit", t, None, path[0], "in_review", "操作人：经办人")
                        stop = rng.randrange(len(path))
                        t = passes(t, stop)
                        t += timedelta(hours=rng.randrange(1, 96))
                        rec("return", t, path[stop], None, "returned", "材料不全，请补充学历证明")
                        t += timedelta(hours=rng.randrange(1, 96))
                    submitted = t
                    rec("submit", t, None, path[0], "in_review", "操作人：经办人")
                    if roll < 0.25:
                        state = "returned"
                        stop = rng.randrange(len(path))
                        t = passes(t, stop)
                        t += timedelta(hours=rng.randrange(1, 72))
                        rec("return", t, path[stop], None, "returned", "业绩材料需补充")
                    elif roll < 0.5:
                        state = "in_review"
                        stop = rng.randrange(len(path))
                        t = passes(t, stop)
                        cur = path[stop]
                    else:
                        state = "approved"
                        t = passes(t, len(path) - 1)
                        t += timedelta(hours=rng.randrange(1, 72))
                        rec("approve", t, path[-1], None, "approved")
                        approved_at = t
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
                mat_rows.append(dict(
                    id=mid, number=f"{p.year}-{p.id:03d}-{mid:07d}", project_id=p.id, unit_id=uid, creator_id=creator,
                    state=state, current_department_id=cur, version=1 + len(recs), name=name,
                    gender=rng.choice("男女"), birth_date=birth, id_card=_id_card(rng, birth),
                    phone=f"13{rng.randrange(10 ** 9):09d}", work_start_date=date(min(birth.year + 22, p.year), 7, 1),
                    current_major=rng.choice(MAJORS), series=p.series, major=rng.choice(MAJORS_OF.get(p.series) or MAJORS),
                    qualification=rng.choice(QUALS_OF.get(p.series) or QUALS), education=rng.choice(EDUS), current_title="",
                    achievements="",
                    submitted_at=submitted, submitter_name="经办人" if submitted else "",
                    submitter_phone="13900000000" if submitted else "", approved_at=approved_at,
                    created_at=t0, updated_at=t0))
                rec_rows.extend(recs)
                att_rows.append(dict(material_id=mid, kind="review_form", original_name=f"{name}评审表.pdf",
                                     stored_name=f"city{mid:08d}.pdf", mime="application/pdf",
                                     size=rng.randrange(80_000, 4_000_000), uploaded_at=t0))
                edu_rows.append(dict(material_id=mid, start_date=date(birth.year + 18, 9, 1),
                                     end_date=date(birth.year + 22, 7, 1), school="浙江大学", major=rng.choice(MAJORS),
                                     education="本科", degree="学士"))
                work_rows.append(dict(material_id=mid, start_date=date(min(birth.year + 22, p.year), 7, 1),
                                      end_date=None, employer="本单位", post="技术员", duty="专业技术工作"))
                if len(mat_rows) >= CHUNK:
                    _flush(mat_rows, rec_rows, att_rows, edu_rows, work_rows)
                    bar.update(CHUNK)
        if mat_rows:
            bar.update(len(mat_rows))
            _flush(mat_rows, rec_rows, att_rows, edu_rows, work_rows)

    from zhicheng.demodata.boards import load_city_boards
    root_admin = db.session.scalar(select(User).where(User.username == "rsj_admin"))
    review = load_city_boards(rng, root_admin, [root] + first_level, pw, boards_n=boards,
                              groups_per_board=groups_per_board, experts_n=experts,
                              review_materials=review_materials, big_group=big_group, insert=_insert)
    echo(f"  评审：{review['boards']} 个评委会，{review['groups']} 个学科组，{review['experts']} 名专家，"
         f"{review['review_materials']} 份评审材料")
    if certificates:
        _load_certificates(rng, certificates, years[0])
        echo(f"  历史证书：{certificates} 本")
    if is_pg:
        for table in ("unit", "user_account", "material", "expert", "certificate"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT MAX(id) FROM {table}))"))
        # The load is committed here rather than by the command: VACUUM runs on a connection of
        # its own and must see the rows.
        transaction.commit()
        # After a bulk load: statistics for the planner, and the visibility map and hint bits set
        # now rather than by the first pages users open (VACUUM needs its own autocommit connection).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    else:
        db.session.execute(text("ANALYZE"))
    db.session.flush()
    counts = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in
              [("units", Unit), ("accounts", User), ("materials", Material), ("review_records", ReviewRecord),
               ("attachments", Attachment), ("certificates", Certificate)]}
    counts.update({k: review[k] for k in ("boards", "groups", "experts", "review_materials", "reviewing_meeting", "big_group")})
    counts["seconds"] = round(time.perf_counter() - started, 1)
    echo("  " + "，".join(f"{k}={v}" for k, v in counts.items()))
    return counts


HISTORY_QUALIFICATIONS = (("工程", "中级", "工程师", "02", "11"), ("工程", "初级", "助理工程师", "03", "11"),
                          ("工程", "副高", "高级工程师", "01", "11"), ("卫生", "中级", "主治医师", "02", "21"),
                          ("卫生", "初级", "医师", "03", "21"), ("教师", "中级", "一级教师", "02", "31"),
                          ("会计", "中级", "会计师", "02", "41"), ("经济", "中级", "经济师", "02", "51"))


def _load_certificates(rng: random.Random, count: int, first_year: int) -> None:
    """`count` certificates imported from the former system (source 'imported'), issued over the
    ten years before `first_year`; numbers year + level code + series code + a 6-digit sequence
    per year, each with its own 查询码."""
    from zhicheng.certificates.issuing import new_query_code
    now = datetime.now().replace(microsecond=0)
    sequence: dict[str, int] = {}
    rows = []
    for _ in range(count):
        series, level, qualification, level_code, series_code = rng.choice(HISTORY_QUALIFICATIONS)
        issued = date(rng.randrange(first_year - 10, first_year), rng.randrange(1, 13), rng.randrange(1, 29))
        prefix = f"{issued.year}{level_code}{series_code}"
        sequence[prefix] = sequence.get(prefix, 0) + 1
        birth = date(rng.randrange(1960, 1995), rng.randrange(1, 13), rng.randrange(1, 29))
        rows.append(dict(number=f"{prefix}{sequence[prefix]:06d}", name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                         id_card=_id_card(rng, birth), qualification=qualification, series=series, level=level, major="",
                         obtained_on=issued, issuing_body="杭州市人力资源和社会保障局", issued_on=issued,
                         doc_number="", query_code=new_query_code(), source="imported", state="valid",
                         revoked_reason="", created_at=now))
        if len(rows) >= CHUNK:
            _insert(Certificate, rows)
            rows.clear()
    _insert(Certificate, rows)
    db.session.flush()


def _flush(mat_rows, rec_rows, att_rows, edu_rows, work_rows):
    _insert(Material, mat_rows)
    _insert(ReviewRecord, rec_rows)
    _insert(Attachment, att_rows)
    _insert(Education, edu_rows)
    _insert(WorkHistory, work_rows)
    db.session.flush()
    for rows in (mat_rows, rec_rows, att_rows, edu_rows, work_rows):
        rows.clear()
