"""Read-only HTTP access to the warehouse marts (price indices, credit scores, flows, lots)."""
