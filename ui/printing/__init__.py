"""Printing: PDF preview, printer and saving."""
