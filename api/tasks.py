"""Imports every domain's Celery tasks so a worker registers them all."""

TASK_MODULES: tuple[str, ...] = (
    "payouts",
    "collectors",
    "jobs",
    "route_plans",
    "custody",
    "auctions",
    "warehouse_api",
)

for _module in TASK_MODULES:
    __import__(f"api.{_module}.tasks")
