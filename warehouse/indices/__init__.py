"""Recycled-material price indices: bilateral, GEKS multilateral, splicing, sample rules.

Python API (see README.md in this package for the method definitions):

    compute_index(observations, method, window=None, splice="mean", splice_onto="published")
    splice_onto_published(published, window_index, splice="mean")
    splice_onto_previous_window(published, previous_window, window_index, splice="mean")
    apply_sample_rules(observations, SampleParams(...))

Command line: ``python -m warehouse.indices --input FILE.csv --method METHOD``.
"""

from warehouse.indices.compute import METHODS, compute_index
from warehouse.indices.observations import IndexInputError, Observation, Period
from warehouse.indices.sample_rules import FilterResult, SampleParams, apply_sample_rules
from warehouse.indices.splice import SPLICES, splice_onto_previous_window, splice_onto_published

__all__ = [
    "METHODS",
    "SPLICES",
    "FilterResult",
    "IndexInputError",
    "Observation",
    "Period",
    "SampleParams",
    "apply_sample_rules",
    "compute_index",
    "splice_onto_previous_window",
    "splice_onto_published",
]
