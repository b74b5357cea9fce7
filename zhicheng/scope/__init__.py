"""Who may see which rows: one function per model, returning a WHERE clause.

Lists, get_one, edit forms, actions, relation dropdowns, downloads and exports all go
through these functions; nothing else decides visibility. Callers ask `scope.<rows>(user)`;
the functions live by feature in the modules of this package:

- core: departments, units, accounts, projects, materials, print templates, export jobs
- material_rows: what hangs on a material (附件, 审核记录)
- boards: 评审 (评委会, experts, meetings, their materials, opinions, ballots, results)
- persons: 个人端 (persons, memberships, applications, 档案)
- people: 人员基本信息与聘任管理, 结构比例管理
- certificates: 评后管理 (公示, 异议, certificates, number rules, 诚信记录)
"""
from __future__ import annotations

from zhicheng.scope.core import (  # noqa: F401
    SUBMITTED_STATES,
    UNSUBMITTED,
    departments,
    export_jobs,
    managed_accounts,
    managed_projects,
    materials,
    print_templates,
    projects,
    review_queue,
    staff_accounts,
    sub_accounts,
    subtree_ids,
    unit_accounts,
    units,
)
from zhicheng.scope.boards import (  # noqa: F401
    ballot_receipts,
    board_directory,
    board_transfer,
    boards,
    code_updates,
    dictionaries,
    draw_records,
    eligibility_rules,
    experts,
    group_directory,
    group_opinions,
    managed_boards,
    managed_meetings,
    meeting_materials,
    meeting_members,
    meeting_results,
    meetings,
    member_opinions,
    subject_groups,
    unit_codes,
)
from zhicheng.scope.material_rows import (  # noqa: F401
    attachments,
    review_records,
    _readable_materials,
)
from zhicheng.scope.persons import (  # noqa: F401
    memberships,
    person_achievements,
    person_applications,
    person_assessments,
    person_educations,
    person_open_lessons,
    person_research,
    person_teachings,
    person_trainings,
    person_works,
    persons,
    signoff_materials,
    signoff_steps,
)
from zhicheng.scope.people import (  # noqa: F401
    appointments,
    people_units,
    person_certificates,
    person_records,
    post_quotas,
)
from zhicheng.scope.certificates import (  # noqa: F401
    certificates,
    integrity_records,
    number_rules,
    objections,
    publicity_batches,
)
