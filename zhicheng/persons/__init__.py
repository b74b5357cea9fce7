"""个人端: people who register themselves (account kind "person") and keep their own 个人档案.

models.py holds the profile, the SMS codes, the 档案 sections, the 所属单位 requests and the
unit's 职能部门 sign-off steps; sms.py the provider interface and the 验证码 rules; services.py
registration and the login look-up; routes.py the public pages (注册, 获取验证码, 用户协议, 隐私政策);
admin.py the 档案 pages, each seen by its owner only. membership.py is 所属单位 (ask, confirm,
decline, history); applications.py the 个人申报 (a copy of the 档案, files by category, 提交) and
the unit's 单位意见 and sign-off steps; notify.py the 申报进度 messages; account.py 删除账号;
apply_admin.py the person's 申报 pages, unit_admin.py the unit's. State changes go through
zhicheng.review.workflow.
"""
