"""Machine-readability report (placeholder until the rules land)."""


def lint(con, result):
    return None
