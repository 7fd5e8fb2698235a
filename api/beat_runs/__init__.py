"""Beat runs: when the leading beat last sent each periodic task, shared by every beat."""
