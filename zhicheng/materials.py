"""Material data (not state): numbering and the checks shared by the forms."""
from __future__ import annotations

from .models import Material


def assign_number(material: Material) -> str:
    """编号: year-project-sequence, e.g. 2026-003-0000127 (unique because the id is)."""
    material.number = f"{material.project.year}-{material.project_id:03d}-{material.id:07d}"
    return material.number
