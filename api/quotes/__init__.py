"""Quotes: prices locked for a booking."""
