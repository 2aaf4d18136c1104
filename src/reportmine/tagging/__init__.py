"""Tagging passages with codebook labels: a keyword matcher giving evidence, and
a trained statistical model giving calibrated scores (see MODEL_CARD.md)."""
