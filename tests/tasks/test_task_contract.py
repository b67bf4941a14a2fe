"""The task contract, checked for every registered task (as `tests/methods/test_methods.py` does for methods):
metadata complete and valid, a roster whose every encoder has a builder, default pairs from the roster, train
and test splits that load with disjoint ids and labels in range, and, for the tasks of the default suite,
everything they need present offline (data, extras, no hub weights) with their trained architectures building
from the task's own context."""

from __future__ import annotations

import re
from typing import get_args

import numpy as np
import pytest
import torch

from bench.encoders.build import build, builder
from bench.encoders.extras import EXTRAS, missing_extra
from bench.encoders.training import TrainingConfig
from bench.errors import Skipped
from bench.plugins import get_task, plugins
from bench.protocols import PROTOCOLS, protocol_metrics
from bench.tasks import Modality

TASKS = plugins().tasks.names()
DEFAULT_SUITE = [n for n in TASKS if plugins().tasks.get(n).in_default_suite]
NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@pytest.mark.parametrize("name", TASKS)
def test_metadata_is_complete_and_valid(name: str) -> None:
    cls = plugins().tasks.get(name)
    assert NAME.fullmatch(cls.name) and cls.name == name
    assert isinstance(cls.version, str) and cls.version
    assert cls.modality in get_args(Modality)
    for field in ("description", "provenance", "licence"):
        assert isinstance(getattr(cls, field), str) and getattr(cls, field).strip(), f"{name} has no {field}"
    assert isinstance(cls.n_classes, int) and cls.n_classes >= 0
    assert cls.protocols and all(p in PROTOCOLS for p in cls.protocols), cls.protocols
    assert cls.main_score in protocol_metrics(cls.protocols), f"{cls.main_score} is not a metric of {cls.protocols}"
    if "stitched_classification" in cls.protocols:
        assert cls.n_classes >= 2, "stitched classification needs classes"
    assert set(cls.requires) <= set(EXTRAS)
    assert all(isinstance(d, int) and d > 0 for d in cls.input_shape)


@pytest.mark.parametrize("name", TASKS)
def test_roster_has_builders_and_default_pairs_come_from_it(name: str) -> None:
    task = get_task(name)
    roster = task.roster()
    names = [s.name for s in roster]
    assert roster and len(names) == len(set(names))
    for spec in roster:
        b = builder(spec)  # an unknown kind, architecture or hub library raises here
        assert b.extra is None or b.extra in EXTRAS
        assert spec.dim > 0
        owner = task if task.embedding_task(spec) == name else get_task(task.embedding_task(spec))
        assert spec in owner.roster()  # shared spaces: the task that encodes them holds the same spec
        if spec.kind == "trained":
            assert spec.seed is not None and TrainingConfig.from_dict(spec.training).epochs > 0
            assert owner.input_shape, "trained-here encoders need the input shape of the task that trains them"
    pairs = task.default_pairs()
    assert pairs and {e for pair in pairs for e in pair} <= set(names)
    assert all(isinstance(task.pair_kind(task.encoder(s), task.encoder(t)), str) for s, t in pairs)


@pytest.mark.parametrize("name", TASKS)
def test_splits_load_disjoint_with_labels_in_range(name: str) -> None:
    task = get_task(name)
    try:
        splits = {s: task.load_split(s) for s in task.splits}
    except Skipped as e:
        assert not task.in_default_suite, f"a default-suite task must have its data offline: {e}"
        pytest.skip(f"data absent here: {e}")
    assert set(task.splits) >= {"train", "test"}
    seen: set[int] = set()
    for split, data in splits.items():
        assert len(data.ids) > 0 and len(data.ids) == len(data.labels) == len(data.inputs), split
        assert len(np.unique(data.ids)) == len(data.ids), f"{split} repeats ids"
        assert not seen & set(data.ids.tolist()), f"{split} shares ids with another split"
        seen |= set(data.ids.tolist())
        if task.n_classes:
            assert data.labels.min() >= 0 and data.labels.max() < task.n_classes


@pytest.mark.parametrize("name", DEFAULT_SUITE)
def test_default_suite_task_has_what_it_needs_offline(name: str) -> None:
    task = get_task(name)
    assert not [e for e in task.requires if missing_extra(e)]
    train = task.load_split("train")
    for spec in task.roster():
        assert spec.kind != "hub", f"{spec.name}: hub weights are not offline; the default suite cannot use them"
        assert missing_extra(builder(spec).extra) is None, f"{spec.name} needs an extra that is not installed"
    trained = [s for s in task.roster() if s.kind == "trained" and task.embedding_task(s) == name]
    context = {**task.context(), "input_shape": task.input_shape, "n_classes": task.n_classes} if trained else {}
    for spec in trained:
        model = build(spec, **context)
        with torch.inference_mode():
            z = model.eval().encode(train.inputs[:2])
        assert z.shape == (2, spec.dim), spec.name
