"""Adapters that speak to people. They translate; the rules live in `bot.checkins`."""
