"""Graph tasks: the WordNet noun graph built from real synsets (edges and labels as in the files), GNN
encoders from torch_geometric trained deterministically, and Planetoid read from a fixture in its format or
skipped with how to provide the files."""

from __future__ import annotations

import pickle
import sys

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from bench.cache import SpaceCache
from bench.data import wordnet
from bench.embed import Embedder
from bench.errors import Skipped
from bench.plugins import get_task, plugins
from tests.helpers import bench

GRAPH = sys.modules[plugins().tasks.get("wordnet-graph").__module__]
PLANETOID = sys.modules[plugins().tasks.get("cora").__module__]
needs_wordnet = pytest.mark.skipif(
    not (wordnet.folder() / "data.noun").is_file(), reason="Debian's wordnet-base is not installed (`make setup`)"
)
DOG, CANINE, DOMESTIC_ANIMAL, CARNIVORE, GENUS_CANIS, ENTITY = 2084071, 2083346, 1317541, 2075296, 2083863, 1740


class SmallWordNetGraph(GRAPH.WordNetGraph):
    """1,000 drawn synsets (2,662 nodes with their hypernyms): the same code on a graph small enough to train fast."""

    name = "wordnet-graph-small"
    sample = 1000


@needs_wordnet
def test_edges_and_labels_of_real_synsets() -> None:
    """From data.noun: dog @ canine, dog @ domestic_animal, canine @ carnivore, dog #m genus Canis (member holonym)."""
    nouns = wordnet.synsets("noun")
    offsets = np.array(sorted([DOG, CANINE, DOMESTIC_ANIMAL, CARNIVORE, GENUS_CANIS]))
    index = {o: i for i, o in enumerate(offsets.tolist())}
    edge_index = GRAPH.edges(nouns, offsets)
    found = {(offsets[i], offsets[j]) for i, j in edge_index.T.tolist()}
    expected = {(DOG, CANINE), (DOG, DOMESTIC_ANIMAL), (CANINE, CARNIVORE), (DOG, GENUS_CANIS)}
    assert found == expected | {(b, a) for a, b in expected}  # undirected: both ways, nothing else
    assert edge_index[:, 0].tolist() == [0, index[DOG]]  # sorted by source, then target
    assert {nouns[o].lexname for o in offsets} == {"noun.animal"}
    closure = GRAPH.hypernym_closure(nouns, [DOG])
    assert {CANINE, CARNIVORE, DOMESTIC_ANIMAL, ENTITY} <= closure and GENUS_CANIS not in closure
    assert len(closure) == 15  # dog … canine, carnivore, placental, mammal, …, organism, …, entity


@needs_wordnet
def test_default_graph_is_connected_with_stratified_masks() -> None:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    g = GRAPH.noun_graph(GRAPH.SAMPLE)
    n = len(g.offsets)
    assert (n, g.graph.edge_index.shape[1]) == (13593, 2 * 14734) and g.graph.x.shape == (n, GRAPH.VOCABULARY)
    adjacency = coo_matrix((np.ones(g.graph.edge_index.shape[1]), g.graph.edge_index.numpy()), shape=(n, n))
    assert connected_components(adjacency, directed=False)[0] == 1
    assert ENTITY in g.offsets and set(np.unique(g.labels)) == set(range(len(wordnet.SUPERSENSES)))
    shares = {s: float(np.mean(g.split == s)) for s in ("train", "val", "test")}
    assert shares == pytest.approx({"train": 0.6, "val": 0.2, "test": 0.2}, abs=0.01)
    train, test = get_task("wordnet-graph").load_split("train"), get_task("wordnet-graph").load_split("test")
    assert set(train.inputs.tolist()).isdisjoint(test.inputs.tolist())
    np.testing.assert_array_equal(test.labels, g.labels[test.inputs.numpy()])
    np.testing.assert_array_equal(test.ids, g.offsets[test.inputs.numpy()])


@needs_wordnet
def test_the_probe_floor_reads_the_node_features_as_a_sparse_matrix() -> None:
    from bench.competence import raw_features

    task = get_task("wordnet-graph")
    split = task.load_split("test")
    features, what = raw_features(task, split)
    assert what == "node features" and features.layout == torch.sparse_coo
    dense = GRAPH.noun_graph(GRAPH.SAMPLE).graph.x[split.inputs]
    assert features._nnz() == int((dense != 0).sum()) < 0.01 * dense.numel()
    assert torch.equal(features.to_dense(), dense)


@needs_wordnet
def test_gnn_training_is_deterministic_for_a_seed(tmp_path) -> None:
    task = SmallWordNetGraph()
    specs = {s.name: s for s in task.roster()}
    assert {s.architecture for s in specs.values()} == {"gcn", "sage", "gat", "gin"}
    first, second = Embedder(SpaceCache(tmp_path / "a")), Embedder(SpaceCache(tmp_path / "b"))
    for name in ("gcn-s0", "sage-s0", "gat-s0", "gin-s0"):
        a, b = first.spaces(task, specs[name]), second.spaces(task, specs[name])
        np.testing.assert_array_equal(np.asarray(a["test"].x), np.asarray(b["test"].x))
        assert a["test"].x.shape == (len(task.load_split("test").ids), specs[name].dim)
        assert first.report(task, specs[name])["accuracy"] > 0.5  # 26 classes: chance is below 0.25
    other = first.spaces(task, specs["gcn-s1"])["test"].x
    assert not np.array_equal(np.asarray(other), np.asarray(first.spaces(task, specs["gcn-s0"])["test"].x))
    checkpoint = next((tmp_path / "a" / "checkpoints" / task.name).glob("gcn-s0-*.safetensors"))
    assert not any(key.endswith(("x", "edge_index")) for key in load_file(checkpoint))  # the graph is not saved


def test_planetoid_absent_is_skipped_with_how_to_provide_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BENCH_PLANETOID_DATA", str(tmp_path))
    with pytest.raises(Skipped, match=r"Cora not found: .*Cora/raw lacks ind\.cora\.x, .*Planetoid\("):
        get_task("cora").load_split("train")


def write_planetoid(raw, name: str, x: np.ndarray, labels: np.ndarray, edge_index: np.ndarray, n_test: int):
    """The eight Planetoid files of a graph whose first 20 nodes are `y`, last `n_test` nodes the test set."""
    n, n_classes = len(x), int(labels.max()) + 1
    onehot = np.eye(n_classes)[labels]
    graph = {i: sorted(edge_index[1, edge_index[0] == i].tolist()) for i in range(n)}
    items = {"x": x[:20], "y": onehot[:20], "allx": x[:-n_test], "ally": onehot[:-n_test],
             "tx": x[-n_test:], "ty": onehot[-n_test:], "graph": graph}  # fmt: skip
    for key, value in items.items():
        (raw / f"ind.{name}.{key}").write_bytes(pickle.dumps(value))
    (raw / f"ind.{name}.test.index").write_text("\n".join(str(i) for i in range(n - n_test, n)) + "\n")


@needs_wordnet
def test_planetoid_read_from_a_fixture_in_its_format(tmp_path, monkeypatch) -> None:
    """A Cora-format copy of the small WordNet graph (real nodes, features, labels and edges)."""
    g = GRAPH.noun_graph(SmallWordNetGraph.sample)
    x, edge_index = g.graph.x.numpy(), g.graph.edge_index.numpy()
    raw = tmp_path / "Cora" / "raw"
    raw.mkdir(parents=True)
    write_planetoid(raw, "cora", x, g.labels, edge_index, n_test=1000)
    monkeypatch.setenv("BENCH_PLANETOID_DATA", str(tmp_path))
    PLANETOID.planetoid.cache_clear()
    try:
        task = get_task("cora")
        train, test = task.load_split("train"), task.load_split("test")
        n = len(x)
        assert test.inputs.tolist() == list(range(n - 1000, n))
        assert len(train.ids) == n - 1000 - 500  # split "full": all but the 500 validation and the test nodes
        np.testing.assert_array_equal(test.labels, g.labels[n - 1000 :])
        graph = task.context()["graph"]
        torch.testing.assert_close(graph.x, torch.as_tensor(x))
        assert graph.edge_index.shape == edge_index.shape
    finally:
        PLANETOID.planetoid.cache_clear()


def test_graph_run_skips_absent_planetoid_cells(tmp_path, cache_dir) -> None:
    proc = bench(
        "run", "--manifest", "benchmarks/full-data.toml", "--task", "pubmed", "--method", "procrustes",
        "--anchors", "10", "--seeds", "0",
        "--encoder", "gcn-s0,sage-s0", "--results", str(tmp_path / "results"), "--quiet", cache=cache_dir,
        env={"BENCH_PLANETOID_DATA": str(tmp_path / "none")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "results" / "tasks" / "pubmed.md").read_text()
    assert "Skipped cells (4)" in text and "PubMed not found" in text


def test_a_gnn_without_a_graph_is_a_clear_error() -> None:
    from bench.encoders.gnn import gcn_body
    from bench.errors import BenchError

    with pytest.raises(BenchError, match="GCN encoder needs the task's graph"):
        gcn_body((10,), 8)
