"""`mailcheck scan`: archives → a stream of messages → worker processes → records and a summary."""
