"""Graph neural network encoders for node tasks, from torch_geometric's models (GCN, GraphSAGE, GAT, GIN).

A node task's inputs are node indices; the encoder holds the task's graph (node features and edges, not
saved in checkpoints) and maps indices to the last hidden layer of the GNN run over the whole graph:
z_v = h_v^{(L)} with h^{(l)} = act(conv_l(h^{(l-1)}, edges)), h^{(0)} = node features. Training is then the
suite's usual loop over batches of node indices (a batch as large as the train split is full-batch training).
"""

from __future__ import annotations

from torch import Tensor, nn

from bench.data.graph import Graph
from bench.errors import BenchError

Shape = tuple[int, ...]
LAYERS = 2


class NodeEncoder(nn.Module):
    def __init__(self, gnn: nn.Module, graph: Graph):
        super().__init__()
        self.gnn = gnn
        self.register_buffer("x", graph.x, persistent=False)
        self.register_buffer("edge_index", graph.edge_index, persistent=False)

    def forward(self, nodes: Tensor) -> Tensor:
        return self.gnn(self.x, self.edge_index)[nodes]


def gnn_body(model: str, shape: Shape, dim: int, graph: Graph | None = None, **options: object) -> NodeEncoder:
    """A `LAYERS`-layer torch_geometric model (`GCN`, `GraphSAGE`, `GAT`, `GIN`) with `dim` hidden channels,
    activated after its last layer (`out_channels=None`), over `graph`."""
    from torch_geometric.nn import models

    if graph is None:
        raise BenchError(f"a {model} encoder needs the task's graph (a node task's `context()` gives it)")
    gnn = getattr(models, model)(in_channels=shape[0], hidden_channels=dim, num_layers=LAYERS, **options)
    return NodeEncoder(gnn, graph)


def gcn_body(shape: Shape, dim: int, graph: Graph | None = None) -> NodeEncoder:
    return gnn_body("GCN", shape, dim, graph)


def sage_body(shape: Shape, dim: int, graph: Graph | None = None) -> NodeEncoder:
    return gnn_body("GraphSAGE", shape, dim, graph)


def gat_body(shape: Shape, dim: int, graph: Graph | None = None) -> NodeEncoder:
    return gnn_body("GAT", shape, dim, graph, heads=4)


def gin_body(shape: Shape, dim: int, graph: Graph | None = None) -> NodeEncoder:
    return gnn_body("GIN", shape, dim, graph)
