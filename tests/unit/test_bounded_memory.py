"""Scoring a 20,000-row space holds no N × N matrix: every protocol runs in a process whose address space may
grow by less than one N × N float32 matrix (1.6 GB) over what the inputs and the interpreter already take.

The spaces are random: what is measured is memory, which depends on the shapes alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

N = 20_000

SCRIPT = textwrap.dedent(
    f"""
    import resource, torch
    torch.set_num_threads(1)
    from bench.protocols import CellView, Target, PROTOCOLS, raw_similarity

    gen = torch.Generator().manual_seed(0)
    n, d, classes = {N}, 64, 20
    labels = torch.randint(0, classes, (n,), generator=gen)
    source = torch.randn(n, d, generator=gen)
    target = Target(torch.randn(n, d, generator=gen), labels, torch.randn(n, d, generator=gen), labels, classes)
    native = target
    view = CellView(source, target, native, lambda: raw_similarity(source, target.test))
    head = target.head()  # fitted before the cap: the head's memory is O(n · d), asserted by its own tests
    with open("/proc/self/status") as f:
        vm = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize"))
    budget = n * n * 4 // 2  # half an N × N float32 matrix
    resource.setrlimit(resource.RLIMIT_AS, (vm + budget, vm + budget))
    scores = {{}}
    for name in ("stitched_classification", "translation_fidelity", "cross_modal_retrieval", "similarity"):
        scores |= PROTOCOLS.get(name).score(view)
    print(len(scores), "metrics under a cap of", budget // 2**20, "MiB over", vm // 2**20, "MiB")
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_protocols_score_twenty_thousand_rows_in_bounded_memory() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "metrics under a cap of 762 MiB" in proc.stdout
