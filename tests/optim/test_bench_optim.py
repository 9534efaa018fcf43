"""The AdamW benchmark runs end to end on a small problem and writes both result files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

pytest.importorskip("torch")
from benchmarks import bench_optim  # noqa: E402

pytestmark = pytest.mark.parity


def test_benchmark_writes_json_and_markdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_optim, "RESULTS", tmp_path)
    bench_optim.main(["--n", "5000", "--reps", "2"])
    data = json.loads((tmp_path / "optim.json").read_text())
    names = {r["implementation"] for r in data["rows"]}
    assert {"refalgo in-place (chunked)", "torch AdamW fused", "torch AdamW foreach"} <= names
    assert data["meta"]["bytes_moved"] == 7 * 4 * 5000
    fused = next(r for r in data["rows"] if r["implementation"] == "torch AdamW fused")
    assert fused["vs_torch_fused"] == 1.0
    assert "| refalgo in-place (chunked) |" in (tmp_path / "optim.md").read_text()
