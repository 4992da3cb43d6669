"""Alongside: a Telegram companion for people between therapy sessions."""

__version__ = "0.1.0"
