"""The timing benchmark's tables (`benchmarks/run_all_timing.py`): per-encoder times from the encoders' reports
and the cached spaces, phases per task, an encoder two tasks share counted once in the total."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd

from bench.cache import SpaceCache
from bench.registry import project_home

spec = importlib.util.spec_from_file_location("run_all_timing", project_home() / "benchmarks" / "run_all_timing.py")
timing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(timing)


def report(seed: int | None, train_s: float, fingerprint: str) -> dict:
    return {"seed": seed, "train_s": train_s, "fingerprint": fingerprint}


def space(cache: Path, task: str, encoder: str, fingerprint: str, split: str, encode_s: float) -> None:
    folder = SpaceCache(cache).space_dir(task, encoder, split, fingerprint)
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text(json.dumps({"space": {"encode_s": encode_s}, "sha256": {}}))


def test_encoder_times_and_tables_by_hand(tmp_path: Path) -> None:
    results, cache = tmp_path / "results", tmp_path / "cache"
    (results / "encoders").mkdir(parents=True)
    shared = "c" * 64  # the audio encoder both tasks use, its spaces under the first task only
    (results / "encoders" / "audio.json").write_text(json.dumps({
        "cnn-s0": report(0, 10.0, "a" * 64), "cnn-s1": report(1, 30.0, "b" * 64), "mel-s0": report(0, 100.0, shared),
        "packaged": report(None, 0.0, "d" * 64),
    }))  # fmt: skip
    (results / "encoders" / "pairs.json").write_text(json.dumps({"mel-s0": report(0, 100.0, shared)}))
    for name, fingerprint, train, test in [("cnn-s0", "a", 1.0, 0.5), ("cnn-s1", "b", 2.0, 1.0),
                                           ("mel-s0", "c", 4.0, 4.0), ("packaged", "d", 60.0, 20.0)]:  # fmt: skip
        space(cache, "audio", name, fingerprint * 64, "train", train)
        space(cache, "audio", name, fingerprint * 64, "test", test)
    encoders = timing.encoder_times(results, SpaceCache(cache))
    by = encoders.set_index(["task", "encoder"])
    assert by.loc[("audio", "cnn-s1"), "encode_s"] == 3.0 and by.loc[("audio", "cnn-s1"), "roster"] == "cnn"
    assert by.loc[("pairs", "mel-s0"), "encode_s"] == 8.0  # found in the other task's folder
    assert by.loc[("audio", "packaged"), "roster"] == "packaged" and by.loc[("audio", "packaged"), "train_s"] == 0

    records = pd.DataFrame(
        [dict(task="audio", fit_s=1.0, score_s=2.0)] * 3 + [dict(task="pairs", fit_s=0.5, score_s=0.25)] * 2
    )
    phases, rosters = (t.splitlines()[2:] for t in timing.markdown_tables(records, encoders).split("\n\n"))
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in phases]
    assert cells[0] == ["audio", "3", "4", "140", "92", "3.0", "6.0"]
    assert cells[1] == ["pairs", "2", "1", "100", "8.0", "1.0", "0.5"]
    # the shared encoder once: 10 + 30 + 100 s of training, 1.5 + 3 + 8 + 80 s of encoding
    assert cells[2] == ["**all**", "5", "4", "140", "92", "4.0", "6.5"]
    rows = {tuple(c.strip() for c in row.strip("|").split("|")[:2]): row for row in rosters}
    assert "| 2 " in rows["audio", "cnn"] and "20 (10–30)" in rows["audio", "cnn"]  # median (min–max)
    assert "| —  " in rows["audio", "packaged"]  # a packaged encoder does not train
