"""State stores: where sessions and learner progress live (SQLite by default)."""
