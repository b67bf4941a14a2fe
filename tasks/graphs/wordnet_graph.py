"""The WordNet noun graph: node classification of synsets into their supersense, across GNN architectures
and seeds (the relative-representations paper's cross-seed GNN setting, on offline data).

Nodes are WordNet 3.0 noun synsets (Debian's `wordnet-base`, read by `bench.data.wordnet`); undirected edges join
synsets related by hypernymy/hyponymy (class and instance) or meronymy/holonymy (member, part, substance);
the label is the synset's lexicographer file (25 noun supersenses and noun.Tops: 26 classes); node features
are a binary bag of words of the gloss over its 1,000 most frequent non-stop-words (scikit-learn's
CountVectorizer; the lemmas are not among the features). The default graph, sized for a CPU, is 8,000
synsets drawn at random (seed 0) together with all their hypernyms up to `entity`: connected by construction,
13,593 nodes and 14,734 edges. `wordnet-graph-full` is every noun synset (82,115). Nodes are split 60/20/20
train/validation/test, stratified by label (seed 0); the validation nodes are kept out of both splits the
protocols use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import train_test_split

from bench.data import wordnet
from bench.data.graph import Graph
from bench.data.rosters import node_roster, relative_roster
from bench.encoders import EncoderSpec
from bench.tasks import Split, Task

SAMPLE = 8000
VOCABULARY = 1000
#: hypernym, hyponym, instance hypernym/hyponym, member/substance/part holonym and meronym
RELATIONS = ("@", "~", "@i", "~i", "#m", "#s", "#p", "%m", "%s", "%p")


@dataclass(frozen=True)
class NounGraph:
    offsets: np.ndarray  # the synset of each node (WordNet offset), ascending
    labels: np.ndarray
    graph: Graph
    split: np.ndarray  # "train", "val" or "test" per node


def hypernym_closure(nouns: dict[int, wordnet.Synset], start: list[int]) -> set[int]:
    """`start` with every synset reachable from it through (instance) hypernyms."""
    nodes, stack = set(start), list(start)
    while stack:
        for parent in nouns[stack.pop()].related("@", "@i"):
            if parent not in nodes:
                nodes.add(parent)
                stack.append(parent)
    return nodes


def edges(nouns: dict[int, wordnet.Synset], offsets: np.ndarray) -> torch.Tensor:
    """The undirected relation edges among `offsets`, both directions, as a sorted 2 × E index."""
    index = {o: i for i, o in enumerate(offsets.tolist())}
    pairs = {
        (min(i, j), max(i, j))
        for o, i in index.items()
        for j in (index.get(p) for p in nouns[o].related(*RELATIONS))
        if j is not None and j != i
    }
    one_way = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    both = np.concatenate([one_way, one_way[:, ::-1]])
    both = both[np.lexsort((both[:, 1], both[:, 0]))]
    return torch.as_tensor(both.T.copy())


@cache
def noun_graph(sample: int | None) -> NounGraph:
    nouns = wordnet.synsets("noun")
    offsets = np.array(sorted(nouns), dtype=np.int64)
    if sample is not None:
        drawn = np.random.default_rng(0).choice(offsets, sample, replace=False)
        offsets = np.array(sorted(hypernym_closure(nouns, drawn.tolist())), dtype=np.int64)
    labels = np.array([wordnet.SUPERSENSES.index(nouns[o].lexname) for o in offsets], dtype=np.int64)
    glosses = [nouns[o].gloss for o in offsets]
    bag = CountVectorizer(max_features=VOCABULARY, stop_words="english", binary=True).fit_transform(glosses)
    x = torch.as_tensor(bag.toarray(), dtype=torch.float32)
    nodes = np.arange(len(offsets))
    train, rest = train_test_split(nodes, train_size=0.6, stratify=labels, random_state=0)
    val, test = train_test_split(rest, test_size=0.5, stratify=labels[rest], random_state=0)
    split = np.empty(len(nodes), dtype=object)
    split[train], split[val], split[test] = "train", "val", "test"
    return NounGraph(offsets, labels, Graph(x, edges(nouns, offsets)), split)


class WordNetGraph(Task):
    name = "wordnet-graph"
    version = "1"
    modality = "graphs"
    n_classes = len(wordnet.SUPERSENSES)
    description = (
        "WordNet noun synsets → supersense (26 classes); 8,000 random synsets (seed 0) with their hypernyms: "
        "13,593 nodes, 14,734 relation edges, 60/20/20 stratified split"
    )
    provenance = "Debian `wordnet-base` (WordNet 3.0, Princeton University)"
    licence = "WordNet 3.0 licence (free, with attribution)"
    protocols = ("stitched_classification", "own_decoder", "translation_fidelity", "similarity")
    input_shape = (VOCABULARY,)
    #: synsets drawn before the hypernym closure (None: every noun synset)
    sample: int | None = SAMPLE

    def load_split(self, split: str) -> Split:
        g = noun_graph(self.sample)
        nodes = np.flatnonzero(g.split == split)
        return Split(torch.as_tensor(nodes), g.labels[nodes], g.offsets[nodes])

    def context(self) -> dict[str, Graph]:
        return {"graph": noun_graph(self.sample).graph}

    def roster(self) -> list[EncoderSpec]:
        return node_roster() + relative_roster(node_roster())


class WordNetGraphFull(WordNetGraph):
    """Every noun synset; not in the default suite."""

    name = "wordnet-graph-full"
    description = "WordNet noun synsets → supersense (26 classes), all 82,115 synsets, 60/20/20 stratified split"
    sample = None
    in_default_suite = False
