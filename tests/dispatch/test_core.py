"""The solver core's model helpers."""

from __future__ import annotations

from tests.dispatch.test_solver import square_model


def test_job_nodes_exclude_depots_and_reloads():
    """Only customers are jobs; the shared depot is not."""
    model = square_model()
    assert model.num_nodes == 4
    assert model.job_nodes() == [1, 2, 3]
