"""benchmarks/bench_scale.py: starting from an ingested workspace, waiting while told to."""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_bench_scale", BENCHMARKS / "bench_scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_skip_ingest_measures_the_runs_diff_and_export_of_the_given_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = _load()
    workspace = tmp_path / "big.duckdb"
    workspace.write_bytes(b"")  # stands for an ingested workspace: no step really runs
    seen: list[tuple[str, list[str], Any]] = []

    def measure(name: str, args: Sequence[str], env: dict[str, str], lock: Any, log: Path,
                quiet: Any = None) -> Any:
        seen.append((name, list(args), quiet))
        return bench.Step(name, 1.0, 0.5, 10.0)

    monkeypatch.setattr(bench, "_measure", measure)
    quiet = tmp_path / "QUIET"
    bench.main(["--customers", "5", "--workspace", str(workspace), "--skip-ingest",
                "--memory-limit", "1GB", "--quiet-file", str(quiet)])
    names = [name for name, _, _ in seen]
    assert names == ["run --as-of 2026-05-31", "run --as-of 2026-06-30", "diff (every scheme)",
                     "diff --scheme abc", "export --features (Parquet)"]
    for _, args, told in seen:
        assert args[args.index("-w") + 1] == str(workspace)
        assert args[args.index("--temp-dir") + 1] == str(tmp_path / "big.spill")
        assert told == quiet
    assert seen[-1][1][-3:] == ["--out", str(tmp_path / "big.parquet"), "--force"]
    assert workspace.exists()  # a workspace given is kept


def test_skip_ingest_needs_an_existing_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = _load()
    with pytest.raises(SystemExit):
        bench.main(["--skip-ingest"])
    assert "--skip-ingest needs --workspace" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.main(["--skip-ingest", "--workspace", str(tmp_path / "missing.duckdb")])
    assert "does not exist" in capsys.readouterr().err


def test_a_step_waits_while_the_quiet_file_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = _load()
    monkeypatch.setattr(bench, "QUIET_POLL_SECONDS", 0.02)
    quiet = tmp_path / "QUIET"
    quiet.touch()
    threading.Timer(0.3, quiet.unlink).start()
    started = time.perf_counter()
    step = bench._measure("true", [sys.executable, "-c", "pass"], {}, None, tmp_path / "log",
                          quiet)
    assert time.perf_counter() - started >= 0.3
    assert step.name == "true" and step.wall < 30
    bench._wait_while(None)  # nothing to wait for
