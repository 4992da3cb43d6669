"""Sharing with a therapist: link codes, the scopes a person picks, weekly summaries.

Pure: no I/O. The use cases that store and send are in `bot.conversation.sharing`.
"""
