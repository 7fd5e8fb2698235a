"""Named leases: at most one holder at a time across processes and machines."""
