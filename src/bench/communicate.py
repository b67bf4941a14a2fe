"""The communicate phase: for one cell, draw anchors, fit the method, map, score with the task's protocols.

A cell carries names only; everything is rebuilt from the registries and read from the space cache, so
the same function runs in this process, in a pool or on a remote worker.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import asdict
from functools import lru_cache
from typing import Any

import numpy as np
import torch
from torch import Tensor

from bench import protocols
from bench.cache import SpaceCache
from bench.cells import Cell, draw_anchors, draw_unpaired
from bench.deadline import CellTimeout, deadline
from bench.embed import Embedder
from bench.encoders.architectures import ARCHITECTURES
from bench.errors import BenchError, NotApplicable, Skipped
from bench.methods import Method
from bench.plugins import get_method_class, get_task
from bench.records import environment, timestamp
from bench.spaces import Space
from bench.tasks import Task


class Communicator:
    """Scores cells, each within `timeout_s` seconds when given; keeps the spaces, tensors and decoders it has
    loaded for the next cells."""

    def __init__(self, cache: SpaceCache, device: str = "cpu", timeout_s: float | None = None):
        self.embedder = Embedder(cache, device)
        self.device, self.timeout_s = device, timeout_s
        self._spaces = lru_cache(maxsize=64)(self._load_spaces)
        self._tensor = lru_cache(maxsize=256)(self._to_tensor)
        self._model = lru_cache(maxsize=8)(self._load_model)
        self._similarity = lru_cache(maxsize=1024)(self._pair_similarity)

    def _pair_similarity(self, task: str, source: str, target: str) -> dict[str, float]:
        return protocols.similarity(
            np.asarray(self._spaces(task, source)["test"].x), np.asarray(self._spaces(task, target)["test"].x)
        )

    def _load_spaces(self, task: str, encoder: str) -> dict[str, Space]:
        t = get_task(task)
        return self.embedder.spaces(t, t.encoder(encoder))

    def _to_tensor(self, task: str, encoder: str, split: str) -> Tensor:
        return torch.from_numpy(np.array(self._spaces(task, encoder)[split].x)).to(self.device)

    def _load_model(self, task: str, encoder: str) -> torch.nn.Module:
        t = get_task(task)
        return self.embedder.model(t, t.encoder(encoder))

    def run(self, cell: Cell) -> dict[str, Any]:
        """The cell's record; a failure of any kind becomes a record, never an exception."""
        task = get_task(cell.task)
        record = base_record(cell, task, self.device)
        try:
            with deadline(self.timeout_s):
                record["metrics"], record["timings"] = self.score(cell, task)
        except CellTimeout:
            record.update(status="failed", error=f"timed out after {self.timeout_s:g} s (--timeout)")
        except NotApplicable as e:
            record.update(status="not_applicable", error=str(e))
        except Skipped as e:
            record.update(status="skipped", error=str(e))
        except Exception as e:  # one failing cell is recorded, the sweep goes on
            record.update(status="failed", error=one_line(e), traceback=traceback.format_exc(limit=6))
        return finish(record)

    def score(self, cell: Cell, task: Task) -> tuple[dict[str, float], dict[str, float]]:
        method_cls = get_method_class(cell.method)
        source, target = task.encoder(cell.source), task.encoder(cell.target)
        if source.dim != target.dim and not method_cls.properties.different_dims:
            raise NotApplicable(f"{cell.method} needs equal dimensions ({source.dim} vs {target.dim})")

        t0 = time.perf_counter()
        src, tgt = self._spaces(cell.task, cell.source), self._spaces(cell.task, cell.target)
        if not np.array_equal(src["test"].ids, tgt["test"].ids):
            raise BenchError("source and target test splits hold different samples")
        anchor_ids = draw_anchors(src["train"].ids, cell.anchors, cell.seed)
        dtype = torch.float32
        x_anchor = torch.as_tensor(src["train"].rows(anchor_ids), dtype=dtype, device=self.device)
        y_anchor = torch.as_tensor(tgt["train"].rows(anchor_ids), dtype=dtype, device=self.device)
        x_test = self._tensor(cell.task, cell.source, "test")
        y_train = self._tensor(cell.task, cell.target, "train")
        y_test = self._tensor(cell.task, cell.target, "test")
        t1 = time.perf_counter()

        unpaired = {}
        if method_cls.properties.unpaired:
            source_ids, target_ids = draw_unpaired(src["train"].ids, cell.seed)
            unpaired = {
                "source": torch.as_tensor(src["train"].rows(source_ids), dtype=dtype, device=self.device),
                "target": torch.as_tensor(tgt["train"].rows(target_ids), dtype=dtype, device=self.device),
            }
        torch.manual_seed(cell.seed)
        method: Method = method_cls()
        method.fit(x_anchor, y_anchor, **unpaired)
        mapped = protocols.Mapped(
            target_train=checked(method.target(y_train), len(y_train), cell.method, "target"),
            target_train_labels=tgt["train"].labels,
            target_test=checked(method.target(y_test), len(y_test), cell.method, "target"),
            source_test=checked(method.source(x_test), len(x_test), cell.method, "source"),
            test_labels=tgt["test"].labels,
        )
        if mapped.source_test.shape[1] != mapped.target_test.shape[1]:
            raise BenchError(
                f"method {cell.method} maps source and target to different dims "
                f"({mapped.source_test.shape[1]} vs {mapped.target_test.shape[1]})"
            )
        t2 = time.perf_counter()

        scores = {name: float(v) for name, v in method.diagnostics().items()}
        if "stitched_classification" in task.protocols:
            scores |= protocols.stitched_classification(mapped)
        if "translation_fidelity" in task.protocols:
            scores |= protocols.translation_fidelity(mapped)
        if "cross_modal_retrieval" in task.protocols:
            scores |= protocols.cross_modal_retrieval(mapped)
        if "similarity" in task.protocols:
            scores |= self._similarity(cell.task, cell.source, cell.target)
        trained = target.kind == "trained"
        decodes = trained and ARCHITECTURES.get(target.architecture).objective == "autoencoder"
        if "reconstruction" in task.protocols and decodes and method_cls.family == "translator":
            decoder = self._model(cell.task, cell.target)
            with torch.inference_mode():
                decoded = decoder.decode(torch.as_tensor(mapped.source_test, dtype=torch.float32)).numpy()
            scores |= protocols.reconstruction(decoded, task.load_split("test").inputs.numpy())
        t3 = time.perf_counter()
        return scores, {"load_s": t1 - t0, "fit_s": t2 - t1, "score_s": t3 - t2}


def base_record(cell: Cell, task: Task, device: str) -> dict[str, Any]:
    """A record's identity and parameters, status `ok` until told otherwise."""
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
        "status": "ok",
        "error": None,
        "metrics": {},
        "timings": {},
        "device": device,
    }


def finish(record: dict[str, Any]) -> dict[str, Any]:
    """Stamp a record with the run's environment and the time."""
    return record | environment() | {"timestamp": timestamp()}


def checked(x: Tensor, rows: int, method: str, side: str) -> np.ndarray:
    """The mapped samples as a float64 array, after checking their shape and that they are finite."""
    if not isinstance(x, Tensor) or x.ndim != 2 or x.shape[0] != rows:
        shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
        raise BenchError(f"method {method}.{side}() returned {shape}, expected {rows} rows × D")
    out = x.detach().to("cpu", torch.float64).numpy()
    if not np.isfinite(out).all():
        raise BenchError(f"method {method}.{side}() returned non-finite values (NaN or inf)")
    return out


def one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text}" if text else type(e).__name__
