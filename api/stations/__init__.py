"""Recycling stations and the deliveries collectors hand over there."""
