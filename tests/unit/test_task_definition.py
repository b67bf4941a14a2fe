"""A task's protocols and main score are checked when the task class is defined: a typo is an error that names
the task and suggests the close name, not a protocol silently left out of every record."""

from __future__ import annotations

import pytest

from bench.errors import BenchError, UnknownName
from bench.tasks import Task


def test_a_misspelt_protocol_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(UnknownName, match=r"protocol in task 'typo'.*did you mean 'translation_fidelity'"):

        class Typo(Task):
            name = "typo"
            protocols = ("stitched_classification", "translation_fidelty")


def test_a_main_score_outside_the_protocols_is_an_error() -> None:
    with pytest.raises(UnknownName, match=r"main score of task 'retrieval'.*did you mean 'mrr'"):

        class Retrieval(Task):
            name = "retrieval"
            protocols = ("translation_fidelity",)
            main_score = "mmr"

    with pytest.raises(UnknownName, match=r"main score of task 'no-head'"):

        class NoHead(Task):
            name = "no-head"
            protocols = ("translation_fidelity",)  # the default main score, stitched_ratio, needs classification


def test_classification_needs_two_classes() -> None:
    with pytest.raises(BenchError, match=r"task 'one-class' has 1 classes; protocol 'stitched_classification'"):

        class OneClass(Task):
            name = "one-class"
            n_classes = 1


def test_a_well_formed_task_is_defined() -> None:
    class Fine(Task):
        name = "fine"
        n_classes = 3
        protocols = ("translation_fidelity", "stitched_classification")
        main_score = "stitched_acc"

    assert Fine.main_score == "stitched_acc"
