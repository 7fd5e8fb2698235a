"""Residents' disputes of a weighing, with evidence, resolved by an admin with compensation."""
