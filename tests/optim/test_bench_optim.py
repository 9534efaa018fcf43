"""The AdamW benchmark runs end to end on a small problem and writes both result files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

pytest.importorskip("torch")
pytest.importorskip("numba")
from benchmarks import bench_optim  # noqa: E402

pytestmark = pytest.mark.parity


def test_benchmark_writes_json_and_markdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_optim, "RESULTS", tmp_path)
    bench_optim.main(["--n", "5000", "--reps", "2", "--no-compile-time"])
    data = json.loads((tmp_path / "optim.json").read_text())
    rows = {r["implementation"]: r for r in data["rows"]}
    assert {
        "refalgo in-place numba (1 thread)",
        "refalgo in-place numba (2 threads)",
        "refalgo in-place (chunked)",
        "torch AdamW fused (1 thread)",
        "torch AdamW foreach (2 threads)",
    } <= set(rows)
    assert data["meta"]["bytes_moved"] == 7 * 4 * 5000
    assert rows["torch AdamW fused (2 threads)"]["vs_torch_fused"] == 1.0
    assert rows["torch AdamW foreach (1 thread)"]["vs_torch_foreach"] == 1.0
    first = data["meta"]["numba_first_call"]
    assert first["first_call_s"] >= 0 and "compile_from_scratch_s" not in first
    assert "| refalgo in-place numba (2 threads) |" in (tmp_path / "optim.md").read_text()
