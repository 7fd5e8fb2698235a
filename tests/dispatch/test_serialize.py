"""JSON round trips of the problem and the plan."""

from __future__ import annotations

import json

from dispatch import Problem, RoutePlan, SolveParams, plan_routes
from dispatch.synthetic import make_city_day


def test_problem_and_plan_survive_json():
    """to_dict -> json -> from_dict gives equal objects, integers staying integers."""
    problem = make_city_day(30, 3, num_stations=2, seed=3)
    plan = plan_routes(problem, SolveParams(time_limit_s=1))
    plan_json = json.loads(json.dumps(plan.to_dict()))
    problem_json = json.loads(json.dumps(problem.to_dict()))
    assert RoutePlan.from_dict(plan_json) == plan
    assert Problem.from_dict(problem_json) == problem
    assert isinstance(plan_json["summary"]["distance_m"], int)
    assert plan_json["routes"][0]["stops"][0]["kind"] == "start"
