"""Correspondences between unpaired samples of two spaces, by optimal transport (POT).

Plans are couplings P (n × m) between uniform weights on the two sample sets; a plan is turned into
correspondences either softly (the barycentric target n·P Y of each source sample) or as the mutual best
matches (i, j): j is row i's largest entry and i is column j's largest entry. POT runs in float64 on the
CPU; its solvers are deterministic.
"""

from __future__ import annotations

import numpy as np
import ot
import torch
from torch import Tensor

from bench.preprocessing import EPS


def _numpy(x: Tensor) -> np.ndarray:
    return x.detach().to("cpu", torch.float64).numpy()


def _uniform(n: int) -> np.ndarray:
    return np.full(n, 1.0 / n)


def _normalised(cost: Tensor) -> np.ndarray:
    c = _numpy(cost)
    return c / max(float(c.max()), EPS)


def exact_plan(cost: Tensor) -> Tensor:
    """argmin_P ⟨P, C⟩ over couplings of uniform weights (a permutation / n when n = m)."""
    c = _numpy(cost)
    return torch.from_numpy(ot.emd(_uniform(c.shape[0]), _uniform(c.shape[1]), c)).to(cost)


def entropic_plan(cost: Tensor, reg: float) -> Tensor:
    """argmin_P ⟨P, C/max C⟩ − reg·H(P) over couplings of uniform weights (Sinkhorn–Knopp; the cost is
    scaled to [0, 1], so exp(−C/reg) does not underflow for reg ≥ 0.01)."""
    c = _normalised(cost)
    plan = ot.sinkhorn(_uniform(c.shape[0]), _uniform(c.shape[1]), c, reg, numItermax=2000, warn=False)
    return torch.from_numpy(plan).to(cost)


def gromov_plan(x: Tensor, y: Tensor, init: Tensor | None = None) -> Tensor:
    """Gromov–Wasserstein coupling of two sample sets from their own pairwise distances only:

    argmin_P Σ_{i,j,k,l} (D_x[i,k] − D_y[j,l])² P[i,j] P[k,l],   D = Euclidean distances / their mean

    so it needs no common coordinates (nor equal dimensions). A local minimum, reached from the coupling
    `init` (default: the independent coupling)."""
    dx, dy = torch.cdist(x, x), torch.cdist(y, y)
    dx, dy = _numpy(dx / dx.mean().clamp_min(EPS)), _numpy(dy / dy.mean().clamp_min(EPS))
    start = None if init is None else _numpy(init)
    plan = ot.gromov.gromov_wasserstein(dx, dy, _uniform(len(dx)), _uniform(len(dy)), "square_loss", G0=start)
    return torch.from_numpy(plan).to(x)


def barycentric(plan: Tensor, y: Tensor) -> Tensor:
    """Each source sample's transported target: row i of P Y / row sum i."""
    return (plan @ y) / plan.sum(dim=1, keepdim=True).clamp_min(EPS)


def mutual_matches(plan: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(rows, columns, plan weights) of the mutual best matches, strongest first."""
    best_col = plan.argmax(dim=1)
    best_row = plan.argmax(dim=0)
    rows = torch.nonzero(best_row[best_col] == torch.arange(len(plan), device=plan.device)).flatten()
    cols = best_col[rows]
    weights = plan[rows, cols]
    order = torch.argsort(weights, descending=True, stable=True)
    return rows[order], cols[order], weights[order]
