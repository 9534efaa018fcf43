"""The site is built strictly once per test session, shared by the pytest-xdist workers."""

from __future__ import annotations

import fcntl
import json
from pathlib import Path

import pytest

from sitecheck import ROOT, Build, mkdocs_build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Build:
    """``mkdocs build --strict`` of the real site into a temporary directory.

    Under pytest-xdist every worker asks for it; the first one builds while holding a
    lock in the directory the workers share, the others read the recorded outcome.
    """
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    record = shared / "site-build.json"
    with open(shared / "site-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            build = mkdocs_build(ROOT / "mkdocs.yml", shared / "site")
            record.write_text(json.dumps({"returncode": build.returncode, "log": build.log, "seconds": build.seconds}))
        fields = json.loads(record.read_text())
    return Build(shared / "site", fields["returncode"], fields["log"], fields["seconds"])


@pytest.fixture(scope="session")
def site(built_site: Build) -> Path:
    """The built site's directory; fails every test that needs it when the build failed."""
    if built_site.returncode != 0:
        pytest.fail(f"the site did not build (see test_strict_build):\n{built_site.tail(30)}", pytrace=False)
    return built_site.site
