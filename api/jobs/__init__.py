"""Jobs: bookings seen from the collector's side (feed, claim, execution, weighing)."""
