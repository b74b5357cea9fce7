"""The one exception a service raises to refuse something: its message is Chinese and is shown to
the user as it is (flashed on an admin page, printed by a command), never a traceback.

Each feature's error (ValidationError, WorkflowError, AccountError, …) derives from it, so the
admin view base and the command line handle them all in one place; `field` names the form input
the message belongs to, when there is one.
"""
from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    @property
    def message(self) -> str:
        return str(self)
