"""`python -m bench new-method NAME`: the template and its test pass the suite's tests as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.registry import project_home


def run(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"BENCH_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=600)


def test_new_method_template_registers_and_passes_the_contract_tests(tmp_path) -> None:
    (tmp_path / "baselines").mkdir()
    made = run("-m", "bench", "new-method", "my-ridge", home=tmp_path)
    assert made.returncode == 0, made.stderr
    method_file, test_file = tmp_path / "baselines" / "my_ridge.py", tmp_path / "tests" / "methods" / "test_my_ridge.py"
    assert method_file.is_file() and test_file.is_file()
    assert 'name = "my-ridge"' in method_file.read_text() and "class MyRidge(Method)" in method_file.read_text()
    listed = run("-m", "bench", "ls", "methods", home=tmp_path)
    assert "my-ridge" in listed.stdout
    # the generated test and the generic contract / invariance tests, on the generated method only
    contract = project_home() / "tests" / "methods" / "test_methods.py"
    selected = ["-k", "my-ridge or my_ridge"]
    tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file), str(contract), *selected, home=tmp_path)
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    again = run("-m", "bench", "new-method", "my-ridge", home=tmp_path)
    assert again.returncode == 2 and again.stderr.strip().startswith("error: method 'my-ridge' already exists")


def test_new_method_rejects_bad_names(tmp_path) -> None:
    (tmp_path / "baselines").mkdir()
    bad = run("-m", "bench", "new-method", "My Method", home=tmp_path)
    assert bad.returncode == 2 and "must be lowercase letters and digits" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
