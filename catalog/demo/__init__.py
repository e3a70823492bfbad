"""Demo data: a believable Fukuoka Prefecture catalog (see load_demo)."""


def load_demo() -> str:
    raise NotImplementedError
