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

from tests.docs.sitecheck import (
    ROOT,
    Build,
    Once,
    build_record,
    from_record,
    html_pages,
    mkdocs_build,
    run_checker,
    serve,
    start_background_build,
    wait_for_background_build,
)

# The fixtures that need the real site built.
SITE_FIXTURES = frozenset({"built_site", "site", "browser_report"})


def _shared_dir(config: pytest.Config) -> Path:
    """The directory every worker of this run shares (the run's base temporary directory)."""
    base: Path = getattr(config, "_tmp_path_factory").getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the tests that need the built site last, and start its build in the background now.

    Every worker collects the same items in the same order (pytest-xdist requires it), so
    the stable sort below is the same everywhere. The first worker here starts the build;
    the others see its marker. Runs after deselection (trylast), so a run that selects no
    site test builds nothing.
    """
    needs_site = [item for item in items if SITE_FIXTURES & set(getattr(item, "fixturenames", ()))]
    if not needs_site:
        return
    items.sort(key=lambda item: bool(SITE_FIXTURES & set(getattr(item, "fixturenames", ()))))
    shared = _shared_dir(config)
    with open(shared / "site-build-start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        marker = shared / "site-build.started"
        if not marker.exists() and not (shared / "site-build.json").exists():
            marker.write_text(str(start_background_build(shared).pid), encoding="utf-8")


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
def built_site(once: Once, request: pytest.FixtureRequest) -> Build:
    """``mkdocs build --strict`` of the real site into a temporary directory.

    Read from the background build started at collection when there is one; built here
    otherwise (or if the background build ended without a record).
    """
    shared = _shared_dir(request.config)

    def build(scratch: Path) -> dict[str, Any]:
        marker = shared / "site-build.started"
        if marker.exists():
            fields = wait_for_background_build(shared, int(marker.read_text(encoding="utf-8")))
            if fields is not None:
                return fields
        return build_record(mkdocs_build(ROOT / "mkdocs.yml", scratch / "site"))

    return from_record(once("site-build", build))


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
