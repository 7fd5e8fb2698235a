"""Residents' pickup bookings and their timeline."""
