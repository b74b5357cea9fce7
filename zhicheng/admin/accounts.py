"""Accounts, units, departments, dictionaries (filled in by the accounts work)."""


def register(admin) -> None:
    return None
