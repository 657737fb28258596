"""The case form: field editors, the lines-of-treatment editor, drafts and undo."""
