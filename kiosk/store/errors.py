"""Store errors, apart from the database module so the UI can catch them without loading it."""


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do."""
