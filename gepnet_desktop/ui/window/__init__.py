"""The main window and its parts: actions and menus, dialogs, the error dialog, the start of the
application, file operations, database upkeep and safety, settings and background tasks."""
