"""The cost of the projectors' heads: `bench.heads.fit_head` on the target side of every projector method (the
features a relative-family cell's head is fitted on), per anchor count, on one task's cached spaces. In the
default suite these heads are most of the communicate phase (one per group and method: a group of 247 cells on
fashion-mnist at 300 anchors spends 350 s in one `product-concat` head, 1,200 features × 6,000 samples).

    python benchmarks/head_cost.py --task digits --target mlp-s1    # writes benchmarks/head_cost_<task>.json

One thread; seconds, Newton steps and features per head, and the seconds of one Hessian-vector product at the
largest feature count (the unit of the head's cost: Newton–CG needs hundreds to thousands of them).

Where the products go, and what did not reduce them (fashion-mnist, target `cnn-s0`, 300 anchors, seed 0): the
`relative` head takes 11 Newton steps and 1,120 products, 2 to 16 per step until ‖∇‖∞ ≈ 1e-3, then 250 (the CG
cap) in each of the last three — near the optimum few samples carry the Hessian's weight p(1 − p). Preconditioning
CG with the features' correlation scaled per class (one eigendecomposition per head) gave 1,137 products; with the
exact per-class diagonal blocks of the Hessian (a Cholesky per class per step) 431, in more time (2.6 s against
2.3 s). Hessian products in float32 inside CG (gradient and line search in float64) took 2–14 more Newton steps, from
17 % less to 49 % more time (`relative`, `relative-l1`, `product-concat` into `cnn-s0` and `mlp-s0`). Stopping
earlier moves predictions: at ‖∇‖∞ ≤ 1e-5 one of 1,000 test predictions changes (`product-concat`), at 1e-4 up to
9, at 1e-3 up to 17 — so the tolerance stays at 1e-6.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import torch

from bench.cache import SpaceCache, cache_root
from bench.cells import draw_anchors
from bench.communicate import Communicator
from bench.executors import single_thread
from bench.heads import Objective, Standardised, fit_head
from bench.plugins import get_method_class, get_task, plugins


def projectors() -> list[str]:
    return sorted(m for m in plugins().methods.names() if get_method_class(m).family == "projector")


def hessian_product_s(x: torch.Tensor, n_classes: int, repeats: int = 20) -> float:
    """Seconds of one Hessian-vector product of the head's objective (`bench.heads.Objective`) on features `x`
    (standardised, plus the bias column), at random class probabilities."""
    z = Standardised(x.double())
    labels = torch.arange(len(x)) % n_classes
    objective = Objective(z, torch.nn.functional.one_hot(labels, n_classes).double(), 1.0 / len(x))
    logits = torch.randn(len(x), n_classes, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    p = torch.softmax(logits, dim=1)
    v = torch.ones(z.shape[1], n_classes, dtype=torch.float64)
    start = time.perf_counter()
    for _ in range(repeats):
        objective.hessian_times(p, v)
    return (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="digits")
    parser.add_argument("--target", default="mlp-s1")
    parser.add_argument("--anchors", type=int, nargs="+", default=[10, 100, 300])
    args = parser.parse_args()
    task = get_task(args.task)
    communicator = Communicator(SpaceCache(cache_root()))
    native = communicator._native(args.task, args.target)
    train = communicator._spaces(args.task, args.target)["train"]
    heads, largest = [], None
    with single_thread():
        for k in args.anchors:
            anchors = communicator.rows(train, draw_anchors(train.ids, k, 0))
            for name in projectors():
                torch.manual_seed(0)
                method = get_method_class(name)().fit(anchors, anchors)
                features = method.target(native.train).detach()
                start = time.perf_counter()
                head = fit_head(features, native.train_labels, task.n_classes)
                seconds = time.perf_counter() - start
                heads.append({"method": name, "anchors": k, "features": features.shape[1], "seconds": round(seconds, 3),
                              "newton_steps": head.newton_steps})  # fmt: skip
                print(heads[-1], flush=True)
                if largest is None or features.shape[1] > largest.shape[1]:
                    largest = features
        product = hessian_product_s(largest, task.n_classes)
    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}",
        "task": args.task, "target": args.target, "train_samples": len(native.train),
        "hessian_product_s": {"features": largest.shape[1], "seconds": round(product, 5)},
        "heads": heads, "total_s": round(sum(h["seconds"] for h in heads), 2),
    }  # fmt: skip
    out = Path(__file__).with_name(f"head_cost_{args.task}.json")
    out.write_text(json.dumps(figures, indent=1) + "\n")
    print(out)


if __name__ == "__main__":
    main()
