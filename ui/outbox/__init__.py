"""The commune's outbox: its packages for the level above, their delivery and the receipts."""
