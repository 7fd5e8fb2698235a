"""Withdrawals from wallets to an external payout provider, exactly once per request."""
