"""The shipped dialog files (installed as the `alongside_dialogs` package)."""
