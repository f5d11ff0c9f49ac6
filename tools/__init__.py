"""Developer tools: the application icon, the bundle and the Windows installer (not shipped in the program)."""
