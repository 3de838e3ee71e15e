"""benchmarks/run_all.py runs benchmarks in lanes; the shared data cache is locked per folder."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(f"_runner_{name}", BENCHMARKS / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


def _script(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(textwrap.dedent(body), encoding="utf-8")


def test_lanes_run_at_once_capture_each_output_and_report_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_all = _load("run_all")
    marks = tmp_path / "marks"
    marks.mkdir()
    # Each script waits until the other has started: with two lanes both end, with one they
    # would wait for ever (the timeout below turns that into a failure).
    for me, other in (("a", "b"), ("b", "a")):
        _script(tmp_path, f"bench_{me}.py", f"""
            import pathlib, sys, time
            marks = pathlib.Path({str(marks)!r})
            (marks / {me!r}).touch()
            deadline = time.time() + 20
            while not (marks / {other!r}).exists():
                if time.time() > deadline:
                    sys.exit(3)
                time.sleep(0.05)
            print("output of {me}")
            sys.exit(0 if {me!r} == "a" else 5)
        """)
    monkeypatch.setattr(run_all, "HERE", tmp_path)
    finished = run_all.run_benchmarks([["bench_a.py"], ["bench_b.py", "--x"]], lanes=2)
    by_command = {one.command: one for one in finished}
    assert set(by_command) == {"bench_a.py", "bench_b.py --x"}
    assert by_command["bench_a.py"].returncode == 0
    assert by_command["bench_a.py"].output.strip() == "output of a"
    assert by_command["bench_b.py --x"].returncode == 5
    assert by_command["bench_b.py --x"].output.strip() == "output of b"


def test_a_missing_benchmark_stops_before_any_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_all = _load("run_all")
    _script(tmp_path, "bench_a.py", f"open({str(tmp_path / 'ran')!r}, 'w').close()\n")
    monkeypatch.setattr(run_all, "HERE", tmp_path)
    with pytest.raises(SystemExit, match="missing benchmark"):
        run_all.run_benchmarks([["bench_a.py"], ["bench_gone.py"]], lanes=2)
    assert not (tmp_path / "ran").exists()


def test_the_folder_lock_makes_a_second_process_wait(tmp_path: Path) -> None:
    def holder(hold: float) -> list[str]:
        code = textwrap.dedent(f"""
            import sys, time
            sys.path.insert(0, {str(BENCHMARKS)!r})
            from bench_pipeline import folder_lock
            from pathlib import Path
            with folder_lock(Path({str(tmp_path)!r}), "data"):
                print("locked", repr(time.time()), flush=True)
                time.sleep({hold})
                print("releasing", repr(time.time()), flush=True)
        """)
        return [sys.executable, "-c", code]

    with subprocess.Popen(holder(1.5), stdout=subprocess.PIPE, text=True) as first:  # noqa: S603
        assert first.stdout is not None
        assert first.stdout.readline().startswith("locked")
        second = subprocess.run(  # noqa: S603
            holder(0), capture_output=True, text=True, check=True, timeout=60
        )
        released = float(first.stdout.readline().split()[1])
    acquired = float(second.stdout.split()[1])
    assert acquired >= released  # it could only lock once the first process let go
