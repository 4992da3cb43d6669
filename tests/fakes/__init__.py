"""Shared fakes: a person talking to the service layer, and a Bot API test server."""
