"""Code tables of the unit's registration: 单位类型 (which licence it shows), 单位行业, 单位所在地.

单位类型 and the licence of each are the manual's list (职称申报业务操作指南——单位系统, 注意事项 2).
单位行业 is the top level (门类) of GB/T 4754-2017 国民经济行业分类. 单位所在地 is the city's
行政区划 (GB/T 2260 codes of Hangzhou's districts, counties and county-level city, after the 2021
re-division), with 市本级 for units of the city itself.
"""
from __future__ import annotations

#: 单位类型 -> the licence (营业执照类型) a unit of that type uploads.
UNIT_TYPES: dict[str, str] = {
    "国有企业": "企业法人营业执照",
    "非公企业": "企业法人营业执照",
    "事业单位": "事业单位法人证书",
    "机关": "批准成立文件（政府或编办发）",
    "社团": "社会团体法人登记证书",
    "民办非企业单位": "民办非企业单位登记证书",
    "合作社": "农民专业合作社法人营业执照",
}

#: The licence of a unit whose type is not given (units registered before 单位类型 existed).
DEFAULT_LICENSE = "机构代码证"


def license_kind(unit_type: str | None) -> str:
    """The name of the licence a unit of `unit_type` uploads."""
    return UNIT_TYPES.get(unit_type or "", DEFAULT_LICENSE)


INDUSTRIES: dict[str, str] = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}

REGIONS: dict[str, str] = {
    "330100": "杭州市（市本级）",
    "330102": "上城区",
    "330105": "拱墅区",
    "330106": "西湖区",
    "330108": "滨江区",
    "330109": "萧山区",
    "330110": "余杭区",
    "330111": "富阳区",
    "330112": "临安区",
    "330113": "临平区",
    "330114": "钱塘区",
    "330122": "桐庐县",
    "330127": "淳安县",
    "330182": "建德市",
}


def label(table: dict[str, str], code: str | None) -> str:
    """The name of `code` in `table` ("" for none; the code itself when the table lacks it)."""
    if not code:
        return ""
    return table.get(code, code)


def choices(table: dict[str, str], prompt: str, *, keys_only: bool = False) -> list[tuple[str, str]]:
    """(value, label) pairs for a <select>, the prompt first (`keys_only`: the key is the label too)."""
    return [("", prompt)] + [(code, code if keys_only else name) for code, name in table.items()]
