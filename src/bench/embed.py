"""The embed phase, in the order it runs for one (task, encoder spec):

1. resolve: the task whose samples the spec encodes (`Task.embedding_task`: its spaces and checkpoints are shared)
   and the spec's fingerprint; the spaces already cached under it are done;
2. build: `bench.encoders.build` makes the model from the spec (an initialised architecture, fitted word vectors,
   a frozen pretrained network);
3. train or load: a trained-here model is loaded from its checkpoint, or trained on the task's train split with its
   seed, evaluated on its test split and checkpointed (safetensors); each encoder's report (own score or weights'
   provenance) is kept beside its checkpoint;
4. encode: every missing split, batched, on the run's device;
5. cache: each space checked (declared dim, finite values) and stored, checksummed.
"""

from __future__ import annotations

import json
import time
from typing import Any

import torch
from torch import nn

from bench.atomic import write_json
from bench.cache import SpaceCache
from bench.checkpoints import load_checkpoint, save_checkpoint
from bench.encoders import EncoderSpec, fingerprint
from bench.encoders.architectures import ARCHITECTURES, count_parameters
from bench.encoders.build import build, builder, encode
from bench.encoders.training import TrainingConfig, evaluate, train
from bench.errors import BenchError
from bench.spaces import Space
from bench.tasks import Task
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
        return found  # type: ignore[return-value]

    def model(self, task: Task, spec: EncoderSpec) -> nn.Module:
        """The encoder's model, built from its spec; a trained-here one loaded from its checkpoint or trained now
        (and checkpointed). Its report is written beside the checkpoint."""
        task, fp = resolve(task, spec)
        path = self.cache.checkpoint_path(task.name, spec.name, fp)
        model = build(spec, **task.context(), input_shape=task.input_shape, n_classes=task.n_classes)
        report = path.with_suffix(".json")
        if spec.kind != "trained":
            if spec.kind == "fitted" or not report.is_file():
                write_json(report, {**identity(task, spec, model, fp), **provenance(spec, model)})
            return model.eval()
        if (state := load_checkpoint(path)) is not None:
            model.load_state_dict(state)
            return model.eval()
        objective = ARCHITECTURES.get(spec.architecture).objective
        data = task.load_split("train")
        with deterministic(), single_thread():  # the same weights whatever the machine's core count
            seconds = train(
                model, data.inputs, data.labels, objective, spec.seed or 0,
                TrainingConfig.from_dict(spec.training), self.device,
            )  # fmt: skip
        model.cpu()
        test = task.load_split("test")
        save_checkpoint(path, model.state_dict())
        write_json(
            report,
            {**identity(task, spec, model, fp), "train_s": round(seconds, 3),
             **evaluate(model, test.inputs, test.labels, objective)},
        )  # fmt: skip
        return model.eval()

    def report(self, task: Task, spec: EncoderSpec) -> dict[str, Any] | None:
        """The report kept beside the checkpoint (None if the encoder was never built)."""
        task, fp = resolve(task, spec)
        path = self.cache.checkpoint_path(task.name, spec.name, fp).with_suffix(".json")
        return json.loads(path.read_text()) if path.is_file() else None


def resolve(task: Task, spec: EncoderSpec) -> tuple[Task, str]:
    """The task whose samples `spec` encodes (this one, or the one it shares spaces with) and the fingerprint."""
    name = task.embedding_task(spec)
    if name != task.name:
        from bench.plugins import get_task

        task = get_task(name)
    return task, fingerprint(task.name, task.version, spec)


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
