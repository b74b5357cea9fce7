"""Projects, materials, review: the declaration workflow's menus, in the manual's words."""
from zhicheng.materials.admin_unit import (
    ChangeDepartmentView,
    ManageMaterialsView,
    ReturnedListView,
    SubmitListView,
    TrackingListView,
)
from zhicheng.models import Material, Project
from zhicheng.projects.admin import (
    UNIT_CATEGORY,
    ExamImportView,
    ProjectAdminView,
    ProjectInfoView,
    ProjectListView,
)
from zhicheng.review.admin import REVIEW_CATEGORY, BoardTransferView, DepartmentMaterialsView, ReviewQueueView


def register(admin) -> None:
    admin.add_view(ProjectListView(Project, name="填写材料", category=UNIT_CATEGORY, endpoint="projects"))
    admin.add_view(ManageMaterialsView(Material, name="管理材料", category=UNIT_CATEGORY, endpoint="materials"))
    admin.add_view(SubmitListView(Material, name="上报材料", category=UNIT_CATEGORY, endpoint="submit"))
    admin.add_view(ReturnedListView(Material, name="被退回的材料", category=UNIT_CATEGORY, endpoint="returned"))
    admin.add_view(TrackingListView(Material, name="上报材料跟踪", category=UNIT_CATEGORY, endpoint="tracking"))
    admin.add_view(ChangeDepartmentView(name="修改归口部门", category="后台管理", endpoint="change_department"))

    admin.add_view(ReviewQueueView(Material, name="待审核材料", category=REVIEW_CATEGORY, endpoint="review"))
    admin.add_view(DepartmentMaterialsView(Material, name="本部门及下级材料", category=REVIEW_CATEGORY,
                                           endpoint="dept_materials"))
    admin.add_view(BoardTransferView(Material, name="转评委会", category=REVIEW_CATEGORY, endpoint="board_transfer"))
    admin.add_view(ProjectAdminView(Project, name="项目发布", category="项目管理", endpoint="project_admin"))
    admin.add_view(ExamImportView(name="考试成绩导入", category="项目管理", endpoint="exam_import"))

    admin.add_view(ProjectInfoView(name="相关要求", endpoint="project_info"))
