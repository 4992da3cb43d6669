"""The dialog engine: pure data and functions, no I/O beyond reading the dialog files.

Everything a person reads comes from `dialogs/`; this package validates those files,
checks them for their authors, and steps a conversation forward one event at a time.
"""
