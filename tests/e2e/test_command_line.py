"""The command line as a user meets it: whole option names only, filters that match nothing and bad values as
one-line errors naming what exists, broken plug-ins reported by `run`, a non-zero exit when cells fail, a dry
run that runs nothing, JSON and CSV output, files written with the user's umask, `ls` answered from its index
without importing torch, unreadable record files redone by `run` and named by the report, and records of
encoders that have changed since redone by `run` and left out of the report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers import CI_MANIFEST, bench

RUN = ["run", "--manifest", str(CI_MANIFEST), "--quiet"]
TWO_ENCODERS = ["--encoder", "mlp-s0,mlp-s1"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--anchor", "10"],
         "error: python -m bench: unrecognized arguments: --anchor 10 (see python -m bench --help)"),
        (["--anchors", "7"], "error: --anchors 7 matches nothing in manifest 'ci': it runs 0, 10, 300"),
        (["--seeds", "9"], "error: --seeds 9 matches nothing in manifest 'ci': it runs 0"),
        (["--encoder", "nosuch-s0"],
         "error: --encoder nosuch-s0 matches no encoder of the tasks of manifest 'ci'; did you mean 'cnn-s0'?"),
        (["--method", "procrustes", "--anchors", "0"],
         "error: the filters together select no cell of manifest 'ci' (each matches something on its own)"),
        (["--anchors", "abc"],
         "error: python -m bench run: argument --anchors: expected comma-separated whole numbers ≥ 0 (e.g. 10,300), "
         "got 'abc' (see python -m bench run --help)"),
        (["--jobs", "0"],
         "error: python -m bench run: argument -j/--jobs: expected a whole number of processes ≥ 1, got '0' "
         "(see python -m bench run --help)"),
    ],
)  # fmt: skip
def test_bad_options_and_empty_filters_are_one_line_errors(args, expected, cache_dir, tmp_path, capsys) -> None:
    from bench.__main__ import main

    status = main([*RUN, "--results", str(tmp_path), "--cache", str(cache_dir), *args])
    out, err = capsys.readouterr()
    assert status == 2 and err.strip() == expected and not out


def test_version(cache_dir) -> None:
    from bench import __version__

    assert bench("--version", cache=cache_dir).stdout.strip() == f"latent-bench {__version__}"


BROKEN_TASK = "from bench.tasks import Task\n\nclass Broken(Task)\n    name = 'broken'\n"
RAISES = """
from bench.methods import Method


class Raises(Method):
    name = "raises"

    def fit(self, source_anchors, target_anchors, **unpaired):
        raise RuntimeError("boom")
"""


def test_run_reports_broken_plugins_and_exits_non_zero_when_cells_fail(cache_dir, tmp_path) -> None:
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "broken.py").write_text(BROKEN_TASK)
    (tmp_path / "methods").mkdir()
    (tmp_path / "methods" / "raises.py").write_text(RAISES)
    env = {"BENCH_TASKS_PATH": str(tmp_path / "tasks"), "BENCH_BASELINES_PATH": str(tmp_path / "methods")}
    unknown = bench(*RUN, "--task", "broken", "--results", str(tmp_path / "r"), cache=cache_dir, check=False, env=env)
    assert unknown.returncode == 2
    warning, error = unknown.stderr.strip().splitlines()
    assert warning.startswith("warning: plug-in skipped: tasks/broken.py: failed to import (SyntaxError")
    assert error.startswith("error: unknown task 'broken'") and "1 plug-in(s) failed to import" in error
    args = ["--method", "raises,procrustes", "--anchors", "10", *TWO_ENCODERS, "--results", str(tmp_path / "r")]
    failed = bench(*RUN, *args, "--no-leaderboard", cache=cache_dir, check=False, env=env)
    assert failed.returncode == 1, failed.stderr
    assert "4 failed, 4 ok" in failed.stdout
    assert failed.stderr.strip().splitlines()[-1] == "error: 4 cells failed; `--retry-failed` redoes them"


def run_main(*args: str, capsys) -> str:
    """`python -m bench ARGS` in this process (exit status 0): what it printed."""
    from bench.__main__ import main

    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_dry_run_counts_cells_and_estimates_from_records(ci_run, cache_dir, capsys) -> None:
    root, _ = ci_run
    results = root / "results"
    before = {p: p.stat().st_mtime_ns for p in (results / "records").rglob("*.json")}
    at = ["--results", str(results), "--cache", str(cache_dir)]
    plan = run_main(*RUN, *at, "--dry-run", "--force", "--method", "procrustes,relative", capsys=capsys)
    twice = ["--method", "procrustes", "--method", "relative"]
    repeated = run_main(*RUN, *at, "--dry-run", "--force", *twice, capsys=capsys)
    assert repeated == plan  # a repeated filter adds its values, as the comma-separated list does
    # 20 ordered pairs (16 of the four encoders trained on labels, 4 of the two relative-trained MLPs) × 2 anchor counts
    assert plan.startswith("dry run of manifest 'ci': 80 cells, 0 already recorded, 80 to run")
    assert "procrustes        40" in plan and "relative          40" in plan
    assert "encoders to train: 0" in plan and "scoring ≈" in plan and "(80 cells, " in plan
    nothing = run_main(*RUN, *at, "--dry-run", capsys=capsys)
    assert "820 already recorded, 0 to run" in nothing and "estimated time: nothing to do" in nothing
    fresh = run_main(
        *RUN, "--results", str(results), "--dry-run", "--force", "--cache", str(results / "none"), capsys=capsys
    )
    assert "encoders to train: 6 (digits 6)" in fresh and "(6 of 6 encoders from earlier reports)" in fresh
    assert before == {p: p.stat().st_mtime_ns for p in (results / "records").rglob("*.json")}
    assert not (results / "none").exists()


def test_json_and_csv_outputs(ci_run, cache_dir, capsys) -> None:
    root, _ = ci_run
    methods = json.loads(run_main("ls", "methods", "--json", capsys=capsys))
    assert {"procrustes", "relative"} <= {m["method"] for m in methods}
    tasks = {t["task"]: t for t in json.loads(run_main("ls", "tasks", "--json", capsys=capsys))}
    assert tasks["digits"]["available"] == "yes" and tasks["digits"]["main score"] == "stitched_ratio"
    results = str(root / "results")
    compare = ["compare", "procrustes", "--against", "relative", "--results", results, "--format"]
    rows = json.loads(run_main(*compare, "json", capsys=capsys))
    assert {r["anchors"] for r in rows} == {10, 300} and all(
        r["ci_low"] <= r["mean_diff"] <= r["ci_high"] for r in rows
    )
    csv = run_main(*compare, "csv", capsys=capsys).splitlines()
    assert (
        csv[0].startswith("task,metric,method,against,anchors,paired_cells,mean_diff,ci_low,ci_high") and len(csv) == 3
    )


def test_files_follow_the_users_umask(ci_run, cache_dir, tmp_path) -> None:
    umask = 0o027  # group may read, others nothing (the default 0o022 would not tell 0o644 from a fixed mode)
    env = os.environ | {"BENCH_CACHE": str(cache_dir)}
    args = [sys.executable, "-m", "bench", *RUN, "--method", "procrustes", "--anchors", "10", *TWO_ENCODERS,
            "--results", str(tmp_path / "results"), "--out", str(tmp_path / "board.md")]  # fmt: skip
    subprocess.run(args, env=env, check=True, capture_output=True, preexec_fn=lambda: os.umask(umask))
    written = [*(tmp_path / "results" / "records").rglob("*.json"), tmp_path / "results" / "results.csv",
               tmp_path / "board.md"]  # fmt: skip
    assert len(written) == 6
    assert {oct(p.stat().st_mode & 0o777) for p in written} == {oct(0o666 & ~umask)}


def test_ls_answers_from_its_index_without_importing_torch(cache_dir) -> None:
    bench("ls", "methods", cache=cache_dir)  # builds the index if the plug-ins changed
    env = os.environ | {"BENCH_CACHE": str(cache_dir)}
    imports = subprocess.run([sys.executable, "-X", "importtime", "-m", "bench", "ls", "tasks"], env=env,
                             capture_output=True, text=True, check=True).stderr  # fmt: skip
    imported = {line.split("|")[-1].strip() for line in imports.splitlines() if "|" in line}
    assert "bench.listing" in imported and "torch" not in imported


def test_unreadable_records_are_redone_and_reported(ci_run, cache_dir, tmp_path) -> None:
    from bench.report.table import collect

    root, _ = ci_run
    results = tmp_path / "results"
    shutil.copytree(root / "results" / "records", results / "records")
    files = sorted((results / "records" / "digits").glob("*.json"))
    files[0].write_text(files[0].read_text()[:100])  # truncated
    files[1].write_text("")  # empty
    files[2].write_text(files[3].read_text())  # another cell's record
    assert sorted(collect(results).attrs["unreadable"]) == sorted(f"records/digits/{f.name}" for f in files[:3])
    proc = bench(*RUN, "--results", str(results), "--no-leaderboard", cache=cache_dir)
    assert "820 cells: 817 already recorded (3 unreadable record files redone); ran: " in proc.stdout
    assert collect(results).attrs["unreadable"] == []
    assert all(json.loads(f.read_text())["id"] == f.stem for f in files[:3])


def test_records_of_changed_encoders_are_redone_and_left_out_of_the_report(ci_run, cache_dir, tmp_path) -> None:
    from bench.report.table import collect

    root, _ = ci_run
    results = tmp_path / "results"
    shutil.copytree(root / "results" / "records", results / "records")
    shutil.copytree(root / "results" / "encoders", results / "encoders")
    files = sorted((results / "records" / "digits").glob("*.json"))
    reports = json.loads((results / "encoders" / "digits.json").read_text())

    def names_its_encoders(path) -> bool:
        record = json.loads(path.read_text())
        return all(record[f"{s}_fingerprint"] == reports[record[s]]["fingerprint"] for s in ("source", "target"))

    assert all(names_its_encoders(f) for f in files)  # the fingerprints of the encoders it was scored on

    def edit(path, change) -> None:
        path.write_text(json.dumps(change(json.loads(path.read_text()))))

    edit(files[0], lambda r: r | {"target_fingerprint": "0" * 64})
    edit(files[1], lambda r: r | {"source_fingerprint": "1" * 64})
    # a record written before records named fingerprints cannot tell: kept
    edit(files[2], lambda r: {k: v for k, v in r.items() if not k.endswith("_fingerprint")})
    assert collect(results).attrs["changed"] == 2
    dry = bench(*RUN, "--results", str(results), "--dry-run", cache=cache_dir)
    assert "2 records of changed encoders would be redone" in dry.stdout
    proc = bench(*RUN, "--results", str(results), "--no-leaderboard", cache=cache_dir)
    assert "820 cells: 818 already recorded (2 records of changed encoders redone); ran: 2 ok" in proc.stdout
    assert collect(results).attrs["changed"] == 0
    assert names_its_encoders(files[0]) and names_its_encoders(files[1])  # redone on the encoders as they are
    assert "source_fingerprint" not in json.loads(files[2].read_text())
