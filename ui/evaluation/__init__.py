"""Evaluation view: verdicts, reasons and the poverty-rate chart."""
