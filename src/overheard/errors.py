"""Errors a user can read: one line each, raised as OverheardError and shown without a traceback."""


class OverheardError(Exception):
    """A failure with a message meant for the user (the CLI prints it as one line)."""


class InputError(OverheardError):
    """An input file that cannot be ingested; the message says why, specifically."""


class CaseError(OverheardError):
    """The case folder or its database cannot be used."""


class NotAvailable(OverheardError):
    """An optional back-end (a model, a translator) is not installed or not configured."""
