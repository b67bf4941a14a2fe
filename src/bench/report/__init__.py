"""Reporting: records → one tidy table → `leaderboard.md` with its figures."""
