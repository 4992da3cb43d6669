"""When check-ins are due and how they go out: wall-clock rules and the outbox."""
