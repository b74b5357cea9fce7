"""Projects, materials, review (filled in by the workflow work)."""


def register(admin) -> None:
    return None
