"""Recycling plants: registration with permits, admin review, earnest-money deposits."""
