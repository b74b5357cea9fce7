"""Load mix for `bench/load.sh`: units browse, open and submit materials; reviewers pass them.

Accounts come from the city data set (`flask demo-data --scale city`); all use the demo password.
Each simulated user waits LOAD_WAIT_MIN..LOAD_WAIT_MAX seconds between pages (default 1–4 s: someone
reading a list and clicking on); LOAD_WAIT_MIN=0.05 LOAD_WAIT_MAX=0.4 with few users instead drives
the server at saturation. LOAD_SEED fixes which accounts are used and the order of the tasks, so
that runs compare.
"""
from __future__ import annotations

import os
import random
import re

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = os.environ.get("LOAD_PASSWORD", "Demo2026pass")
WAIT = (float(os.environ.get("LOAD_WAIT_MIN", "1")), float(os.environ.get("LOAD_WAIT_MAX", "4")))
random.seed(int(os.environ.get("LOAD_SEED", "2026")))
UNITS = int(os.environ.get("LOAD_UNITS", "5000"))
REVIEWERS = [r for r in os.environ.get("LOAD_REVIEWERS", "").split(",") if r]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ROWID = re.compile(r'name="rowid"[^>]*value="(\d+)"')
DETAILS = re.compile(r'/details/\?id=(\d+)')


class Account(FastHttpUser):
    abstract = True
    wait_time = between(*WAIT)
    username = ""

    def on_start(self):
        self.login()

    def login(self):
        page = self.client.get("/login", name="登录页").text
        token = CSRF.search(page).group(1)
        with self.client.post("/login", data={"username": self.username, "password": PASSWORD,
                                              "csrf_token": token}, name="登录",
                              allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"login {self.username}: {r.status_code}")
        self.token = token

    SESSION_REQUESTS = 60

    def relogin_now_and_then(self):
        """Sessions end and begin all day long: after about SESSION_REQUESTS pages a user logs
        out (POST) and in again, so logins are part of the measured mix (~3% of requests)."""
        if not hasattr(self, "requests"):  # sessions of different ages, not all ending at once
            self.requests = random.randrange(self.SESSION_REQUESTS)
        self.requests += 1
        if self.requests >= self.SESSION_REQUESTS:
            self.requests = 0
            self.client.post("/logout", data={"csrf_token": self.token}, name="退出", allow_redirects=False)
            self.login()

    def page(self, url, name, ok=(200,), parse=False):
        """GET a page; its HTML is decoded (and its CSRF token kept) only when the task needs it,
        so that the load generator spends its CPU on sending requests."""
        self.relogin_now_and_then()
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code not in ok:
                r.failure(f"{url}: {r.status_code}")
                return ""
            r.success()
            if not parse:
                return ""
            token = CSRF.search(r.text or "")
            if token:
                self.token = token.group(1)
            return r.text or ""


class UnitUser(Account):
    weight = 4

    def on_start(self):
        self.username = f"u{random.randrange(UNITS):05d}"
        super().on_start()

    @task(3)
    def home(self):
        self.page("/admin/", "首页")

    @task(3)
    def materials(self):
        html = self.page("/admin/materials/", "管理材料", parse=True)
        ids = DETAILS.findall(html)
        if ids:
            self.page(f"/admin/materials/details/?id={random.choice(ids)}", "材料详情")

    @task(2)
    def tracking(self):
        self.page("/admin/tracking/", "上报材料跟踪")

    @task(1)
    def returned(self):
        self.page("/admin/returned/", "被退回的材料")

    @task(1)
    def submit(self):
        html = self.page("/admin/submit/", "上报材料", parse=True)
        ids = ROWID.findall(html)
        if not ids:
            return
        mid = random.choice(ids)
        self.page(f"/admin/submit/confirm/?id={mid}", "上报确认")
        with self.client.post(f"/admin/submit/confirm/?id={mid}", name="上报",
                              data={"operator_name": "经办人", "operator_phone": "13900001111",
                                    "csrf_token": self.token}, allow_redirects=False, catch_response=True) as r:
            if r.status_code not in (200, 302):
                r.failure(f"submit: {r.status_code}")


class Reviewer(Account):
    weight = 1

    def on_start(self):
        self.username = random.choice(REVIEWERS)
        super().on_start()

    @task(2)
    def home(self):
        self.page("/admin/", "首页")

    @task(4)
    def queue(self):
        html = self.page("/admin/review/", "待审核材料", parse=True)
        ids = ROWID.findall(html)
        if ids:
            # 404 when a colleague passed it in between: it is no longer waiting here.
            self.page(f"/admin/review/details/?id={random.choice(ids)}", "审核详情", ok=(200, 404))

    @task(1)
    def pass_one(self):
        html = self.page("/admin/review/", "待审核材料", parse=True)
        ids = ROWID.findall(html)
        if not ids:
            return
        with self.client.post("/admin/review/action/", name="审核通过",
                              data={"action": "pass", "rowid": random.choice(ids), "csrf_token": self.token},
                              allow_redirects=False, catch_response=True) as r:
            if r.status_code not in (200, 302):
                r.failure(f"pass: {r.status_code}")
