"""`make bench` (bench/run.py) runs every benchmark in bench/ and fails when one fails."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _run_module():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_file_is_run():
    run = _run_module()
    commands = " ".join(" ".join(command) for command, _ in run.benchmarks().values())
    for path in BENCH.glob("*.py"):
        if path.stem not in run.NOT_BENCHMARKS:
            assert f"bench/{path.name}" in commands, path.name
        else:  # the runner itself and the copier that makes a large database are tools
            assert f"bench/{path.name}" not in commands, path.name
    assert "bench/seed_demo.sh" in commands


def test_a_failing_benchmark_fails_the_run_and_the_others_still_run(monkeypatch, capsys):
    run = _run_module()
    fake = {
        "breaks": ([sys.executable, "-c", "raise SystemExit(3)"], {}),
        "works": ([sys.executable, "-c", "print('measured')"], {}),
    }
    monkeypatch.setattr(run, "benchmarks", lambda: fake)
    assert run.main([]) == 1
    out = capsys.readouterr().out
    assert "breaks FAILED (exit 3)" in out and "Failed: breaks" in out
    assert "measured" in out or "works" in out
    assert run.main(["works"]) == 0
    assert run.main(["missing"]) == 2
