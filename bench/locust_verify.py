"""Public pages under load for `bench/load_verify.sh`: 证书查询 (GET the form, POST a query) and
the 公示 pages, as many people from many addresses do after a 发文.

Each simulated visitor has an address of its own (sent as X-Forwarded-For; the server runs with
PROXY_COUNT=1 as behind nginx), so the per-address rate limit (VERIFY_RATE_LIMIT) and the captcha
after VERIFY_CAPTCHA_FAILURES answers of "not found" apply per visitor as they would in the city.
Visitors mistype now and then (one query in eight misses on the name), at most twice each, so
nobody is sent to the captcha. Certificates to ask for come from LOAD_CERTS (a JSON file of
[证书编号, 姓名, 查询码] written by load_verify.sh), 公示 batches from LOAD_BATCHES.
"""
from __future__ import annotations

import json
import os
import random
import re

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

WAIT = (float(os.environ.get("LOAD_WAIT_MIN", "1")), float(os.environ.get("LOAD_WAIT_MAX", "2.5")))
CERTS = json.load(open(os.environ["LOAD_CERTS"], encoding="utf-8"))
BATCHES = [int(b) for b in os.environ.get("LOAD_BATCHES", "").split(",") if b]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FOUND = 'id="verify-state"'  # the answer's 状态 row
_next_address = iter(range(1, 10**7))


class Visitor(FastHttpUser):
    wait_time = between(*WAIT)

    def on_start(self):
        n = next(_next_address)
        self.headers = {"X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"}
        self.rng = random.Random(n)
        self.misses = 0
        self.fresh_form()

    def fresh_form(self):
        page = self.client.get("/verify", name="证书查询页", headers=self.headers).text
        self.token = CSRF.search(page).group(1)

    @task(6)
    def verify(self):
        number, name, code = self.rng.choice(CERTS)
        miss = self.misses < 2 and self.rng.random() < 1 / 8
        if miss:
            self.misses += 1
            name = name[:1] + "某某"
        with self.client.post("/verify", data={"no": number, "name": name, "code": code, "csrf_token": self.token},
                              name="证书查询" + ("（未查到）" if miss else ""), headers=self.headers,
                              catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
            elif miss == (FOUND in r.text):
                r.failure("wrong answer")

    @task(1)
    def verify_page(self):
        self.fresh_form()

    @task(2)
    def publicity_index(self):
        self.client.get("/publicity/", name="公示列表", headers=self.headers)

    @task(2)
    def publicity_batch(self):
        if BATCHES:
            self.client.get(f"/publicity/{self.rng.choice(BATCHES)}", name="公示名单", headers=self.headers)
