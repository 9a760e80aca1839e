"""The one error the estimator raises for input it cannot estimate."""

from __future__ import annotations


class EstimateError(ValueError):
    """A case or design that cannot be estimated; the message says why, in the user's words.

    Raised for unknown models or systems, impossible lengths, zero GPUs, and models that fit
    in memory at no parallel layout. The CLI prints it as ``{"id": ..., "error": message}``.
    """
