"""The case report: HTML, PDF and printing."""
