"""The catalogue of recyclable materials and their grades."""
