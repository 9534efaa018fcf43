"""Expensive docs fixtures run once per test session, shared by the pytest-xdist workers.

The site build, the browser check of the built site and the small builds and pages of
the checker tests each run once: the first worker to need one computes it while
holding a lock in the directory the workers share and records the result as JSON; the
others read the record.
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.docs.sitecheck import ROOT, Build, Once, build_record, from_record, html_pages, mkdocs_build, run_checker, serve


@pytest.fixture(scope="session")
def once(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Once:
    """``once(name, compute)``: ``compute(scratch_dir)`` run by one worker, its JSON result shared."""
    shared = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):  # a pytest-xdist worker: share the run's directory
        shared = shared.parent

    def run(name: str, compute: Callable[[Path], Any]) -> Any:
        record = shared / f"{name}.json"
        with open(shared / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not record.exists():
                scratch = shared / name
                scratch.mkdir(exist_ok=True)
                record.write_text(json.dumps(compute(scratch)), encoding="utf-8")
            return json.loads(record.read_text(encoding="utf-8"))

    return run


@pytest.fixture(scope="session")
def built_site(once: Once) -> Build:
    """``mkdocs build --strict`` of the real site into a temporary directory."""
    return from_record(once("site-build", lambda d: build_record(mkdocs_build(ROOT / "mkdocs.yml", d / "site"))))


@pytest.fixture(scope="session")
def site(built_site: Build) -> Path:
    """The built site's directory; fails every test that needs it when the build failed."""
    if built_site.returncode != 0:
        found = "\n".join(built_site.warnings()) or built_site.tail(20)
        pytest.fail(f"the site did not build (see test_strict_build):\n{found}", pytrace=False)
    return built_site.site


def _check_site(site: Path) -> dict[str, Any]:
    with serve(site) as base:
        start = time.perf_counter()
        report = run_checker(base, html_pages(site))
        report["seconds"] = time.perf_counter() - start
    return report


@pytest.fixture(scope="session")
def browser_report(site: Path, once: Once) -> dict[str, Any]:
    """check_site.mjs's report on every page of the built site."""
    report: dict[str, Any] = once("browser-check", lambda _: _check_site(site))
    return report
