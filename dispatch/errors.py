"""Errors raised by the dispatch package."""


class ProblemError(ValueError):
    """The problem is malformed; the message names the offending item."""


class MatrixError(RuntimeError):
    """A travel matrix could not be obtained (routing server down, bad answer)."""
