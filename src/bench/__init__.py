"""latent-bench: a benchmark suite for latent communication between independently trained encoders."""

__version__ = "0.1.0"
