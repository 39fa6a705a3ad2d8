"""Data shipped inside the package: experiment configs, tasks and library machines.

Read through `importlib.resources`, so they load the same from a source checkout, an
installed wheel or a zip, and no module builds paths from its own `__file__`.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from speedprior.errors import UnknownNameError

_FOLDERS = {"config": "configs", "task": "configs/tasks", "sweep": "configs/sweeps", "machine": "tm/machines"}


def _folder(what: str) -> Traversable:
    node = files("speedprior")
    for part in _FOLDERS[what].split("/"):
        node = node / part
    return node


def names(what: str) -> list[str]:
    """The shipped items of one kind ('config', 'task', 'machine'), by name, sorted."""
    return sorted(entry.name[: -len(".toml")] for entry in _folder(what).iterdir() if entry.name.endswith(".toml"))


def exists(what: str, name: str) -> bool:
    """Whether a shipped item of that kind and name exists."""
    return name in names(what)


def read(what: str, name: str) -> str:
    """The TOML text of a shipped config, task or machine, by name (without `.toml`)."""
    if not exists(what, name):
        raise UnknownNameError(f"no shipped {what} {name!r}; shipped: {', '.join(names(what))}")
    return (_folder(what) / f"{name}.toml").read_text(encoding="utf-8")
