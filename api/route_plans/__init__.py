"""Daily route plans: one OR-Tools solve per zone and day, versioned, shown to collectors."""
