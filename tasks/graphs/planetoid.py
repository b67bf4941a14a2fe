"""Planetoid citation graphs (Cora, CiteSeer, PubMed) for full runs, read by torch_geometric's `Planetoid`
from `$BENCH_PLANETOID_DATA/<name>/raw` (default: the cache's `planetoid/` folder; never downloaded here).
Split "full" (every node outside the 500 validation and 1,000 test nodes trains, so that 300 anchors exist);
the GNN roster of `wordnet-graph`. Absent files: the cells are `skipped` with how to provide them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import torch

from bench.cache import data_folder
from bench.data.graph import Graph
from bench.data.rosters import node_roster
from bench.encoders import EncoderSpec
from bench.errors import Skipped
from bench.tasks import Split, Task

RAW = ("x", "tx", "allx", "y", "ty", "ally", "graph", "test.index")


def data_root() -> Path:
    return data_folder("BENCH_PLANETOID_DATA", "planetoid")


@cache
def planetoid(root: Path, name: str):
    """The data set's one graph (torch_geometric `Data`), or `Skipped` naming the missing files."""
    from torch_geometric.datasets import Planetoid

    raw = root / name / "raw"
    missing = [f"ind.{name.lower()}.{n}" for n in RAW if not (raw / f"ind.{name.lower()}.{n}").is_file()]
    if missing:
        raise Skipped(
            f"{name} not found: {raw} lacks {', '.join(missing)}; copy the Planetoid files there or set "
            f'BENCH_PLANETOID_DATA (on a connected machine: python -c "from torch_geometric.datasets import '
            f"Planetoid; Planetoid('{root}', '{name}')\")"
        )
    return Planetoid(str(root), name, split="full")[0]


class PlanetoidTask(Task):
    modality = "graphs"
    protocols = ("stitched_classification", "own_decoder", "translation_fidelity", "similarity")
    in_default_suite = False
    requires = ("graphs",)
    licence = "no licence stated by the authors (research use)"
    dataset: str

    def data(self):
        return planetoid(data_root(), self.dataset)

    def load_split(self, split: str) -> Split:
        mask = getattr(self.data(), f"{split}_mask")
        nodes = torch.nonzero(mask).view(-1)
        return Split(nodes, self.data().y[nodes].numpy().astype(np.int64), nodes.numpy().astype(np.int64))

    def context(self) -> dict[str, Graph]:
        return {"graph": Graph(self.data().x, self.data().edge_index)}

    def roster(self) -> list[EncoderSpec]:
        return node_roster()


class Cora(PlanetoidTask):
    name, dataset, n_classes, input_shape = "cora", "Cora", 7, (1433,)
    description = "Cora citation graph (2,708 papers, 7 topics, bag-of-words features), split full"
    provenance = "torch_geometric Planetoid (Sen et al. 2008; Yang, Cohen and Salakhutdinov 2016)"


class CiteSeer(PlanetoidTask):
    name, dataset, n_classes, input_shape = "citeseer", "CiteSeer", 6, (3703,)
    description = "CiteSeer citation graph (3,327 papers, 6 topics), split full"
    provenance = "torch_geometric Planetoid (Sen et al. 2008; Yang, Cohen and Salakhutdinov 2016)"


class PubMed(PlanetoidTask):
    name, dataset, n_classes, input_shape = "pubmed", "PubMed", 3, (500,)
    description = "PubMed diabetes citation graph (19,717 papers, 3 classes, TF-IDF features), split full"
    provenance = "torch_geometric Planetoid (Sen et al. 2008; Yang, Cohen and Salakhutdinov 2016)"
