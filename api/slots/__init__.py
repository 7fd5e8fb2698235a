"""Pickup time slots per zone, with a capacity."""
