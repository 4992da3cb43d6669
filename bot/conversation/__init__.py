"""The use cases of one inbound event, by concern."""
