"""人员基本信息与聘任管理 and 结构比例管理 (the 主管单位版's second and third functions): one record
per person keyed by 证件号码, gathering his materials, results and certificates; 聘任 by unit; each
unit's 岗位结构比例 against its current 聘任."""
