"""Regulators: read-only views of custody, flows, alerts and the registry; compliance actions."""
