"""Checks that help reviewers (主管单位 tools, DESIGN §12): the 审核意见 written with 通过, the
可申报资格表 (学历 × 现有资格 × 任职年限 → 可申报资格) with 破格 as a recorded exception, duplicate
applications by 证件号码 (blocked at 转评委会 until resolved), and what changed since a material's
last 退回."""
