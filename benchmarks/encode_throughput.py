"""The embed phase on a device: its encode throughput against a bare `inference_mode` loop over the same
encoder, and the time of a cold run of part of the default suite there.

    python benchmarks/encode_throughput.py --device cuda            # on a GPU machine (target ratio ≥ 0.9)
    python benchmarks/encode_throughput.py --device cpu --suite ""  # the throughput part only, on the CPU

Throughput: for each architecture of the digits roster (its seed-0 network, trained first, on the CPU), the digits
test images repeated to `--rows` rows are encoded by `bench.encoders.build.encode` (what the embed phase calls) and
by the minimal loop `torch.cat([model.encode(b.to(device)) for b in x.split(1024)]).cpu()` under
`torch.inference_mode()`; best of `--repeats` alternating rounds after a warm-up, synchronised on CUDA. `ratio` =
bare s / ours (1 = no overhead). Suite: `python -m bench run --all --task <suite> --device <device>` in a fresh
cache and results folder (cold: training, encoding and scoring), wall time. Writes
`benchmarks/encode_throughput.json` (or `--out`) with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import torch

from bench.cache import SpaceCache
from bench.embed import Embedder
from bench.encoders.build import encode
from bench.plugins import get_task

OUT = Path(__file__).with_name("encode_throughput.json")


def timed(fn: Callable[[], torch.Tensor], device: str) -> tuple[float, torch.Tensor]:
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    start = time.perf_counter()
    out = fn()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start, out


def best_times(fns: list[Callable[[], torch.Tensor]], repeats: int, device: str) -> list[tuple[float, torch.Tensor]]:
    """Each function's best time over `repeats` rounds after one warm-up round; rounds alternate the
    functions, so that load on the machine falls on all of them alike."""
    for fn in fns:
        fn()
    best: list[tuple[float, torch.Tensor]] = [(float("inf"), torch.empty(0))] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            seconds, out = timed(fn, device)
            best[i] = min(best[i], (seconds, out), key=lambda pair: pair[0])
    return best


def throughput(device: str, rows: int, repeats: int, cache: SpaceCache) -> dict[str, dict[str, float]]:
    task = get_task("digits")
    test = task.load_split("test").inputs
    x = test.repeat((rows + len(test) - 1) // len(test), 1, 1, 1)[:rows].contiguous()
    figures = {}
    for spec in (s for s in task.roster() if s.seed == 0):  # one encoder per architecture
        model = Embedder(cache, "cpu").model(task, spec).to(device).eval()

        @torch.inference_mode()
        def bare(model: torch.nn.Module = model) -> torch.Tensor:
            return torch.cat([model.encode(b.to(device)) for b in x.split(1024)]).float().cpu()

        (ours_s, ours), (bare_s, reference) = best_times(
            [lambda model=model: encode(model, x, device=device), bare], repeats, device
        )
        torch.testing.assert_close(ours, reference)
        figures[spec.name] = {
            "rows": rows,
            "ours_s": round(ours_s, 4),
            "bare_s": round(bare_s, 4),
            "rows_per_s": round(rows / ours_s),
            "ratio": round(bare_s / ours_s, 3),
        }
        print(spec.name, figures[spec.name], flush=True)
    return figures


def cold_suite(tasks: str, device: str) -> dict[str, float | str]:
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "bench", "run", "--all", "--task", tasks, "--device", device, "--quiet"]
        command += ["--results", f"{tmp}/results", "--cache", f"{tmp}/cache", "--no-leaderboard"]
        start = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        return {"tasks": tasks, "cold_s": round(time.perf_counter() - start, 1), "summary": done.stdout.strip()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--rows", type=int, default=200_000, help="images encoded per timing")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--suite", default="digits", help="tasks of the cold suite run (empty: none)")
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args()
    machine = f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}"
    if args.device.startswith("cuda"):
        machine += f", {torch.cuda.get_device_name(args.device)}"
    with tempfile.TemporaryDirectory() as tmp:
        figures = {"machine": machine, "device": args.device}
        figures["encode"] = throughput(args.device, args.rows, args.repeats, SpaceCache(Path(tmp)))
    if args.suite:
        figures["suite"] = cold_suite(args.suite, args.device)
    args.out.write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
