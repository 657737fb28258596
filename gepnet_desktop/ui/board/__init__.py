"""Tumour-board decisions in the window: the record/edit dialog and the per-case list."""
