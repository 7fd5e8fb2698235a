"""Versioned tariffs: what residents are paid per kg or piece."""
