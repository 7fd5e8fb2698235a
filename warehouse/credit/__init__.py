"""Collector credit scoring helpers that live outside dbt (refitting the scorecard)."""
