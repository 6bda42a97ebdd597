"""The load test's simulated staff (issue #14 "A load test"; the scenario of issue #20 "Capacity under
load"), run by ``bench/load/run.py`` with locust, headless.

Each simulated 工作人员 signs in once (the login form and its CSRF token), waits until every one has,
then clicks every ``wait`` seconds (1–5 s) through a round, starting anywhere in it: the dashboard,
the incident list, one incident of that list, the asset list and the filing form, posting the form
(with its CSRF token) one round in ``file_every``. After ``duration`` seconds of that, the same users click the baseline
page (a signed-in page that is the portal's middleware and base template alone) for another
``duration`` seconds. Between the phases no new click starts until the previous phase's requests
have answered, so each phase is measured on its own. Then the run stops itself and writes every
request (phase, page, milliseconds, error) to ``results``.

Everything comes from the JSON file named by ``LOAD_CONFIG`` (written by the driver or a test):
accounts, password, duration, wait, file_every, baseline, forwarded_proto, sign_in_budget, results.
The portal runs as in production behind its TLS proxy: with ``forwarded_proto = "https"`` the client
sends ``X-Forwarded-Proto: https`` as that proxy does, and returns the ``Secure`` cookies the portal
sets, as a browser does over the proxy's HTTPS. The client is locust's FastHttpUser (geventhttpclient):
the load generator shares the two cores with the server, so it should cost little.
"""

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import gevent
from locust import FastHttpUser, between, events, task

CONFIG = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text(encoding="utf-8"))
PROTO = CONFIG.get("forwarded_proto") or "http"
TIMEOUT = CONFIG.get("timeout", 60)
DRAIN_SECONDS = 30  # longest wait for the previous phase's requests to answer

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INCIDENT_LINK = re.compile(r'href="/incidents/(\d+)/"')
SELECTED = r'<select name="{}"[^>]*>.*?<option value="([^"]*)" selected'
DISCOVERED_AT = re.compile(r'name="discovered_at" value="([^"]+)"')
FIELD_ERROR = re.compile(r'class="invalid-feedback d-block" data-field="(\w+)">([^<]+)<')

accounts = itertools.cycle(CONFIG["accounts"])
state = {"phase": "sign-in", "signed_in": 0, "sign_in_failures": 0, "inflight": 0, "marks": {}}
records = []  # [phase, page, milliseconds, error or None, started (s since the run began)]
perf_origin = time.perf_counter()


class Proxied(DefaultCookiePolicy):
    """The TLS proxy's side of the cookies: the Secure cookies go back over the loopback hop."""

    def return_ok_secure(self, cookie, request):
        return True


class Staff(FastHttpUser):
    default_headers = {"X-Forwarded-Proto": "https"} if PROTO == "https" else None
    network_timeout = connection_timeout = TIMEOUT  # a request slower than this is an error
    wait_time = between(*CONFIG.get("wait", (1, 5)))

    def on_start(self):
        self.username = next(accounts)
        self.origin = f"{PROTO}://{self.host.split('://', 1)[1]}"
        if PROTO == "https":
            self.client.cookiejar.set_policy(Proxied())
        self.rounds = random.randrange(CONFIG["file_every"])  # one in ten files on its first round
        self.step = random.randrange(len(self.ROUND))  # each starts somewhere: every page is sampled
        self.signed_in = False
        self.incidents = []

    # --- one request, measured ------------------------------------------------------------------

    def click(self, page, method, path, expect=200, **kwargs):
        """One request as the phase it starts in; returns the response, or None when it failed."""
        phase = state["phase"]
        error = None
        response = None
        state["inflight"] += 1
        began = time.perf_counter()
        try:
            response = self.client.request(
                method,
                path,
                name=page,
                allow_redirects=False,
                catch_response=True,
                headers={"Referer": self.origin + path, "Origin": self.origin} if method == "POST" else None,
                **kwargs,
            )
            with response:
                error = self.problem(response, expect)
                if error:
                    response.failure(error)
                else:
                    response.success()
        except Exception as exc:  # a timeout or a refused connection is an error of the run
            error = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            state["inflight"] -= 1
        elapsed = 1000 * (time.perf_counter() - began)
        records.append([phase, page, round(elapsed, 1), error, round(began - perf_origin, 3)])
        return None if error else response

    @staticmethod
    def problem(response, expect):
        if not response.status_code or response.headers is None:  # no answer within the timeout
            return f"no answer: {getattr(response, 'error', None)!r}"[:200]
        if response.status_code != expect:
            where = response.headers.get("Location", "")
            detail = "; ".join(f"{name}: {text}" for name, text in FIELD_ERROR.findall(response.text)[:3])
            return f"HTTP {response.status_code} {where} {detail}".strip()
        if expect == 302 and "/login/" in response.headers.get("Location", ""):
            return "sent back to the login page"
        return None

    # --- the pages --------------------------------------------------------------------------------

    def sign_in(self):
        page = self.click("sign-in: form", "GET", "/login/")
        if page is None:
            return False
        token = CSRF.search(page.text)
        data = {"username": self.username, "password": CONFIG["password"], "next": ""}
        data["csrfmiddlewaretoken"] = token.group(1) if token else ""
        return self.click("sign-in: post", "POST", "/login/", expect=302, data=data) is not None

    def incident_list(self):
        response = self.click("incident list", "GET", "/incidents/")
        if response is not None:
            self.incidents = INCIDENT_LINK.findall(response.text) or self.incidents

    def incident(self):
        if self.incidents:
            self.click("incident detail", "GET", f"/incidents/{random.choice(self.incidents)}/")
        else:  # the department has none on the first page: the list again, as a person would
            self.incident_list()

    def filing_form(self):
        form = self.click("filing form", "GET", "/incidents/add/")
        self.rounds += 1
        if form is None or self.rounds % CONFIG["file_every"]:
            return
        html = form.text
        data = {
            "csrfmiddlewaretoken": CSRF.search(html).group(1),
            "title": f"压测上报：{self.username} 第 {self.rounds} 轮",
            "discovered_at": DISCOVERED_AT.search(html).group(1),
            "department": re.search(SELECTED.format("department"), html, re.S).group(1),
            "category": re.search(SELECTED.format("category"), html, re.S).group(1),
            "description": "负载测试提交的事件：办公电脑弹出异常提示，已拔掉网线并保留现场。",
        }
        self.click("file an incident", "POST", "/incidents/add/", expect=302, data=data)

    ROUND = ("dashboard", "incident_list", "incident", "asset_list", "filing_form")

    def dashboard(self):
        self.click("dashboard", "GET", "/")

    def asset_list(self):
        self.click("asset list", "GET", "/assets/")

    # --- the phases -------------------------------------------------------------------------------

    @task
    def next_click(self):
        if not self.signed_in:
            if state["phase"] != "sign-in":
                return  # out of the sign-in budget: this user stays out
            self.signed_in = self.sign_in()
            state["signed_in" if self.signed_in else "sign_in_failures"] += 1
            return
        phase = state["phase"]
        if phase == "mix":
            getattr(self, self.ROUND[self.step % len(self.ROUND)])()
            self.step += 1
        elif phase == "baseline":
            self.click("baseline page", "GET", CONFIG["baseline"])
        # sign-in (the others are still signing in) and drain: no click, only the wait


def mark(name):
    state["marks"][name] = round(time.perf_counter() - perf_origin, 3)


def drain():
    state["phase"] = "drain"
    deadline = time.monotonic() + DRAIN_SECONDS
    while state["inflight"] and time.monotonic() < deadline:
        gevent.sleep(0.1)


def conduct(environment):
    """Sign-in, then the portal's round, then the baseline page, each for ``duration``; then stop."""
    wanted = CONFIG["users"]
    deadline = time.monotonic() + CONFIG.get("sign_in_budget", 120)
    while state["signed_in"] < wanted and time.monotonic() < deadline:
        if not state["signed_in"] and state["sign_in_failures"] >= 3 * wanted:
            break  # nobody can sign in: no use waiting
        gevent.sleep(0.1)
    mark("signed_in")
    if not state["signed_in"]:  # nobody could sign in: nothing to measure
        environment.runner.quit()
        return
    drain()
    for phase in ("mix", "baseline"):
        mark(f"{phase}_start")
        state["phase"] = phase
        gevent.sleep(CONFIG["duration"])
        mark(f"{phase}_end")
        drain()
    environment.runner.quit()


@events.test_start.add_listener
def start_conductor(environment, **kwargs):
    gevent.spawn(conduct, environment)


@events.quitting.add_listener
def write_results(environment, **kwargs):
    result = {"signed_in": state["signed_in"], "marks": state["marks"], "records": records}
    with open(CONFIG["results"], "w", encoding="utf-8") as out:
        json.dump(result, out, ensure_ascii=False)
