"""Helpers every ui folder shares: the interface's phrase tables and how problems look."""
