"""Automatic sync: change capture (outbox), quota-aware draining into feeds,
reconciliation, urgent stock patches and the signed stock webhook."""
