"""Encoders: specs (`spec`), how each kind is built (`catalog`: one entry point, builders registered by kind and
imported only when used), the architectures trained here and their training, and the frozen pretrained networks
(packaged and hub) for images, text and audio.

Importing this package imports no encoder library: listing specs never loads torchaudio, transformers,
onnxruntime, gensim, timm or torch_geometric.
"""

from bench.encoders.spec import EncoderKind, EncoderSpec, fingerprint, trained_roster

__all__ = ["EncoderKind", "EncoderSpec", "fingerprint", "trained_roster"]
