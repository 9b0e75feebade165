"""The commune's upward packages: outbox, delivery and receipts."""
