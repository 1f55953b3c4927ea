"""The synthetic corpus and its answer key."""
