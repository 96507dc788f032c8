"""The command-line commands: `mailcheck FILE`, `filter`, `scan`, and the settings they share."""
