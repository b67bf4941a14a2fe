"""Encoder rosters that several tasks share (specs only: listing a roster builds nothing)."""

from __future__ import annotations

from dataclasses import replace

from bench.encoders.spec import EncoderSpec, trained_roster

SEEDS = (0, 1, 2)
#: How the image networks are trained (`bench.encoders.training`): AdamW on batches of 128, a one-cycle schedule
#: peaking at 3e-3, weight decay 1e-4.
IMAGE_TRAINING = {"batch_size": 128, "lr": 3e-3, "weight_decay": 1e-4, "schedule": "onecycle"}

#: The trained-here roster of the 28 × 28 image tasks: architecture → (latent dim, seeds, training); three
#: classifier architectures × three seeds and the MLP autoencoder × two.
ROSTER_28PX = {
    "mlp": (64, SEEDS, {**IMAGE_TRAINING, "epochs": 20}),
    "cnn": (128, SEEDS, {**IMAGE_TRAINING, "epochs": 15}),
    "resnet": (96, SEEDS, {**IMAGE_TRAINING, "epochs": 15}),
    "mlp-ae": (32, (0, 1), {**IMAGE_TRAINING, "epochs": 30}),
}

#: The papers' pretrained text encoders (hub; mean-pooled last hidden states), with the packaged MiniLM as a bridge
#: to the default suite: BERT base cased/uncased, ELECTRA base, RoBERTa base, CLIP ViT-B/32's text tower.
TEXT_HUB_ROSTER = (
    EncoderSpec("bert-cased", "hf/bert-base-cased", 768, kind="hub"),
    EncoderSpec("bert-uncased", "hf/bert-base-uncased", 768, kind="hub"),
    EncoderSpec("electra", "hf/google/electra-base-discriminator", 768, kind="hub"),
    EncoderSpec("roberta", "hf/roberta-base", 768, kind="hub"),
    EncoderSpec("clip-text-b32", "open_clip/ViT-B-32:openai", 512, kind="hub", inputs={"tower": "text"}),
    EncoderSpec("minilm-l6", "all-minilm-l6-v2", 384, kind="packaged"),
)

#: The anchors relative-trained encoders project on: those of the cells with 300 anchors and seed 0, so that the
#: relative-representations protocol (a source's projection on these anchors into the target's relative decoder)
#: applies to exactly those cells; and the version of the relative decoder (`RelativeClassifier`; 2: the
#: similarities layer-normalised first, as the authors' code does), part of the encoders' fingerprints.
RELATIVE_TRAINING = {"anchors": 300, "seed": 0, "decoder": 2}


def relative_roster(specs: list[EncoderSpec]) -> list[EncoderSpec]:
    """The same trained-here classifiers (architectures, seeds, training), trained end to end through a relative
    projection on RELATIVE_TRAINING's anchors (`bench.encoders.architectures.RelativeClassifier`), named
    `rel-<name>`."""
    return [
        replace(s, name=f"rel-{s.name}", training={**s.training, "relative": RELATIVE_TRAINING})
        for s in specs
        if s.kind == "trained" and s.architecture != "mlp-ae"
    ]


#: GNN architecture: latent dim; node encoders are trained full-batch for 200 epochs with Adam at 1e-2
NODE_ARCHITECTURES = {"gcn": 64, "sage": 96, "gat": 128, "gin": 64}
FULL_BATCH = 1_000_000


def node_roster(seeds: tuple[int, ...] = SEEDS, epochs: int = 200) -> list[EncoderSpec]:
    """GCN, GraphSAGE, GAT and GIN × `seeds`, as trained-here specs of a node task."""
    training = {"epochs": epochs, "batch_size": FULL_BATCH, "lr": 1e-2}
    return trained_roster({arch: (dim, seeds, training) for arch, dim in NODE_ARCHITECTURES.items()})


#: How the log-mel encoders are trained: as the image networks (AdamW, one-cycle schedule peaking at 3e-3, weight
#: decay 1e-4) on batches of 64 for 30 epochs (a constant 1e-3 for 10 epochs left seeds 5 points apart); the 1-D
#: network, with batch norm, for 40. Seeds' own test accuracy on an AVX-512 machine: the CNN relative-trained
#: 0.874 / 0.836 / 0.856 at 20 epochs (3.7 points apart), 0.852 / 0.860 / 0.867 at 30 (1.5), trained the usual way
#: 0.886 / 0.879 / 0.882 at 20, 0.885 / 0.878 / 0.883 at 30; the 1-D network relative-trained, without batch norm
#: 0.839 / 0.868 / 0.814 at 30 epochs (5.4 points), 0.841 / 0.874 / 0.844 at 40; with it 0.895 / 0.911 / 0.873 at
#: 30, 0.909 / 0.916 / 0.899 at 40 (1.7 points); trained the usual way, with batch norm, 0.916 / 0.908 / 0.913 at 40.
AUDIO_TRAINING = {"epochs": 30, "batch_size": 64, "lr": 3e-3, "weight_decay": 1e-4, "schedule": "onecycle"}
CONV1D_TRAINING = {**AUDIO_TRAINING, "epochs": 40}


def spoken_words_roster() -> list[EncoderSpec]:
    """The log-mel CNN and 1-D convolutional encoders trained here (seeds 0–2, 64-d) and Resemblyzer's speaker
    encoder (packaged, 256-d)."""
    trained = trained_roster({"mel-cnn": (64, SEEDS, AUDIO_TRAINING), "mel-conv1d": (64, SEEDS, CONV1D_TRAINING)})
    return [*trained, EncoderSpec("resemblyzer", "resemblyzer", 256, kind="packaged")]


#: Whisper tiny.en (packaged: offline, but its 30 s window costs 0.3–0.7 s a recording on two CPU cores, 50 times
#: the other audio encoders) and torchaudio's speech pipelines (kind `hub`: weights from $BENCH_WEIGHTS/<name>.pth or
#: torch's hub cache).
AUDIO_HUB_ROSTER = (
    EncoderSpec("whisper-tiny-en", "whisper-tiny-en", 384, kind="packaged"),
    EncoderSpec("wav2vec2-base", "torchaudio/WAV2VEC2_BASE", 768, kind="hub"),
    EncoderSpec("hubert-base", "torchaudio/HUBERT_BASE", 768, kind="hub"),
    EncoderSpec("wavlm-base", "torchaudio/WAVLM_BASE", 768, kind="hub"),
)

#: gensim settings of the word vectors fitted here (`bench.encoders.wordvectors`): 100-d, window 5, words seen at
#: least 5 times, 20 epochs (the glosses are a small corpus: gensim's default 5 leaves the spaces unconverged), one
#: worker thread (deterministic).
WORD_VECTORS = {"vector_size": 100, "window": 5, "min_count": 5, "epochs": 20, "workers": 1}


def word_vector_spec(architecture: str, seed: int) -> EncoderSpec:
    """A word-vector space fitted here on WordNet's glosses (`word2vec-sg`, `word2vec-cbow`, `fasttext-sg`)."""
    dim = WORD_VECTORS["vector_size"]
    return EncoderSpec(f"{architecture}-s{seed}", architecture, dim, kind="fitted", seed=seed, training=WORD_VECTORS)
