"""The double-entry ledger in integer cents, and payouts to an external provider."""
