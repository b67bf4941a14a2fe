"""The communicate phase: the cells of a group — those sharing (task, target, anchor count, seed) — scored
together, each to its record. For a cell: draw the anchors, fit the method, map both sides into the common
space, score with the task's protocols (`bench.protocols`), all in torch on the run's device. What cells share
is computed once: a target's raw space with its native head and neighbour sets (per task and target), a shared-
target projector's target side with its head (per group and method), a raw pair's similarity (per pair).

A cell carries names only; everything is rebuilt from the registries and read from the space cache, so the same
code runs in this process, in a pool or on a remote worker.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator
from dataclasses import asdict
from functools import lru_cache
from typing import Any

import numpy as np
import torch
from torch import Tensor

from bench import metrics
from bench.cache import SpaceCache
from bench.cells import Cell, draw_anchors, draw_unpaired
from bench.deadline import CellTimeout, deadline
from bench.embed import Embedder
from bench.encoders.architectures import ARCHITECTURES, RelativeClassifier
from bench.errors import BenchError, NotApplicable, Skipped
from bench.fingerprints import Fingerprints
from bench.methods import Method
from bench.plugins import get_method_class, get_task
from bench.protocols import PROTOCOLS, CellView, Target, raw_similarity, reconstruction_mse
from bench.records import environment, timestamp
from bench.spaces import Space
from bench.tasks import Task

#: the precisions a run can score in (`--dtype`); float32 by default, float64 to check that nothing depends on it
DTYPES = {"float32": torch.float32, "float64": torch.float64}


class Communicator:
    """Scores cells, each within `timeout_s` seconds when given; keeps the spaces, tensors, native targets and
    decoders it has loaded for the next cells."""

    def __init__(self, cache: SpaceCache, device: str = "cpu", timeout_s: float | None = None, dtype: str = "float32"):
        self.embedder = Embedder(cache, device)
        self.fingerprints = Fingerprints()
        self.device, self.timeout_s, self.dtype = device, timeout_s, dtype
        self._spaces = lru_cache(maxsize=64)(self._load_spaces)
        self._tensor = lru_cache(maxsize=256)(self._to_tensor)
        self._model = lru_cache(maxsize=8)(self._load_model)
        self._native = lru_cache(maxsize=32)(self._native_target)
        self._decoder_native = lru_cache(maxsize=32)(self._decoder_native_accuracy)
        self._similarity = lru_cache(maxsize=1024)(self._pair_similarity)

    def _load_spaces(self, task: str, encoder: str) -> dict[str, Space]:
        t = get_task(task)
        return self.embedder.spaces(t, t.encoder(encoder))

    def _to_tensor(self, task: str, encoder: str, split: str) -> Tensor:
        return torch.as_tensor(
            np.array(self._spaces(task, encoder)[split].x), dtype=DTYPES[self.dtype], device=self.device
        )

    def _labels(self, task: str, encoder: str, split: str) -> Tensor:
        return torch.as_tensor(np.asarray(self._spaces(task, encoder)[split].labels), device=self.device)

    def _load_model(self, task: str, encoder: str) -> torch.nn.Module:
        t = get_task(task)
        model = self.embedder.model(t, t.encoder(encoder))
        return model.to(self.device, DTYPES[self.dtype])  # its weights, exactly, in the run's precision

    def _native_target(self, task: str, target: str) -> Target:
        """The target's raw space: its head is the native head, the reference of every method."""
        return Target(
            self._tensor(task, target, "train"), self._labels(task, target, "train"),
            self._tensor(task, target, "test"), self._labels(task, target, "test"), get_task(task).n_classes,
        )  # fmt: skip

    def _pair_similarity(self, task: str, source: str, target: str) -> dict[str, float]:
        return raw_similarity(self._tensor(task, source, "test"), self._tensor(task, target, "test"))

    def run(self, cell: Cell) -> dict[str, Any]:
        """The record of one cell (a group of one)."""
        return next(self.run_group([cell]))

    def run_group(self, cells: list[Cell]) -> Iterator[dict[str, Any]]:
        """The records of cells that share (task, target, anchor count, seed), in order, as each is scored."""
        shared: dict[tuple, Target] = {}
        for cell in cells:
            yield self.run_cell(cell, shared)

    def run_cell(self, cell: Cell, shared: dict[tuple, Target]) -> dict[str, Any]:
        """The cell's record; a failure of any kind becomes a record, never an exception."""
        task = get_task(cell.task)
        record = base_record(cell, task, self.fingerprints, self.device, self.dtype)
        try:
            with deadline(self.timeout_s):
                record["metrics"], record["timings"], notes = self.score(cell, task, shared)
            if notes:
                record["notes"] = notes
        except CellTimeout:
            record.update(status="failed", error=f"timed out after {self.timeout_s:g} s (--timeout)")
        except NotApplicable as e:
            record.update(status="not_applicable", error=str(e))
        except Skipped as e:
            record.update(status="skipped", error=str(e))
        except Exception as e:  # one failing cell is recorded, the sweep goes on
            record.update(status="failed", error=one_line(e), traceback=traceback.format_exc(limit=6))
        return finish(record)

    def score(
        self, cell: Cell, task: Task, shared: dict[tuple, Target]
    ) -> tuple[dict[str, float], dict[str, float], dict[str, str]]:
        """The cell's metrics, timings, and notes on protocols that do not apply to it."""
        method_cls = get_method_class(cell.method)
        source, target = task.encoder(cell.source), task.encoder(cell.target)
        if source.dim != target.dim and not method_cls.properties.different_dims:
            raise NotApplicable(f"{cell.method} needs equal dimensions ({source.dim} vs {target.dim})")

        t0 = time.perf_counter()
        src, tgt = self._spaces(cell.task, cell.source), self._spaces(cell.task, cell.target)
        if not np.array_equal(src["test"].ids, tgt["test"].ids):
            raise BenchError("source and target test splits hold different samples")
        anchor_ids = draw_anchors(src["train"].ids, cell.anchors, cell.seed)
        x_anchor = self.rows(src["train"], anchor_ids)
        y_anchor = self.rows(tgt["train"], anchor_ids)
        native = self._native(cell.task, cell.target)
        x_test = self._tensor(cell.task, cell.source, "test")
        unpaired = {}
        if method_cls.properties.unpaired:
            source_ids, target_ids = draw_unpaired(src["train"].ids, cell.seed, cell.unpaired or "disjoint")
            unpaired = {"source": self.rows(src["train"], source_ids), "target": self.rows(tgt["train"], target_ids)}
        t1 = time.perf_counter()

        torch.manual_seed(cell.seed)
        method: Method = method_cls()
        method.fit(x_anchor, y_anchor, **unpaired)
        source_test = self.checked(method.source(x_test), len(x_test), cell.method, "source")
        key = (cell.task, cell.target, cell.anchors, cell.seed, cell.method, cell.unpaired)
        if method_cls.family == "translator":
            common = native
        elif method_cls.shared_target and key in shared:
            common = shared[key]
        else:
            common = Target(
                self.checked(method.target(native.train), len(native.train), cell.method, "target"),
                native.train_labels,
                self.checked(method.target(native.test), len(native.test), cell.method, "target"),
                native.test_labels,
                native.n_classes,
            )  # fmt: skip
            if method_cls.shared_target:
                shared[key] = common
        if source_test.shape[1] != common.test.shape[1]:
            raise BenchError(
                f"method {cell.method} maps source and target to different dims "
                f"({source_test.shape[1]} vs {common.test.shape[1]})"
            )
        t2 = time.perf_counter()

        objective = ARCHITECTURES.get(target.architecture).objective if target.kind == "trained" else None
        reconstruct = own = None
        notes: dict[str, str] = {}
        if objective == "autoencoder" and method_cls.family == "translator":
            reconstruct = self.reconstruction(cell.task, cell.target)
        if objective == "classification":
            own = lambda: self.own_decoder(cell, method_cls, source_test, x_test, x_anchor, notes)  # noqa: E731
        view = CellView(
            source_test, common, native, lambda: self._similarity(cell.task, cell.source, cell.target), reconstruct,
            own,
        )  # fmt: skip
        scores = {name: float(v) for name, v in method.diagnostics().items()}
        for name in task.protocols:
            scores |= PROTOCOLS.get(name).score(view)
        t3 = time.perf_counter()
        return scores, {"load_s": t1 - t0, "fit_s": t2 - t1, "score_s": t3 - t2}, notes

    @torch.inference_mode()
    def own_decoder(
        self, cell: Cell, method_cls: type[Method], mapped: Tensor, x_test: Tensor, x_anchor: Tensor,
        notes: dict[str, str],
    ) -> dict[str, float]:  # fmt: skip
        """The target model's own trained decoder on the cell's source samples (see `bench.protocols`)."""
        model = self._model(cell.task, cell.target)
        native = self._native(cell.task, cell.target)
        if method_cls.family == "translator":
            logits = model.classify(mapped)
        elif method_cls.own_decoder == "relative" and isinstance(model, RelativeClassifier):
            trained = get_task(cell.task).encoder(cell.target).training["relative"]
            if (cell.anchors, cell.seed) != (trained["anchors"], trained["seed"]):
                notes["own_decoder"] = (
                    f"not applicable: the target's relative decoder was trained on {trained['anchors']} anchors of "
                    f"seed {trained['seed']}"
                )
                return {}
            logits = model.decode_relative(model.relative(x_test, x_anchor))  # the source on its own anchors
        else:
            return {}
        acc = metrics.accuracy(native.test_labels, logits.argmax(dim=1))
        own = self._decoder_native(cell.task, cell.target)
        return {"decoder_acc": acc, "decoder_native_acc": own, "decoder_ratio": acc / own if own > 0 else float("nan")}

    @torch.inference_mode()
    def _decoder_native_accuracy(self, task: str, target: str) -> float:
        """The target model's own decoder on its own test samples (once per target, not per cell)."""
        native = self._native(task, target)
        return metrics.accuracy(native.test_labels, self._model(task, target).classify(native.test).argmax(dim=1))

    def rows(self, space: Space, ids: np.ndarray) -> Tensor:
        return torch.as_tensor(space.rows(ids), dtype=DTYPES[self.dtype], device=self.device)

    def checked(self, x: Tensor, rows: int, method: str, side: str) -> Tensor:
        """The mapped samples (in the run's dtype, on their device), after checking their shape and that they are
        finite."""
        if not isinstance(x, Tensor) or x.ndim != 2 or x.shape[0] != rows:
            shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
            raise BenchError(f"method {method}.{side}() returned {shape}, expected {rows} rows × D")
        if not torch.isfinite(x).all():
            raise BenchError(f"method {method}.{side}() returned non-finite values (NaN or inf)")
        return x.detach().to(DTYPES[self.dtype])

    def reconstruction(self, task: str, target: str):
        """The MSE of the target autoencoder's decoding of latents to the task's test inputs."""
        decoder = self._model(task, target)
        inputs = get_task(task).load_split("test").inputs.to(self.device)

        def score(latents: Tensor) -> dict[str, float]:
            with torch.inference_mode():
                return reconstruction_mse(decoder.decode(latents), inputs)

        return score


def base_record(
    cell: Cell, task: Task, fingerprints: Fingerprints, device: str, dtype: str = "float32"
) -> dict[str, Any]:
    """A record's identity and parameters (with its encoders' fingerprints), status `ok` until told otherwise."""
    source, target = task.encoder(cell.source), task.encoder(cell.target)
    return {
        "id": cell.id,
        **asdict(cell),
        "family": get_method_class(cell.method).family,
        "modality": task.modality,
        "pair_kind": task.pair_kind(source, target),
        "source_architecture": source.architecture,
        "target_architecture": target.architecture,
        "source_dim": source.dim,
        "target_dim": target.dim,
        **fingerprints.of(cell.task, cell.source, cell.target),
        "status": "ok",
        "error": None,
        "metrics": {},
        "timings": {},
        "device": device,
        "dtype": dtype,
    }


def finish(record: dict[str, Any]) -> dict[str, Any]:
    """Stamp a record with the run's environment and the time."""
    return record | environment() | {"timestamp": timestamp()}


def one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text}" if text else type(e).__name__
