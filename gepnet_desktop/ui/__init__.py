"""The desktop window (PySide6). Holds no clinical rule and no SQL."""
