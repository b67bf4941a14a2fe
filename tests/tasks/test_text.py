"""Text tasks and encoders: the corpus's word ids by hand, the gloss and word tasks' splits on real WordNet
entries, the packaged sentence encoders (same embedding twice, known dimension, pooling checked against the
libraries' own), deterministic training of the text encoders and word vectors, and the hub text loaders
(transformers and open_clip text towers) round-tripped through local files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from bench.data import wordnet
from bench.data.corpus import PAD, UNKNOWN, Corpus, corpus
from bench.encoders import EncoderSpec, text, wordvectors
from bench.encoders.architectures import ARCHITECTURES
from bench.encoders.build import build
from bench.encoders.training import TrainingConfig, seeded_init, train
from bench.errors import BenchError, Skipped
from bench.plugins import get_task, plugins
from tests.helpers import bench, tiny_clip_config

GLOSS = sys.modules[plugins().tasks.get("wordnet-gloss").__module__]
WORDS = sys.modules[plugins().tasks.get("wordnet-words").__module__]
DOG = 2084071  # dog, domestic dog, Canis familiaris (noun.animal)
SENTENCES = (
    "a domesticated carnivorous mammal that barks and is kept as a pet",
    "a young dog",
    "the market in which shares of stock are bought and sold",
)


def small_corpus() -> Corpus:
    return corpus(list(SENTENCES), np.arange(3), vocabulary=1000, length=16)


def test_corpus_word_ids_by_hand() -> None:
    c = corpus(["the cat sat", "a dog", "cat cat purred on"], np.array([0, 1]), vocabulary=3, length=3)
    # train words by frequency: cat, dog, sat, the (one each; CountVectorizer keeps the first 3 by count, then
    # alphabetically); ids are 2 + their alphabetical rank; "a" is shorter than two characters.
    vocab = ["cat", "dog", "sat"]
    assert c.n_words == len(vocab) + 2
    ids = {w: i + 2 for i, w in enumerate(vocab)}
    assert c.words.tolist() == [
        [UNKNOWN, ids["cat"], ids["sat"]],
        [ids["dog"], PAD, PAD],
        [ids["cat"], ids["cat"], UNKNOWN],
    ]


def test_gloss_split_is_stratified_disjoint_and_real() -> None:
    g = GLOSS.glosses(6000, 1000)
    nouns = wordnet.synsets("noun")
    assert (g.split == "train").sum() == 6000 and (g.split == "test").sum() == 1000
    assert len(set(g.offsets.tolist())) == 7000
    for row in (0, 3500, 6999):
        synset = nouns[int(g.offsets[row])]
        assert g.corpus.texts[row] == synset.gloss
        assert wordnet.SUPERSENSES[g.labels[row]] == synset.lexname
    share = {s: np.bincount(g.labels[g.split == s], minlength=26) / (g.split == s).sum() for s in ("train", "test")}
    assert np.abs(share["train"] - share["test"]).max() < 0.01  # stratified
    full = GLOSS.glosses(None, None)
    assert (full.split == "test").sum() == 16423 and len(full.offsets) == len(nouns)
    assert set(g.offsets[g.split == "test"].tolist()) <= set(full.offsets[full.split == "test"].tolist())
    assert "domesticated" in nouns[DOG].gloss and nouns[DOG].lexname == "noun.animal"


def test_gloss_encoders_learn_from_more_train_glosses_and_never_from_a_test_one() -> None:
    task = get_task("wordnet-gloss")
    g, alone = task.data(), GLOSS.glosses(6000, 1000)
    own, train, test = task.encoder_training_split(), task.load_split("train"), task.load_split("test")
    assert len(own.ids) == GLOSS.ENCODER_TRAINING == 24000 and (g.split == "encoder-train").sum() == 18000
    # the task's own train and test glosses are those of the split without the encoders' extra glosses
    assert np.array_equal(train.ids, alone.offsets[alone.split == "train"])
    assert np.array_equal(test.ids, alone.offsets[alone.split == "test"])
    assert set(train.ids) <= set(own.ids) and not set(own.ids) & set(test.ids)
    full = GLOSS.glosses(None, None)
    assert set(own.ids) <= set(full.offsets[full.split == "train"].tolist())
    share = np.bincount(own.labels, minlength=26) / len(own.labels)
    assert np.abs(share - np.bincount(train.labels, minlength=26) / len(train.labels)).max() < 0.01  # stratified


def test_the_probe_floor_counts_the_commonest_train_words_of_each_gloss() -> None:
    from collections import Counter

    from bench.competence import PROBE_WORDS, word_counts

    task = get_task("wordnet-gloss")
    words, train = task.data().corpus.words, task.load_split("train").inputs
    totals = Counter(w for row in words[train].tolist() for w in row if w not in (PAD, UNKNOWN))
    rows = task.load_split("test").inputs[:50]
    counts = word_counts(words, rows, task)
    assert counts.shape == (50, PROBE_WORDS) and counts.layout == torch.sparse_coo
    counts = counts.to_dense()
    common = sorted(totals, key=lambda w: (-totals[w], w))[:PROBE_WORDS]  # ties: the smaller word id first
    kept = set(common)
    for row, gloss in zip(counts, words[rows].tolist(), strict=True):
        mine = Counter(w for w in gloss if w in kept)
        assert row.tolist() == [float(mine[w]) for w in common]


def test_gloss_roster_has_packaged_and_trained_encoders() -> None:
    roster = get_task("wordnet-gloss").roster()
    kinds = {s.name: s.kind for s in roster}
    assert kinds["minilm-l6"] == kinds["paraphrase-l3"] == "packaged"
    trained = [name for name, kind in kinds.items() if kind == "trained"]
    assert len(trained) == 12 and sum(name.startswith("rel-") for name in trained) == 6  # 6 relative-trained


def test_minilm_gives_the_same_384_d_embedding_twice_as_sentence_transformers_does() -> None:
    from sentence_transformers import SentenceTransformer

    spec = EncoderSpec("minilm-l6", "all-minilm-l6-v2", 384, kind="packaged")
    encoder = build(spec, corpus=small_corpus())
    rows = torch.arange(3)
    first, second = encoder.encode(rows), encoder.encode(rows)
    assert first.shape == (3, 384)
    torch.testing.assert_close(first, second, rtol=0, atol=0)
    theirs = SentenceTransformer(str(text.minilm_folder()), device="cpu").encode(list(SENTENCES))
    # the library normalises its output (a Normalize module); the pooled vectors agree in direction
    ours = torch.nn.functional.normalize(first, dim=1).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_paraphrase_onnx_pools_its_last_hidden_states_like_its_own_pooled_output() -> None:
    import onnxruntime

    spec = EncoderSpec("paraphrase-l3", "paraphrase-minilm-l3-v2", 384, kind="packaged")
    encoder = build(spec, corpus=small_corpus())
    rows = torch.arange(3)
    first = encoder.encode(rows)
    assert first.shape == (3, 384)
    torch.testing.assert_close(first, encoder.encode(rows), rtol=0, atol=0)
    session = onnxruntime.InferenceSession(str(text.paraphrase_onnx()), providers=["CPUExecutionProvider"])
    batch = encoder.tokenizer(list(SENTENCES), padding=True, return_tensors="np")
    outputs = session.run(None, {k: batch[k].astype(np.int64) for k in ("input_ids", "attention_mask")})
    pooled = next(o for o in outputs if o.ndim == 2 and o.shape[1] == 384)
    np.testing.assert_allclose(first.numpy(), pooled, atol=1e-5)
    cos = torch.nn.functional.cosine_similarity
    assert cos(first[0], first[1], dim=0) > cos(first[0], first[2], dim=0) + 0.2  # dog ~ young dog, not stock


def test_packaged_text_encoder_needs_a_corpus_and_a_known_name() -> None:
    with pytest.raises(BenchError, match="needs a text task's corpus"):
        build(EncoderSpec("m", "all-minilm-l6-v2", 384, kind="packaged"))
    with pytest.raises(BenchError, match=r"unknown packaged architecture 'all-minilm-l6'.*all-minilm-l6-v2"):
        build(EncoderSpec("m", "all-minilm-l6", 384, kind="packaged"), corpus=small_corpus())


@pytest.mark.parametrize("architecture", ["bow", "text-cnn"])
def test_text_encoders_train_deterministically(architecture) -> None:
    g = GLOSS.glosses(6000, 1000)
    rows = torch.as_tensor(np.flatnonzero(g.split == "train")[:600])
    arch = ARCHITECTURES.get(architecture)
    states = []
    for _ in range(2):
        seeded_init(3)
        model = arch.build((g.corpus.n_words,), 16, 26, corpus=g.corpus)
        train(model, rows, g.labels[rows.numpy()], "classification", 3, TrainingConfig(epochs=1))
        states.append(model.state_dict())
    for name, tensor in states[0].items():
        assert torch.equal(tensor, states[1][name]), name
    assert model.encode(rows[:5]).shape == (5, 16)
    with pytest.raises(BenchError, match="needs the task's corpus"):
        arch.build((g.corpus.n_words,), 16, 26)


def test_word_vectors_are_the_same_in_another_process() -> None:
    code = (
        "import hashlib; from bench.data.rosters import WORD_VECTORS; from bench.encoders.wordvectors import "
        "word_vectors; v = word_vectors('word2vec-sg', 4, ['dog', 'plant'], WORD_VECTORS | {'epochs': 1}); "
        "print(hashlib.sha1(v.vectors.numpy().tobytes()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True,
            env=os.environ | {"PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }  # fmt: skip
    assert len(digests) == 1 and len(next(iter(digests))) == 40


def test_word_task_samples_frequent_content_words() -> None:
    v = WORDS.vocabulary()
    assert len(v.words) == len(set(v.words)) == 10_000
    assert (v.split == "test").sum() == 2000
    assert not set(v.words) & {"the", "of", "and", "or"}
    assert {"genus", "plant", "person"} <= set(v.words)
    assert wordvectors.stable_hash("dog") == 0x812C397D != wordvectors.stable_hash("dogs")


@pytest.mark.parametrize("pooling,layer", [("mean", -1), ("cls", 1)])
def test_transformer_weights_load_from_a_local_folder(offline_hub, pooling, layer) -> None:
    from transformers import AutoTokenizer, BertConfig, BertModel

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(text.minilm_folder())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64)  # fmt: skip
    reference = BertModel(config).eval()
    reference.save_pretrained(offline_hub / "tiny-bert")
    tokenizer.save_pretrained(offline_hub / "tiny-bert")
    spec = EncoderSpec("tiny-bert", "hf/org/tiny-bert", 32, kind="hub", inputs={"pooling": pooling, "layer": layer})
    encoder = build(spec, corpus=small_corpus())
    batch = tokenizer(list(SENTENCES), padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = reference(**batch, output_hidden_states=True).hidden_states[layer]
    m = batch["attention_mask"].unsqueeze(-1).float()
    expected = hidden[:, 0] if pooling == "cls" else (hidden * m).sum(1) / m.sum(1)
    torch.testing.assert_close(encoder.encode(torch.arange(3)), expected, rtol=1e-5, atol=1e-6)


def test_absent_transformer_weights_skip_with_how_to_provide_them(offline_hub) -> None:
    spec = EncoderSpec("bert-cased", "hf/bert-base-cased", 768, kind="hub")
    with pytest.raises(Skipped, match=f"{offline_hub}/bert-cased/.*hf download bert-base-cased"):
        build(spec, corpus=small_corpus())
    with pytest.raises(BenchError, match="needs a text task's corpus"):
        build(spec)


def test_open_clip_text_tower_loads_from_a_local_file(offline_hub, tmp_path) -> None:
    import open_clip

    tiny_clip_config(tmp_path)
    reference = open_clip.create_model("bench-tiny-clip").eval()
    torch.save(reference.state_dict(), offline_hub / "tiny-clip-text.pth")
    spec = EncoderSpec("tiny-clip-text", "open_clip/bench-tiny-clip", 32, kind="hub", inputs={"tower": "text"})
    encoder = build(spec, corpus=small_corpus())
    with torch.inference_mode():
        expected = reference.encode_text(open_clip.get_tokenizer("bench-tiny-clip")(list(SENTENCES)))
    assert expected.shape == (3, 32)
    torch.testing.assert_close(encoder.encode(torch.arange(3)), expected, rtol=0, atol=0)


def test_hub_text_cells_are_skipped_offline(tmp_path, cache_dir) -> None:
    proc = bench(
        "run", "--manifest", "benchmarks/text-pretrained.toml", "--task", "wordnet-gloss-hub",
        "--encoder", "bert-cased,roberta", "--method", "procrustes", "--anchors", "10", "--seeds", "0",
        "--results", str(tmp_path / "results"), "--quiet", cache=cache_dir,
        env={"BENCH_WEIGHTS": str(tmp_path / "weights")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(p.read_text()) for p in (tmp_path / "results" / "records").glob("*/*.json")]
    assert len(records) == 4 and {r["status"] for r in records} == {"skipped"}
    assert all("hf download" in r["error"] for r in records)
