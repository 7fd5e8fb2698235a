"""What residents and collectors are owed: balances and entries read from the ledger."""
