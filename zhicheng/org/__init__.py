"""Departments, units and their registration."""
from __future__ import annotations


def seal_for(unit) -> bytes | None:
    """The unit's electronic seal (单位签章) as PNG bytes, printed on the 单位意见 box of its forms;
    None while the unit has none. (The 单位签章 feature answers here; until then no unit has one.)"""
    return None
