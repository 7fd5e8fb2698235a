"""Lots made at stations from delivered material, sold to plants at auction."""
