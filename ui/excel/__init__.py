"""Excel import and export in the window."""
