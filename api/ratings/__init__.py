"""Ratings both ways after a completed pickup: resident and collector rate each other."""
