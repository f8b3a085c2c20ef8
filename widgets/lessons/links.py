"""nbgitpuller links: one click pulls the lessons into a learner's home on the hub.

``python -m widgets.lessons link --hub URL --repo GIT_URL [--branch main] [LESSON]``
prints a link of the form nbgitpuller documents::

    <hub>/hub/user-redirect/git-pull?repo=<repo>&branch=<branch>&targetpath=<folder>
        &urlpath=lab/tree/<folder>/notebooks/<lesson>.ipynb

Opening it logs the learner in, clones the repository into ``<folder>`` in their
home the first time, and later pulls its updates with nbgitpuller's merge, which
keeps the learner's own edits (a file they changed keeps their change; one they
deleted comes back).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

__all__ = ["LinkError", "pull_link"]


class LinkError(ValueError):
    """A link cannot be made (one line says why)."""


def _folder(repo: str) -> str:
    name = repo.rstrip("/").rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".git") else name


def pull_link(*, hub: str, repo: str, branch: str = "main", lesson: str | None = None,
              folder: str | None = None, app: str = "lab") -> str:
    """Return the nbgitpuller link of ``repo`` on ``hub``, opening ``lesson`` (a stem) if given."""
    parts = urlsplit(hub)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LinkError(f"hub {hub!r} is not an http(s) address such as https://hub.example.edu")
    if not repo.strip():
        raise LinkError("repo is empty; give the git address of the lessons' repository")
    if lesson is not None:
        from widgets.core.catalog import lesson as catalog_lesson

        try:
            catalog_lesson(lesson)
        except KeyError as exc:
            raise LinkError(exc.args[0]) from None
    if app not in ("lab", "tree"):
        raise LinkError(f"app {app!r} is not one of lab, tree")
    folder = folder or _folder(repo)
    path = f"{folder}/notebooks/{lesson}.ipynb" if lesson else folder
    # nbgitpuller's own default folder keeps a trailing ".git": name the folder always
    query = {"repo": repo, "branch": branch, "targetpath": folder, "urlpath": f"{app}/tree/{path}"}
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{urlencode(query, quote_via=quote)}"
