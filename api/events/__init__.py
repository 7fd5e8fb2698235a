"""State-change events: every change of a booking, job, lot or manifest leaves one behind."""
