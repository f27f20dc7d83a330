"""Automatic sync status: the outbox, the last and next feed, why it waits."""
