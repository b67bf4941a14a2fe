"""The method contract: a way to make two spaces communicate, fitted on parallel anchors.

A *translator* maps source → target (`target` is the identity, so the target's own head is reused); a
*projector* maps both spaces into a shared one (relative representations). Either may also use unpaired
samples (`Properties.unpaired`), or no anchors at all (`Properties.needs_anchors`). Methods are pure
tensor code: deterministic, device- and dtype-agnostic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal, Self

from torch import Tensor

Family = Literal["translator", "projector"]

#: Transformations of the source space a method may declare itself invariant to.
TRANSFORMATIONS = ("orthogonal", "isotropic_scaling", "translation", "permutation", "anisotropic_scaling")


@dataclass(frozen=True)
class Properties:
    """What a method promises, as data (shown by `ls methods`, checked by the contract tests).

    `invariances`: transformations T of the source space such that fitting on (T(X_a), Y_a) and mapping
    T(x) gives what fitting on (X_a, Y_a) and mapping x gives. They are promised where the anchors
    determine the fit (more anchors than dimensions, in general position); with fewer anchors a
    least-squares fit picks the minimum-norm map, which only orthogonal maps and isotropic scaling leave
    unchanged.

    `needs_anchors`: False for a method that uses no parallel data; it runs at anchor count 0 only (its
    score is the same at every anchor budget). `unpaired`: the method also receives unpaired train
    samples of both spaces, `fit(..., source=X_u, target=Y_u)`, drawn from disjoint halves of the train
    split, so that no sample is seen by both sides.
    """

    invariances: frozenset[str] = field(default_factory=frozenset)
    different_dims: bool = True
    needs_anchors: bool = True
    unpaired: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.invariances) - set(TRANSFORMATIONS)
        if unknown:
            raise ValueError(f"unknown invariances {sorted(unknown)}; known: {TRANSFORMATIONS}")


class Method:
    """Subclass, set the class attributes, implement `fit`, `source` and (for projectors) `target`."""

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    family: ClassVar[Family] = "translator"
    properties: ClassVar[Properties] = Properties()
    reference: ClassVar[str] = ""
    #: True for a projector whose `target(y)` depends on the target's anchors only (not on the source), so that
    #: the target side — its mapped samples and the head fitted on them — is computed once for all the sources of
    #: a target, anchor set and seed.
    shared_target: ClassVar[bool] = False
    #: "relative" for a projector whose common space is exactly the cosine relative projection on each side's
    #: anchors, which relative-trained decoders take (the own-decoder protocol then applies to it)
    own_decoder: ClassVar[str | None] = None

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        raise NotImplementedError

    def diagnostics(self) -> dict[str, float]:
        """Numbers the fitted method reports about itself (recorded with the cell's metrics)."""
        return {}

    def source(self, x: Tensor) -> Tensor:
        """Source samples in the common space."""
        raise NotImplementedError

    def target(self, y: Tensor) -> Tensor:
        """Target samples in the common space (the identity for translators)."""
        if self.family == "translator":
            return y
        raise NotImplementedError

    @classmethod
    def describe(cls) -> dict[str, object]:
        p = cls.properties
        return {
            "method": cls.name,
            "version": cls.version,
            "family": cls.family,
            "invariant to": ", ".join(sorted(p.invariances)) or "-",
            "different dims": p.different_dims,
            "needs anchors": p.needs_anchors,
            "unpaired": p.unpaired,
            "reference": cls.reference,
        }
