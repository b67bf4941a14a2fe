"""Anchor bootstrapping: grow a small seed of parallel anchors from unpaired samples, then Procrustes.

After Cannistraci et al. (ICLR 2023 Tiny Papers): the relative representation of every unpaired sample
w.r.t. the parallel anchors known so far is a description both spaces share, so samples of the two
sides that describe themselves alike are likely parallel. Each of `rounds` rounds:

    r_x(u) = rowstd(cos(u − μ_x, a_i − μ_x))_i,  r_y likewise on the target side (A: anchors so far)
    P = argmin_P ⟨P, C⟩ − ε H(P),  C_uv = ‖r_x(u) − r_y(v)‖²    (entropic OT between X_u and Y_u)

and the `grow` strongest mutual best matches of P (u's best v has u as its best) join the seed as new
anchors (the seed is kept; matches are recomputed from the seed each round). Where the paper discovers
anchors by optimising a relative-space matching objective, this uses entropic OT (POT's Sinkhorn) for
the same matching. The translation is the orthogonal Procrustes pipeline of latent space translation
fitted on the seed plus the discovered pairs. It is computed in float64 whatever the run's precision: which
samples are mutual best matches must not depend on float32 rounding (the cached spaces are float32, so a float32
and a float64 run see the same float64 values).
"""

from typing import Self

import torch
from torch import Tensor

from bench.matching import entropic_plan, mutual_matches
from bench.methods import Properties
from bench.projections import centred_cosine, row_standardize
from bench.translation import OrthogonalTranslator


def relative(x: Tensor, anchors: Tensor) -> Tensor:
    """Row-standardised cosine similarities of x to the anchors, both centred on the anchors' mean."""
    return row_standardize(centred_cosine(x, anchors))


class AnchorBootstrapping(OrthogonalTranslator):
    name = "anchor-bootstrapping"
    properties = Properties(invariances=frozenset({"translation", "isotropic_scaling", "permutation"}), unpaired=True)
    reference = "Cannistraci et al., Bootstrapping Parallel Anchors for Relative Representations, ICLR 2023 TP"
    rounds = 3
    grow = 0.5  # share of the unpaired samples that may join the anchors
    epsilon = 0.05
    version = "2"  # fitted in float64 whatever the run's precision

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        xu, yu = unpaired["source"].double(), unpaired["target"].double()
        source_anchors, target_anchors = source_anchors.double(), target_anchors.double()
        ax, ay = source_anchors, target_anchors
        limit = int(self.grow * min(len(xu), len(yu)))
        for _ in range(self.rounds):
            cost = torch.cdist(relative(xu, ax), relative(yu, ay)) ** 2
            rows, cols, _ = mutual_matches(entropic_plan(cost, self.epsilon))
            rows, cols = rows[:limit], cols[:limit]
            ax, ay = torch.cat([source_anchors, xu[rows]]), torch.cat([target_anchors, yu[cols]])
        self.matches = rows, cols  # unpaired source sample rows[i] ↔ unpaired target sample cols[i]
        return self.fit_pairs(ax, ay)

    def diagnostics(self) -> dict[str, float]:
        return {"discovered_anchors": float(len(self.matches[0]))}
