"""Audio: synthesis is deterministic and fails clearly without its synthesisers; the hold-out keeps every speaker
on one side; the log-mel front end and the trained architectures give the documented shapes; the packaged
Whisper encoder's front end is right (it transcribes synthesised words) and both packaged encoders are stable."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
import torch

from bench.data import speech, spoken_words
from bench.data.recordings import Recordings
from bench.encoders import audio
from bench.encoders.architectures import ARCHITECTURES
from bench.encoders.build import build
from bench.errors import BenchError
from bench.plugins import get_task
from bench.spaces import Space

#: flite's `slt` voice, at its normal speed and low pitch: words Whisper tiny.en transcribes
CLEAR = [speech.Utterance(w, "flite:slt", 1.0, 160) for w in ("zero", "seven", "coffee")]


@pytest.fixture(scope="module")
def spoken() -> speech.SpokenWords:
    items = [*CLEAR, speech.Utterance("horse", "espeak:en-gb-x-rp+f2", 1.15, 65)]
    return speech.generate(items)


def test_synthesis_is_deterministic_and_round_trips_through_flac(spoken, tmp_path) -> None:
    again = speech.generate([speech.Utterance(u.word, u.speaker, u.speed, u.pitch) for u in (*CLEAR,)])
    for a, b in zip(spoken.waveforms, again.waveforms, strict=False):
        assert a.dtype == np.int16 and a.tobytes() == b.tobytes()
    speech.write_flac(spoken.waveforms)(tmp_path / "speech.flac")
    spoken.manifest.to_csv(tmp_path / "manifest.csv", index=False)
    read = speech.read(tmp_path)
    assert all(np.array_equal(a, b) for a, b in zip(spoken.waveforms, read.waveforms, strict=True))
    row = read.manifest.iloc[3]
    assert (row.word, row.synthesiser, row.voice) == ("horse", "espeak", "en-gb-x-rp+f2")
    assert (row.speed, row.pitch) == (1.15, 65)
    assert list(read.manifest["length"]) == [len(w) for w in spoken.waveforms]


def test_speech_is_trimmed_16_khz(spoken) -> None:
    for w in spoken.waveforms:
        seconds = len(w) / speech.SAMPLE_RATE
        assert 0.2 < seconds < 1.0  # one word, its silence trimmed
        assert np.abs(w[: 50 * 16]).max() < 0.05 * np.abs(w).max()  # the 50 ms margin before the word is quiet


def test_missing_synthesiser_is_one_clear_error(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BenchError, match=r"^espeak-ng and flite not found: .*apt-get install espeak-ng flite\)$"):
        speech.require_synthesisers()


def test_speakers_are_held_out() -> None:
    items = speech.utterances()
    manifest = pd.DataFrame({"speaker": [u.speaker for u in items], "word": [u.word for u in items]})
    manifest["split"] = spoken_words.hold_out(manifest["speaker"])
    sides = manifest.groupby("speaker")["split"].nunique()
    assert (sides == 1).all() and len(sides) == 28
    assert manifest.groupby("split")["speaker"].nunique().to_dict() == {"test": 7, "train": 21}
    per_word = manifest.groupby(["word", "split"]).size().unstack()
    assert (per_word["test"] == 28).all() and (per_word["train"] == 84).all()  # 7 or 21 speakers × 4 renditions
    assert len(items) == 50 * 28 * 4


def test_log_mel_shape_dtype_and_standardisation(spoken) -> None:
    rec = Recordings.from_waveforms(spoken.waveforms, 16_000)
    assert rec.waveforms.shape == (4, 16_000) and rec.waveforms.dtype == torch.int16
    mel = audio.LogMel()(rec.floats(torch.arange(4)))
    assert mel.shape == (4, 1, 64, 101) and mel.dtype == torch.float32  # 10 ms frames over 1 s, both ends
    torch.testing.assert_close(mel.mean(dim=(1, 2, 3)), torch.zeros(4), atol=1e-4, rtol=0)
    torch.testing.assert_close(mel.std(dim=(1, 2, 3)), torch.ones(4), atol=1e-3, rtol=0)


@pytest.mark.parametrize("architecture", ["mel-cnn", "mel-conv1d"])
def test_trained_audio_architectures_map_rows_to_latents(spoken, architecture) -> None:
    rec = Recordings.from_waveforms(spoken.waveforms, 16_000)
    model = ARCHITECTURES.get(architecture).build((16_000,), 64, 50, recordings=rec)
    assert model.encode(torch.tensor([2, 0])).shape == (2, 64)
    assert model(torch.tensor([1])).shape == (1, 50)
    assert not any("recordings" in k for k in model.state_dict())  # data stays out of the checkpoint


def test_whisper_front_end_transcribes_and_embeds_stably(spoken) -> None:
    rec = Recordings.from_waveforms(spoken.waveforms, 16_000)
    whisper = build(get_task("spoken-words-hub").encoder("whisper-tiny-en"), recordings=rec)
    said = [t.lower().strip(" .!?") for t in whisper.transcribe(torch.arange(3))]
    assert said == ["zero", "7", "coffee"]
    z = whisper.encode(torch.arange(4))
    assert z.shape == (4, 384) and torch.equal(z, whisper.encode(torch.arange(4)))
    Space(z.numpy(), np.zeros(4), np.arange(4), {})  # finite, well-formed


def test_resemblyzer_gives_unit_speaker_embeddings(spoken) -> None:
    rec = Recordings.from_waveforms(spoken.waveforms, 16_000)
    voice = build(get_task("spoken-words").encoder("resemblyzer"), recordings=rec)
    z = voice.encode(torch.arange(4))
    assert z.shape == (4, 256) and torch.equal(z, voice.encode(torch.arange(4)))
    torch.testing.assert_close(z.norm(dim=1), torch.ones(4), atol=1e-4, rtol=0)
    same_voice = z[0] @ z[1]  # both flite:slt
    assert same_voice > z[0] @ z[3]  # vs espeak's RP female variant


def test_speech_commands_reads_the_official_layout_and_skips_without_it(spoken, tmp_path, monkeypatch) -> None:
    import soundfile as sf

    from bench.errors import Skipped

    commands = sys.modules[type(get_task("speech-commands")).__module__]
    monkeypatch.setenv("BENCH_SPEECHCOMMANDS", str(tmp_path))
    commands.dataset.cache_clear()
    with pytest.raises(Skipped, match=f"Speech Commands v0.02 not found under {tmp_path}: set BENCH_SPEECHCOMMANDS"):
        get_task("speech-commands").load_split("train")
    folder = tmp_path / "SpeechCommands" / "speech_commands_v0.02"
    clips = {"zero/aaaa1111_nohash_0.wav": 0, "seven/aaaa1111_nohash_0.wav": 1, "zero/bbbb2222_nohash_0.wav": 2,
             "seven/cccc3333_nohash_0.wav": 1}  # fmt: skip
    for clip, i in clips.items():
        (folder / clip).parent.mkdir(parents=True, exist_ok=True)
        sf.write(folder / clip, spoken.waveforms[i], 16_000, subtype="PCM_16")
    (folder / "testing_list.txt").write_text("zero/bbbb2222_nohash_0.wav\n")
    (folder / "validation_list.txt").write_text("seven/cccc3333_nohash_0.wav\n")
    commands.dataset.cache_clear()
    try:
        task = get_task("speech-commands")
        train, test = task.load_split("train"), task.load_split("test")
        zero, seven = commands.LABELS.index("zero"), commands.LABELS.index("seven")
        assert sorted(train.labels.tolist()) == sorted([zero, seven]) and test.labels.tolist() == [zero]
        recordings = task.context()["recordings"]
        assert recordings.waveforms.shape == (3, 16_000)
        n = len(spoken.waveforms[2])
        assert torch.equal(recordings.waveforms[test.ids[0], :n], torch.from_numpy(spoken.waveforms[2]))
    finally:
        commands.dataset.cache_clear()
