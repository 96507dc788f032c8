"""Raw bytes → facts: the message, its Received chain, dates, the envelope sender, links."""
