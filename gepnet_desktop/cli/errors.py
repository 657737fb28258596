"""The error a command raises to stop with a message and an exit code."""


class CliError(Exception):
    """A sentence for the user and the exit code (2: bad input, 1: a failure found)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
