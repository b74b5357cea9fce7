"""个人端: people who register themselves (account kind "person") and keep their own 个人档案.

models.py holds the profile, the SMS codes and the 档案 sections; sms.py the provider interface
and the 验证码 rules; services.py registration and the login look-up; routes.py the public pages
(注册, 获取验证码, 用户协议, 隐私政策); admin.py the 档案 pages, each seen by its owner only.
"""
