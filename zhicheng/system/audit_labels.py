"""Chinese names of the audit log's action codes and object types.

An action is stored as a short code ("material.approve"): stable for searching and exports, and
independent of wording. The 审计日志 page shows and filters it by the names below. A code is named
whole (ACTIONS) or by its object and verb (OBJECTS + VERBS); tests/system/test_audit_labels.py finds
every code written by `audit.record` in the code and fails on one without a Chinese name.
"""
from __future__ import annotations

# Whole codes whose wording is not "object + verb".
ACTIONS: dict[str, str] = {
    "login.success": "登录成功",
    "login.failure": "登录失败",
    "login.disabled": "登录被拒（账号已禁用）",
    "login.rate_limited": "登录受限（尝试过多）",
    "logout": "退出登录",
    "password.reset_request": "申请找回密码",
    "password.reset_by_mail": "通过邮件重置密码",
    "password.reset_by_sms": "通过短信重置密码",
    "account.batch_create": "批量开通账号",
    "account.batch_download": "下载批量账号",
    "account.change_password": "修改密码",
    "account.reset_password": "重置密码",
    "account.enable": "开通账号",
    "account.disable": "禁用账号",
    "material.approve": "审核通过",
    "material.pass": "通过并上报",
    "material.return": "退回材料",
    "material.submit": "上报材料",
    "material.to_board": "转评委会",
    "material.print": "打印材料",
    "material.print_batch": "批量打印",
    "unit.register": "单位注册",
    "unit.change_department": "修改归口部门",
    "unit.update_info": "修改单位信息",
    "unit.license": "上传营业执照",
    "unit.seal": "生成单位电子签章",
    "unit.rename": "单位更名",
    "unit.approve": "单位注册审核通过",
    "unit.refuse": "单位注册审核不通过",
    "unit.resubmit": "单位重新提交注册",
    "department.registration_review": "设置注册需审核",
    "login.pending": "登录被拒（单位注册待审核）",
    "login.refused_registration": "登录被拒（单位注册未通过审核）",
    "password.unit_reset_request": "单位申请短信找回密码",
    "password.reset_by_unit_sms": "通过工作人员短信重置单位密码",
    "exam.import": "导入考试成绩",
    "export.job": "导出任务",
    "export.materials": "导出材料",
    "registry.import": "导入单位名录",
    "dict.export": "导出基本代码",
    "dict.receive": "接收更新代码（待确认）",
    "dict.update_codes": "接收更新代码（确认应用）",
    "dict.discard_codes": "放弃接收更新代码",
    "unit_dict.import": "接收原系统数据（单位）",
    "project.commitment": "同意真实性承诺",
    "office.create": "创建职改部门",
    "person.register": "个人注册",
    "meeting.draw": "抽取评委",
    "meeting.assign": "分配评审材料",
    "meeting.conflict": "声明回避",
    "meeting.leader": "指定组长",
    "meeting.start_review": "开始评议",
    "meeting.open_voting": "开始表决",
    "meeting.close": "结束会议",
    "meeting.result": "记录评审结果",
    "meeting.group_opinion": "提交学科组评议意见",
    "board.rule": "修改表决规则",
    "board.add_group": "新增学科组",
    "board.update_group": "修改学科组",
    "expert.activate": "启用专家账号",
    "expert.deactivate": "停用专家账号",
    "certificate.import": "导入历史证书",
    "certificate.issue": "发文并核发证书",
    "certificate.print": "打印证书",
    "certificate.print_batch": "批量打印证书",
    "certificate.revoke": "撤销证书",
    "material.attach": "上传申报附件",
    "material.detach": "删除申报附件",
    "material.person_submit": "个人提交单位",
    "material.revoke_result": "异议成立，撤销结果",
    "material.signoff": "职能部门审核",
    "material.unit_opinion": "填写单位意见",
    "material.unit_return": "退回个人",
    "person.apply": "个人申报",
    "person.delete_account": "删除个人账号",
    "person.join_confirm": "确认人员加入单位",
    "person.join_decline": "拒绝人员加入单位",
    "person.join_request": "申请加入单位",
    "person.join_withdraw": "撤回加入单位申请",
    "publicity.confirm": "评定（公示期满）",
    "publicity.create": "发布公示",
    "publicity.objection": "处理异议",
    "unit.signoff_step": "设置职能部门审核",
    "duplicate.resolve": "登记重复申报处理意见",
    "material.enter": "部门录入申报材料",
    "material.import_update": "导入修改申报材料",
    "material.export_data": "导出申报数据",
    "material.print_brief": "打印评审简表",
    "material.print_qualification": "打印资格审查表",
    "declare.print_list": "打印高中级申报信息",
    "declare.export_list": "导出高中级申报信息",
    "print.blank_form": "打印空白表格",
    "person_record.collect": "从申报材料生成人员信息",
    "person_record.export": "导出人员基本信息",
    "appointment.export": "导出聘任信息",
    "appointment.over_quota": "超比例聘任",
    "post_quota.update": "设置岗位结构比例",
    "post_quota.delete": "清除岗位结构比例",
}

# The object a code starts with, and the verb it ends with.
OBJECTS: dict[str, str] = {
    "account": "账号",
    "material": "申报材料",
    "unit": "单位",
    "department": "部门",
    "project": "申报项目",
    "dict": "字典",
    "registry": "单位名录",
    "unit_dict": "单位字典",
    "person": "个人信息",
    "board": "评委会",
    "meeting": "评审会议",
    "expert": "专家",
    "exam": "考试成绩",
    "export": "导出",
    "eligibility": "可申报资格表",
    "print_template": "打印模板",
    "person_record": "人员基本信息",
    "appointment": "聘任",
    "post_quota": "岗位结构比例",
}
VERBS: dict[str, str] = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "import": "导入",
}

# AuditLog.target_type holds the row's class name.
TARGET_TYPES: dict[str, str] = {
    "User": "账号",
    "Material": "申报材料",
    "Attachment": "附件",
    "ReviewRecord": "审核记录",
    "Project": "申报项目",
    "ProjectAttachment": "项目附件",
    "CommitmentRecord": "真实性承诺",
    "ExamScore": "考试成绩",
    "Department": "部门",
    "Unit": "单位",
    "UnitRegistry": "单位名录",
    "UnitNameChange": "更名记录",
    "ExportJob": "导出任务",
    "Person": "个人",
    "DictItem": "字典项",
    "UnitCode": "单位字典",
    "CodeUpdate": "更新代码",
    "ReviewBoard": "评委会",
    "SubjectGroup": "学科组",
    "Expert": "专家",
    "Meeting": "评审会议",
    "MeetingMaterial": "会议材料",
    "DrawRecord": "抽取记录",
    "SmsCode": "短信验证码",
    "Education": "学历学位",
    "WorkHistory": "工作经历",
    "PersonEducation": "学历学位",
    "PersonWork": "工作经历",
    "PersonTraining": "培训经历",
    "PersonResearch": "研究成果",
    "PersonAssessment": "年度考核",
    "PersonAchievement": "工作业绩",
    "PersonOpenLesson": "公开课",
    "PersonTeaching": "教育教学",
    "SubjectGroupMajor": "学科组专业",
    "MeetingMember": "会议评委",
    "ConflictDeclaration": "回避声明",
    "Ballot": "表决票",
    "BallotReceipt": "投票回执",
    "PersonRecord": "人员基本信息",
    "Appointment": "聘任记录",
    "PostQuota": "岗位结构比例",
    "MeetingResult": "评审结果",
    "Certificate": "证书",
    "IntegrityRecord": "诚信档案",
    "Membership": "所属单位申请",
    "NumberCounter": "证书编号计数",
    "NumberRule": "证书编号规则",
    "Objection": "异议",
    "PublicityBatch": "公示批次",
    "PublicityEntry": "公示对象",
    "Signoff": "职能部门审核意见",
    "SignoffStep": "职能部门审核环节",
    "GroupOpinion": "学科组评议意见",
    "MemberOpinion": "评委评议意见",
    "AuditLog": "审计日志",
    "CaptchaChallenge": "验证码",
    "LoginSession": "登录会话",
    "EligibilityRule": "可申报资格表",
    "DuplicateResolution": "重复申报处理意见",
    "ReturnSnapshot": "退回时材料快照",
    "PrintTemplate": "打印模板",
}


def action_label(code: str) -> str:
    """The Chinese name of an action code; the code itself when none is known."""
    if not code:
        return ""
    if code in ACTIONS:
        return ACTIONS[code]
    obj, _, verb = code.partition(".")
    if obj in OBJECTS and verb in VERBS:
        return f"{VERBS[verb]}{OBJECTS[obj]}"
    return code


def target_label(name: str) -> str:
    return TARGET_TYPES.get(name, name or "")


def action_options() -> list[tuple[str, str]]:
    """(code, name) for the 操作 filter: every named code, ordered by name."""
    codes = set(ACTIONS) | {f"{o}.{v}" for o in OBJECTS for v in VERBS}
    return sorted(((c, action_label(c)) for c in codes), key=lambda pair: (pair[1], pair[0]))


def target_options() -> list[tuple[str, str]]:
    return sorted(TARGET_TYPES.items(), key=lambda pair: pair[1])
