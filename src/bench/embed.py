"""The embed phase: obtain each (task, encoder) model once, encode each split once, cache the spaces.

Trained-here encoders are trained on the task's train split with their seed, evaluated on its test split
(their own score is kept beside the checkpoint) and stored as safetensors; every later use loads them.
"""

from __future__ import annotations

import json
import time
from typing import Any

import torch
from torch import nn

from bench import audio, text
from bench.architectures import count_parameters, encode
from bench.atomic import write_json
from bench.cache import SpaceCache, load_checkpoint, save_checkpoint
from bench.encoders import EncoderSpec, fingerprint
from bench.errors import BenchError
from bench.hub import hub_encoder, local_weights
from bench.plugins import plugins
from bench.pretrained import FrozenImageEncoder, ImageRows, file_digest, packaged_encoder
from bench.spaces import Space
from bench.tasks import Task
from bench.training import TrainingConfig, evaluate, seeded_init, train


class Embedder:
    def __init__(self, cache: SpaceCache, device: str = "cpu"):
        self.cache, self.device = cache, device

    def spaces(self, task: Task, spec: EncoderSpec) -> dict[str, Space]:
        """Every split's space, from the cache or computed now (the model is built only if needed)."""
        task = task.embedding_task(spec)
        fp = fingerprint(task.name, task.version, spec)
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
        """The encoder's model: a frozen pretrained network (packaged or hub), or a trained one loaded from its
        checkpoint or trained now (and checkpointed)."""
        task = task.embedding_task(spec)
        if spec.kind in ("packaged", "hub"):
            return self.frozen(task, spec)
        if spec.kind == "fitted":
            return self.fitted(task, spec)
        if spec.kind != "trained":
            raise BenchError(f"encoder kind {spec.kind!r} of {spec.name!r} has no loader")
        arch = plugins().architectures.get(spec.architecture)
        fp = fingerprint(task.name, task.version, spec)
        path = self.cache.checkpoint_path(task.name, spec.name, fp)
        seeded_init(spec.seed or 0)
        model = arch.build(task.input_shape, spec.dim, task.n_classes, **task.context())
        if (state := load_checkpoint(path)) is not None:
            model.load_state_dict(state)
            return model.eval()
        data = task.load_split("train")
        with deterministic():
            seconds = train(
                model, data.inputs, data.labels, arch.objective, spec.seed or 0,
                TrainingConfig.from_dict(spec.training), self.device,
            )  # fmt: skip
        model.cpu()
        test = task.load_split("test")
        report = {
            **identity(task, spec, model, fp),
            "train_s": round(seconds, 3),
            **evaluate(model, test.inputs, test.labels, arch.objective),
        }
        save_checkpoint(path, model.state_dict())
        write_json(path.with_suffix(".json"), report)
        return model.eval()

    def fitted(self, task: Task, spec: EncoderSpec) -> nn.Module:
        """An encoder the task fits itself; its report is kept like a trained encoder's (its spaces are cached,
        so it is fitted once per fingerprint)."""
        model, details = task.fit_encoder(spec)
        fp = fingerprint(task.name, task.version, spec)
        report = {**identity(task, spec, model, fp), **details}
        write_json(self.cache.checkpoint_path(task.name, spec.name, fp).with_suffix(".json"), report)
        return model.eval()

    def frozen(self, task: Task, spec: EncoderSpec) -> nn.Module:
        """A frozen pretrained network (weights shipped in a package, or from a hub); its report is written once."""
        context = task.context()
        corpus = context.get("corpus")
        if spec.kind == "hub":
            model = hub_encoder(spec, corpus, context.get("recordings"))
        elif spec.architecture in text.PACKAGED:
            model = text.packaged_text_encoder(spec, corpus)
        elif spec.architecture in audio.PACKAGED:
            model = audio.packaged_audio_encoder(spec, context.get("recordings"))
        else:
            model = packaged_encoder(spec)
        if "images" in context and isinstance(model, FrozenImageEncoder):  # inputs are rows of the task's images
            model = ImageRows(model, context["images"])
        fp = fingerprint(task.name, task.version, spec)
        report = self.cache.checkpoint_path(task.name, spec.name, fp).with_suffix(".json")
        if not report.is_file():
            if packaged := (text.PACKAGED | audio.PACKAGED).get(spec.architecture):
                weights = {"pretrained": "packaged, frozen", "model": packaged.description}
            elif spec.kind == "packaged":
                weights = {"pretrained": "ImageNet-1k, frozen", "weights_sha256": file_digest(spec.architecture)}
            else:
                path = local_weights(spec)
                weights = {"pretrained": "hub, frozen", "weights": str(path) if path else "the library's cache"}
            write_json(
                report,
                {**identity(task, spec, model, fp), "train_s": 0.0, "resolution": model.resolution, **weights},
            )
        return model

    def report(self, task: Task, spec: EncoderSpec) -> dict[str, Any] | None:
        """The training report kept beside the checkpoint (None if the encoder was never trained)."""
        task = task.embedding_task(spec)
        fp = fingerprint(task.name, task.version, spec)
        path = self.cache.checkpoint_path(task.name, spec.name, fp).with_suffix(".json")
        return json.loads(path.read_text()) if path.is_file() else None


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
