"""The users of ``make load`` (bench/load.py): officers, reviewers and administrators, each signed in with
the session the prepare step made, opening pages and API calls with a think time between. Every request that
does not answer 200 counts as an error, redirects included (a redirect here would be to the login page)."""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115 - read once at import
URLS = PLAN["urls"]


class _Role(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers["Cookie"] = PLAN["cookies"][self.role]

    def open(self, name: str, path: str, *, api: bool = False) -> None:
        accept = "application/json" if api else "text/html"
        with self.client.get(
            path, name=name, headers={"Accept": accept}, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on {path}")

    @task(1)
    def floor(self) -> None:
        self.open("floor", URLS["floor"])


class Officer(_Role):
    weight = 2
    role = "officer"

    @task(3)
    def application_list(self) -> None:
        self.open("officer_application_list", URLS["application_list"])

    @task(2)
    def application(self) -> None:
        self.open("officer_application", URLS["officer_application"])

    @task(2)
    def api_applications(self) -> None:
        self.open("officer_api_applications", URLS["api_applications"], api=True)


class Reviewer(_Role):
    weight = 2
    role = "reviewer"

    @task(4)
    def queue(self) -> None:
        self.open("reviewer_queue", URLS["reviewer_queue"])

    @task(3)
    def review(self) -> None:
        self.open("review", random.choice(URLS["reviews"]))


class Administrator(_Role):
    weight = 1
    role = "administrator"

    @task(3)
    def application_list(self) -> None:
        self.open("application_list", URLS["application_list"])

    @task(2)
    def run_page(self) -> None:
        self.open("run_page", URLS["run_page"])

    @task(1)
    def call_assessment(self) -> None:
        self.open("call_assessment", URLS["call_assessment"])

    @task(1)
    def points(self) -> None:
        self.open("provisional_points", URLS["provisional_points"])

    @task(2)
    def api_applications(self) -> None:
        self.open("api_applications", URLS["api_applications"], api=True)

    @task(1)
    def api_run(self) -> None:
        self.open("api_run", URLS["api_run"], api=True)
