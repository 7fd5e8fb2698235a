"""Residents' profiles and pickup addresses (personal data)."""
