"""Collectors as platform workers: enrolment, review, skills, shifts, location pings."""
