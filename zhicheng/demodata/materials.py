"""The demo's materials: saved and numbered as 填写材料 would, for the 工程 series' 计算机应用."""
from __future__ import annotations

from zhicheng.extensions import db
from zhicheng.models import Material, Project, User

#: What every demo material has unless it says otherwise.
DEFAULTS = {"phone": "13800138000", "current_major": "计算机应用", "series": "工程", "major": "计算机应用",
            "qualification": "工程师", "education": "本科"}


def add_material(project: Project, unit_user: User, name: str, **fields) -> Material:
    """A material of `unit_user`'s unit for `project`, `fields` over DEFAULTS, with its 编号."""
    from zhicheng.materials.services import assign_number
    m = Material(project=project, unit_id=unit_user.unit_id, creator=unit_user, name=name, **{**DEFAULTS, **fields})
    db.session.add(m)
    db.session.flush()
    assign_number(m)
    return m
