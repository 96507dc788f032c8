"""`mailcheck filter`: procmail/Postfix filter mode (message in, message + our header fields out)."""
