"""The indexes the statistics read (on the material table, declared here beside the queries that need
them; migrations/versions/…_statistics_indexes.py creates them).

Every figure comes from GROUP BY statements over `material` (zhicheng.stats.services) that read
only these indexes, never the rows:

* by (state, project_id, series, unit_id): the whole city's materials in index order, so the root
  office's counts by 状态 × 项目 (年度, 级别) × 系列 stream without a sort; and the few materials of
  a state of some projects (评审通过 of the 评审 projects) are found directly, with their unit;
* by (unit_id, state, project_id, series): a department's units one after the other (its subtree's
  materials only), and the per-unit counts that add up to the counts by 部门; the 年度/级别/系列
  filters are checked in the index entries.
"""
from sqlalchemy import Index

from zhicheng.materials.models import Material

STATE_PROJECT_SERIES = Index("ix_material_state_project_series", Material.state, Material.project_id, Material.series,
                             Material.unit_id)
UNIT_STATE_PROJECT_SERIES = Index("ix_material_unit_state_project_series", Material.unit_id, Material.state,
                                  Material.project_id, Material.series)
