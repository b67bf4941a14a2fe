"""The embed phase, in the order it runs for one (task, encoder spec):

1. resolve: the task whose samples the spec encodes (`Task.embedding_task`: its spaces and checkpoints are shared)
   and the spec's fingerprint; the spaces already cached under it are done;
2. build: `bench.encoders.build` makes the model from the spec (an initialised architecture, fitted word vectors,
   a frozen pretrained network);
3. train or load: a trained-here model is loaded from its checkpoint, or trained on the task's train split with its
   seed on one thread, evaluated on its test split against its competence floor (`bench.competence`: below it, it
   fails) and checkpointed (safetensors); each encoder's report (own score and floor, or the weights'
   provenance) is kept beside its checkpoint;
4. encode: every missing split, batched, on the run's device;
5. cache: each space checked (declared dim, finite values) and stored, checksummed; on a classification task the
   encoder's linear-probe accuracy (the protocol's head on its own spaces) is added to its report.
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
import torch
from torch import nn

from bench import competence
from bench.atomic import write_json
from bench.cache import SpaceCache, digest
from bench.cells import draw_anchors
from bench.checkpoints import load_checkpoint, save_checkpoint
from bench.encoders import EncoderSpec
from bench.encoders.architectures import ARCHITECTURES, count_parameters
from bench.encoders.build import build, builder, encode
from bench.encoders.training import TrainingConfig, evaluate, train
from bench.errors import BenchError
from bench.fingerprints import resolve
from bench.protocols import Target
from bench.spaces import Space
from bench.tasks import Split, Task
from bench.threads import single_thread


class Embedder:
    def __init__(self, cache: SpaceCache, device: str = "cpu"):
        self.cache, self.device = cache, device

    def spaces(self, task: Task, spec: EncoderSpec) -> dict[str, Space]:
        """Every split's space, from the cache or computed now (the model is built only if needed)."""
        task, fp = resolve(task, spec)
        found = {s: self.cache.load(task.name, spec.name, s, fp) for s in task.splits}
        missing = [s for s, space in found.items() if space is None]
        if missing:
            data = {split: task.load_split(split) for split in missing}  # absent data is reported before weights
            model = self.model(task, spec)
            for split in missing:
                start = time.perf_counter()
                x = encode(model, data[split].inputs, device=self.device).numpy()
                meta = {
                    "task": task.name,
                    "encoder": spec.name,
                    "split": split,
                    "encode_s": time.perf_counter() - start,
                }
                space = Space(x, data[split].labels, data[split].ids, meta)
                check_space(space, spec)
                self.cache.store(space, fp)
                found[split] = self.cache.load(task.name, spec.name, split, fp)
            if "stitched_classification" in task.protocols and {"train", "test"} <= set(found):
                self.record_probe(task, spec, fp, found)  # type: ignore[arg-type]
        return found  # type: ignore[return-value]

    def record_probe(self, task: Task, spec: EncoderSpec, fp: str, spaces: dict[str, Space]) -> None:
        """Add the encoder's linear-probe accuracy to its report: the head of the stitched classification
        protocol (`bench.heads`) fitted on its train space and scored on its test space — the own score of a
        frozen or fitted encoder, and the native accuracy every method of a classification task is divided by."""
        path = self.cache.checkpoint_path(task.name, spec.name, fp).with_suffix(".json")
        report = json.loads(path.read_text()) if path.is_file() else {}
        train, test = spaces["train"], spaces["test"]
        native = Target(torch.tensor(train.x), torch.tensor(train.labels), torch.tensor(test.x),
                        torch.tensor(test.labels), task.n_classes)  # fmt: skip
        write_json(path, report | {"probe_accuracy": native.reference()["acc"]})

    def model(self, task: Task, spec: EncoderSpec) -> nn.Module:
        """The encoder's model, built from its spec; a trained-here one loaded from its checkpoint or trained now
        (and checkpointed). Its report is written beside the checkpoint."""
        task, fp = resolve(task, spec)
        path = self.cache.checkpoint_path(task.name, spec.name, fp)
        context = {**task.context(), "input_shape": task.input_shape, "n_classes": task.n_classes}
        relative = spec.training.get("relative")
        if relative is not None:
            train_split = task.load_split("train")
            anchor_ids = draw_anchors(train_split.ids, relative["anchors"], relative["seed"])
            context["relative_anchors"] = training_anchors(train_split, anchor_ids)
        model = build(spec, **context)
        report = path.with_suffix(".json")
        if spec.kind != "trained":
            if spec.kind == "fitted" or not report.is_file():
                write_json(report, {**identity(task, spec, model, fp), **provenance(spec, model)})
            return model.eval()
        if (state := load_checkpoint(path)) is not None:
            try:
                model.load_state_dict(state)
                return model.eval()
            except RuntimeError:  # a checkpoint of other code under the same fingerprint: train again
                path.unlink(missing_ok=True)
        objective = ARCHITECTURES.get(spec.architecture).objective
        data = task.encoder_training_split()
        with deterministic(), single_thread():  # the same weights whatever the machine's core count
            seconds = train(
                model, data.inputs, data.labels, objective, spec.seed or 0,
                TrainingConfig.from_dict(spec.training), self.device,
            )  # fmt: skip
        model.cpu()
        test = task.load_split("test")
        own = {**identity(task, spec, model, fp), "train_s": round(seconds, 3),
               **evaluate(model, test.inputs, test.labels, objective)}  # fmt: skip
        if relative is not None:  # the anchor set its relative decoder takes (that of the matching cells)
            own["relative_anchors"] = {**relative, "ids": digest(sorted(int(i) for i in anchor_ids))}
        found = competence.floor(task, objective, spec.dim, self.cache)
        competence.check(spec.name, own, found)  # an encoder below its floor is never used
        save_checkpoint(path, model.state_dict())
        write_json(report, own | found)
        return model.eval()

    def report(self, task: Task, spec: EncoderSpec) -> dict[str, Any] | None:
        """The report kept beside the checkpoint (None if the encoder was never built)."""
        task, fp = resolve(task, spec)
        path = self.cache.checkpoint_path(task.name, spec.name, fp).with_suffix(".json")
        return json.loads(path.read_text()) if path.is_file() else None


def training_anchors(split: Split, ids: np.ndarray) -> torch.Tensor:
    """The inputs of the anchors a relative-trained encoder is trained with, `ids` (rows of the train `split`):
    those a cell with the same anchor count and seed draws (`bench.cells.draw_anchors`), so that its relative
    decoder can take that cell's relative representations."""
    position = {int(i): p for p, i in enumerate(split.ids)}
    return split.inputs[[position[int(i)] for i in ids]]


def identity(task: Task, spec: EncoderSpec, model: nn.Module, fp: str) -> dict[str, Any]:
    """What every encoder report begins with: which encoder of which task, its size and fingerprint."""
    return {
        "task": task.name,
        "encoder": spec.name,
        "architecture": spec.architecture,
        "seed": spec.seed,
        "dim": spec.dim,
        "parameters": count_parameters(model),
        "fingerprint": fp,
    }


def provenance(spec: EncoderSpec, model: nn.Module) -> dict[str, Any]:
    """How an encoder that is not trained here came to be: a fitted one's fitting, a frozen one's weights."""
    if spec.kind == "fitted":
        return dict(model.fitting)
    frozen = {"train_s": 0.0, "resolution": getattr(model, "resolution", None)}
    if spec.kind == "hub":
        from bench.encoders.hub import provenance as hub_weights

        return frozen | hub_weights(spec)
    packaged = {"pretrained": "packaged, frozen", "model": builder(spec).description}
    return frozen | getattr(model, "provenance", packaged)


class deterministic:
    """Context in which torch must use deterministic algorithms."""

    def __enter__(self) -> None:
        self.previous = torch.are_deterministic_algorithms_enabled()
        torch.use_deterministic_algorithms(True)

    def __exit__(self, *exc: object) -> None:
        torch.use_deterministic_algorithms(self.previous)


def check_space(space: Space, spec: EncoderSpec) -> None:
    where = f"encoder {spec.name!r} on {space.meta['split']}"
    if space.dim != spec.dim:
        raise BenchError(f"{where} gave {space.dim}-d embeddings, its spec declares {spec.dim}")
    if not torch.isfinite(torch.as_tensor(space.x)).all():
        raise BenchError(f"{where} gave non-finite (NaN or inf) embeddings")
