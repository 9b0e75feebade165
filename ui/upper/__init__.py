"""The level above's window."""
