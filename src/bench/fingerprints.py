"""Encoder fingerprints: the key under which an encoder's checkpoint and spaces are cached, and which a record names
for each of its two encoders, so that records of encoders that have changed since are recognised."""

from __future__ import annotations

from typing import Any

from bench.encoders import EncoderSpec, fingerprint
from bench.errors import UnknownName
from bench.plugins import get_task
from bench.tasks import Task


def resolve(task: Task, spec: EncoderSpec) -> tuple[Task, str]:
    """The task whose samples `spec` encodes (this one, or the one it shares spaces with) and the fingerprint."""
    name = task.embedding_task(spec)
    if name != task.name:
        task = get_task(name)
    return task, fingerprint(task.name, task.version, spec)


class Fingerprints:
    """The fingerprints of encoders as the code is now (`resolve`), each computed once. A record names the
    fingerprints of the encoders it was scored on (`source_fingerprint`, `target_fingerprint`); when either has
    changed since (a roster's training settings, the training code, the torch release), the record is of encoders
    that no longer exist. A record written before records named them, or of an encoder no longer in its task's
    roster (or of a task not registered), cannot tell and counts as unchanged."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], str | None] = {}

    def __call__(self, task: str, encoder: str) -> str | None:
        if (task, encoder) not in self.known:
            try:
                owner = get_task(task)
                self.known[(task, encoder)] = resolve(owner, owner.encoder(encoder))[1]
            except UnknownName:
                self.known[(task, encoder)] = None
        return self.known[(task, encoder)]

    def of(self, task: str, source: str, target: str) -> dict[str, str | None]:
        """The fields with which a record of `source → target` on `task` names its encoders' fingerprints."""
        return {f"{side}_fingerprint": self(task, name) for side, name in (("source", source), ("target", target))}

    def changed(self, record: dict[str, Any]) -> bool:
        """Whether an encoder `record` was scored on has changed since."""
        return any(
            (recorded := record.get(f"{side}_fingerprint")) is not None
            and (now := self(record["task"], record[side])) is not None
            and recorded != now
            for side in ("source", "target")
        )
