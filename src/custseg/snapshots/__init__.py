"""Snapshots: one classification run as of a date, stored once and never changed."""
