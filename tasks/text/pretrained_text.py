"""The papers' pretrained text pairs, for full runs (not in the default suite).

Encoders (`bench.encoders.hub`, mean-pooled last hidden states): BERT base cased and uncased, ELECTRA base
(discriminator) and RoBERTa base from Hugging Face, OpenAI's CLIP ViT-B/32 text tower through open_clip, and the
packaged all-MiniLM-L6-v2 as a bridge to the default suite. Weights come from `$BENCH_WEIGHTS/<encoder>/` (a
`save_pretrained` folder) or the libraries' caches; where absent, the cells are recorded `skipped` with how to
provide them. Data: TREC (coarse, 6 classes), AG News (4) and DBpedia-14 (14) with their official splits, read
from `$BENCH_TEXT_DATA/<task>/{train,test}.parquet` (columns `text`, `label`) or else through the Hugging Face
`datasets` loader from its local cache (WordNet's glosses with this roster, offline, are `wordnet-gloss-hub`).
Run: `python -m bench run --manifest benchmarks/text-pretrained.toml --device cuda`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from bench.cache import data_folder
from bench.data.corpus import Corpus, corpus
from bench.data.rosters import TEXT_HUB_ROSTER
from bench.encoders import EncoderSpec
from bench.errors import Skipped
from bench.tasks import Split, Task


def data_root() -> Path:
    return data_folder("BENCH_TEXT_DATA", "text")


@cache
def labelled_texts(task: str, dataset: str, text_field: str, label_field: str) -> tuple[pd.DataFrame, Corpus]:
    """Both official splits as one frame (columns text, label, split), and their corpus."""
    frames = {}
    for split in ("train", "test"):
        local = data_root() / task / f"{split}.parquet"
        if local.is_file():
            frames[split] = pd.read_parquet(local, columns=["text", "label"])
            continue
        try:
            import datasets

            data = datasets.load_dataset(dataset, split=split)
        except (ImportError, OSError, ValueError, ConnectionError) as e:
            raise Skipped(
                f"{dataset} not found offline ({type(e).__name__}): write {local} (columns text, label) or, on a "
                f'connected machine with `pip install datasets`, python -c "import datasets; '
                f"datasets.load_dataset('{dataset}')\""
            ) from None
        frames[split] = pd.DataFrame({"text": data[text_field], "label": data[label_field]})
    frame = pd.concat([f.assign(split=s) for s, f in frames.items()], ignore_index=True)
    texts = frame["text"].astype(str).tolist()
    return frame, corpus(texts, np.flatnonzero(frame["split"] == "train"), 10_000, 48)


class HubTextTask(Task):
    """A text classification set with the hub roster; subclasses name the Hugging Face dataset and fields."""

    modality = "text"
    protocols = ("stitched_classification", "translation_fidelity", "similarity")
    in_default_suite = False
    licence = "see the data set's card"
    dataset: str
    text_field = "text"
    label_field = "label"

    def data(self) -> tuple[pd.DataFrame, Corpus]:
        return labelled_texts(self.name, self.dataset, self.text_field, self.label_field)

    def load_split(self, split: str) -> Split:
        frame, _ = self.data()
        rows = np.flatnonzero(frame["split"] == split)
        return Split(torch.as_tensor(rows), frame["label"].to_numpy(np.int64)[rows], rows)

    def context(self) -> dict[str, Corpus]:
        return {"corpus": self.data()[1]}

    def roster(self) -> list[EncoderSpec]:
        return list(TEXT_HUB_ROSTER)


class TREC(HubTextTask):
    name = "trec"
    n_classes = 6
    dataset, label_field = "CogComp/trec", "coarse_label"
    description = "TREC question classification, 6 coarse classes (5,452 train / 500 test)"
    provenance = "Li and Roth 2002, through Hugging Face datasets (CogComp/trec)"


class AGNews(HubTextTask):
    name = "ag-news"
    n_classes = 4
    dataset = "fancyzhx/ag_news"
    description = "AG News topic classification, 4 classes (120,000 train / 7,600 test)"
    provenance = "Zhang, Zhao and LeCun 2015, through Hugging Face datasets (fancyzhx/ag_news)"


class DBpedia(HubTextTask):
    name = "dbpedia"
    n_classes = 14
    dataset, text_field = "fancyzhx/dbpedia_14", "content"
    description = "DBpedia ontology classification, 14 classes (560,000 train / 70,000 test)"
    provenance = "Zhang, Zhao and LeCun 2015, through Hugging Face datasets (fancyzhx/dbpedia_14)"
