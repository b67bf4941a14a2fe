"""Anchor-free translation: Gromov–Wasserstein initialisation, then iterated Procrustes.

No parallel data at all: only unpaired samples X_u (source) and Y_u (target), standard-scaled and
zero-padded as in latent space translation (T_x, T_y fitted on each side's own samples).

1. A Gromov–Wasserstein coupling P₀ of X̂_u and Ŷ_u matches the two sets by their internal distances
   alone (Mémoli 2011; Alvarez-Melis & Jaakkola, EMNLP 2018, for embedding spaces).
2. R₀ = argmin_{RᵀR = I} ‖X̂_u R − B(P₀)‖_F, the Procrustes fit to the barycentric targets
   B(P) = diag(P 1)⁻¹ P Ŷ_u.
3. Refinement, up to `refinements` times, until the matching is stable: P_t = the exact OT plan of the
   cost ‖x̂_i R_{t−1} − ŷ_j‖², R_t = Procrustes(X̂_u, B(P_t)) (Grave, Joulin & Berthet, AISTATS 2019,
   "Wasserstein Procrustes").

Gromov–Wasserstein is non-convex, and a clustered space has many local minima (clusters that are
interchangeable by their distances alone). So steps 1–3 run from `restarts` initial couplings — the
independent coupling and random permutations, from a fixed generator — each with `probe` refinement
steps; the run whose alignment cost ‖X̂_u R − B(P)‖² is lowest (no labels involved) is refined to the
end. A run stuck in a wrong minimum stitches near or below chance.

Mapping: source(x) = T_y⁻¹(T_x(x) R). The anchors, if any, are ignored: the method runs at anchor count 0.
"""

from typing import Self

import numpy as np
import torch
from torch import Tensor

from bench.matching import barycentric, exact_plan, gromov_plan, random_coupling
from bench.methods import Properties
from bench.translation import ScaledTranslator, orthogonal_procrustes


class GromovProcrustes(ScaledTranslator):
    name = "gw-procrustes"
    properties = Properties(invariances=ScaledTranslator.properties.invariances, needs_anchors=False, unpaired=True)
    reference = "Alvarez-Melis & Jaakkola, EMNLP 2018; Grave, Joulin & Berthet, AISTATS 2019"
    restarts = 4
    probe = 3  # refinement steps per restart before the best one is chosen
    refinements = 10

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        self.fit_scaling(unpaired["source"], unpaired["target"])
        x, y = self.tx(unpaired["source"]), self.ty(unpaired["target"])
        rng = np.random.default_rng(0)
        runs = [
            self.align(x, y, gromov_plan(x, y, random_coupling(len(x), len(y), rng) if r else None), self.probe)
            for r in range(self.restarts)
        ]
        _, plan = min(runs, key=lambda run: run[0])
        self.cost, plan = self.align(x, y, plan, self.refinements)
        self.map = orthogonal_procrustes(x, barycentric(plan, y))
        return self

    def align(self, x: Tensor, y: Tensor, plan: Tensor, steps: int) -> tuple[float, Tensor]:
        """Up to `steps` Wasserstein–Procrustes steps from `plan`; (alignment cost, final plan)."""
        r = orthogonal_procrustes(x, barycentric(plan, y))
        for _ in range(steps):
            previous = plan.argmax(dim=1)
            plan = exact_plan(torch.cdist(x @ r, y) ** 2)
            r = orthogonal_procrustes(x, barycentric(plan, y))
            if torch.equal(plan.argmax(dim=1), previous):
                break
        return float((x @ r - barycentric(plan, y)).pow(2).sum(dim=1).mean()), plan

    def diagnostics(self) -> dict[str, float]:
        return {"alignment_cost": self.cost}
