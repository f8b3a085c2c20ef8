"""Hand-in on a shared machine: an exchange folder each learner can write into and nobody else can read.

On a class hub (real mode) the learners are system accounts. As nbgrader's
exchange does, hand-ins go through a folder outside the homes:

``setup`` (the instructor, as root)
    ``<exchange>/<class>/inbound/<learner>/`` for every learner of the class,
    each owned by the learner with mode 700; ``inbound`` itself is owned by root
    with mode 711 (anyone may pass through it to their own folder; nobody can
    list it). So a learner can write only their own folder and read nobody else's.
``submit`` (a learner, as themselves)
    copies their exported progress file into their own folder, readable by them
    alone (mode 600).
``gather`` (the instructor, as root)
    copies every hand-in into one folder for ``python -m widgets.lessons collect``,
    which grades them (the file's name and header must name its learner; a file
    in another learner's folder is refused by name).

The exchange root is ``/srv/miss-exchange`` unless ``MISS_EXCHANGE`` says otherwise.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

__all__ = ["ExchangeError", "exchange_root", "gather", "inbound", "setup", "submit"]


class ExchangeError(ValueError):
    """A hand-in cannot be made or gathered (one line says why)."""


def exchange_root() -> Path:
    """Return the exchange folder (``MISS_EXCHANGE`` overrides ``/srv/miss-exchange``)."""
    return Path(os.environ.get("MISS_EXCHANGE", "/srv/miss-exchange"))


def inbound(class_name: str, root: str | Path | None = None) -> Path:
    """Return the inbound folder of a class."""
    from widgets.quiz.store import StoreError, check_learner

    try:
        check_learner(class_name)
    except StoreError:
        raise ExchangeError(f"class name {class_name!r} is not a plain name (letters, digits,"
                            " '-', '_')") from None
    return Path(root if root is not None else exchange_root()) / class_name / "inbound"


def setup(class_name: str, learners: Iterable[str], *, root: str | Path | None = None) -> Path:
    """Create the inbound folder and one folder per learner (run as root); return ``inbound``."""
    import pwd

    box = inbound(class_name, root)
    box.mkdir(parents=True, exist_ok=True)
    for folder in (box.parent.parent, box.parent):
        os.chmod(folder, 0o755)
    os.chmod(box, 0o711)
    for learner in learners:
        try:
            entry = pwd.getpwnam(learner)
        except KeyError:
            raise ExchangeError(f"learner {learner!r} has no account on this machine") from None
        own = box / learner
        own.mkdir(exist_ok=True)
        os.chown(own, entry.pw_uid, entry.pw_gid)
        os.chmod(own, 0o700)
    return box


def submit(file: str | Path, *, class_name: str, learner: str | None = None,
           root: str | Path | None = None) -> Path:
    """Copy a learner's exported progress file into their own inbound folder; return the copy."""
    import getpass

    file = Path(file)
    learner = learner or getpass.getuser()
    own = inbound(class_name, root) / learner
    if not file.is_file():
        raise ExchangeError(f"{file}: no such progress file to hand in")
    if not own.is_dir():
        raise ExchangeError(f"{own}: no hand-in folder for {learner!r}; ask your instructor to"
                            " set up the exchange")
    target = own / file.name
    old = os.umask(0o077)
    try:
        shutil.copyfile(file, target)
    finally:
        os.umask(old)
    os.chmod(target, 0o600)
    return target


def gather(class_name: str, dest: str | Path, *,
           root: str | Path | None = None) -> tuple[list[Path], list[Path]]:
    """Copy every hand-in of a class into ``dest`` (for ``collect``); return (copied, refused).

    A file whose name does not start with the learner whose folder holds it (a
    hand-in in someone else's name) is refused and returned as such.
    """
    box = inbound(class_name, root)
    if not box.is_dir():
        raise ExchangeError(f"{box}: no exchange for class {class_name!r}")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out, refused = [], []
    for own in sorted(p for p in box.iterdir() if p.is_dir()):
        for file in sorted(own.glob("*.jsonl")):
            if not file.name.startswith(f"{own.name}-"):
                refused.append(file)
                continue
            target = dest / file.name
            shutil.copyfile(file, target)
            out.append(target)
    return out, refused
