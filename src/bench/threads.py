"""Thread counts that do not depend on the machine: floating-point sums split over threads come out in another
order with another number of threads, so everything whose numbers are recorded (training, fitting, scoring)
runs with one torch thread and one BLAS thread. Parallelism comes from processes instead."""

from __future__ import annotations

import torch
from threadpoolctl import threadpool_limits


class single_thread:
    """One torch thread and one BLAS thread inside the block (restored afterwards)."""

    def __enter__(self) -> None:
        self.threads = torch.get_num_threads()
        torch.set_num_threads(1)
        self.limits = threadpool_limits(limits=1)

    def __exit__(self, *exc: object) -> None:
        self.limits.restore_original_limits()
        torch.set_num_threads(self.threads)
