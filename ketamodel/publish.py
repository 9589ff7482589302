"""The book's address, kept in one place, and the files derived from it.

The address is three values in ``_config.yml``: the repository (``repository.url``, a
GitHub repository), its branch (``repository.branch``) and a JupyterHub
(``launch_buttons.jupyterhub_url``; empty for none). Jupyter Book makes the repository
and issues buttons and the Binder, Colab and JupyterHub launch links from them, and
``ketamodel.sphinx_site`` derives the published copy's address (GitHub Pages, the
book's ``html_baseurl``) when the book is built. Three committed files repeat the
address, so they are rewritten from it rather than edited by hand:

- the Colab install cell of each chapter notebook (it installs the library from the
  repository and branch, ``pip install git+URL@BRANCH``);
- ``CITATION.cff`` (``repository-code`` and ``url``, the published copy);
- the "Read" item of ``README.md`` (the published copy).

From the top of the repository::

    # set the address in _config.yml and rewrite every derived file
    python -m ketamodel.publish address https://github.com/OWNER/REPO --branch main --hub URL
    python -m ketamodel.publish check     # exit 1, naming each derived file that disagrees
    python -m ketamodel.publish show      # the address and the published copy's URL

As shipped, the address is :data:`PLACEHOLDER`; a build with it works (offline too)
and says once in its log that the links point nowhere yet.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["PLACEHOLDER", "Address", "derived_files", "disagreements", "is_placeholder",
           "main", "pages_url", "read_address", "write_address"]

_GITHUB = re.compile(r"https://github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/"
                     r"([A-Za-z0-9._-]+)")
_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]*")
#: Hosts reserved for examples (RFC 2606, RFC 6761); an address on one points nowhere.
RESERVED_HOSTS = ("example.org", "example.com", "example.net", "example", "invalid", "test",
                  "localhost")
#: Marks the Colab install cell of a chapter notebook.
COLAB_MARK = '"google.colab" in sys.modules'


@dataclass(frozen=True)
class Address:
    """Where the book lives: a GitHub repository, its branch and a JupyterHub.

    Parameters
    ----------
    repository : str
        ``https://github.com/OWNER/REPO`` (a trailing ``/`` or ``.git`` is dropped).
    branch : str
        The branch that launch links and the Colab install cell use.
    hub : str
        Address of a JupyterHub with nbgitpuller, or ``""`` for no JupyterHub button.
    """

    repository: str
    branch: str = "main"
    hub: str = ""

    def __post_init__(self) -> None:
        repo = str(self.repository).strip().rstrip("/").removesuffix(".git")
        if not _GITHUB.fullmatch(repo):
            raise ValueError(f"repository must be https://github.com/OWNER/REPO (launch links "
                             f"for Binder and Colab need GitHub), got {self.repository!r}")
        branch = str(self.branch).strip()
        if not _BRANCH.fullmatch(branch) or ".." in branch or branch.endswith(("/", ".lock")):
            raise ValueError(f"branch must be a git branch name such as 'main', "
                             f"got {self.branch!r}")
        hub = str(self.hub or "").strip().rstrip("/")
        parts = urlsplit(hub)
        if hub and (parts.scheme not in ("http", "https") or not parts.hostname
                    or parts.query or parts.fragment or " " in hub):
            raise ValueError(f"hub must be the http(s) address of a JupyterHub, or '' for "
                             f"none, got {self.hub!r}")
        object.__setattr__(self, "repository", repo)
        object.__setattr__(self, "branch", branch)
        object.__setattr__(self, "hub", hub)

    @property
    def owner_repo(self) -> str:
        """``OWNER/REPO``."""
        return self.repository.removeprefix("https://github.com/")

    @property
    def pip_spec(self) -> str:
        """What the Colab install cell gives pip, ``git+URL@BRANCH``."""
        return f"git+{self.repository}@{self.branch}"


#: The address the book ships with, before anyone publishes it.
PLACEHOLDER = Address("https://github.com/ketamodel/ketamine-book", "main",
                      "https://hub.example.org")


def pages_url(repository: str) -> str:
    """The GitHub Pages address of a repository's site, ending in ``/``.

    Parameters
    ----------
    repository : str
        ``https://github.com/OWNER/REPO``.

    Returns
    -------
    str
        ``https://owner.github.io/REPO/``, or ``https://owner.github.io/`` for the
        repository ``OWNER.github.io`` itself.
    """
    owner, repo = Address(repository).owner_repo.split("/")
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if repo.lower() == host else f"https://{host}/{repo}/"


def _reserved(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in RESERVED_HOSTS)


def is_placeholder(address: Address) -> list[str]:
    """Which parts of ``address`` point nowhere: ``"repository"``, ``"hub"``, or none."""
    parts = []
    if address.repository == PLACEHOLDER.repository:
        parts.append("repository")
    if address.hub and _reserved(address.hub):
        parts.append("hub")
    return parts


# --- the one place: _config.yml ---------------------------------------------------------------

def _config_path(root: Path) -> Path:
    return Path(root) / "_config.yml"


def read_address(root: Path | str = ".") -> Address:
    """The address in ``root/_config.yml``."""
    import yaml

    config = yaml.safe_load(_config_path(Path(root)).read_text(encoding="utf-8")) or {}
    repo = config.get("repository") or {}
    launch = config.get("launch_buttons") or {}
    return Address(repo.get("url", ""), repo.get("branch") or "main",
                   launch.get("jupyterhub_url") or "")


def _set_key(text: str, block: str, key: str, value: str) -> str:
    """Set ``key`` (two-space indented) inside the top-level mapping ``block``."""
    match = re.search(rf"^{block}:[^\n]*\n((?:(?:[ \t][^\n]*)?\n)*)", text, re.M)
    if match is None:
        raise ValueError(f"_config.yml has no top-level '{block}:' mapping")
    body, n = re.subn(rf"^(  {key}:[ \t]*)[^\n]*$", lambda m: m.group(1) + json.dumps(value),
                      match.group(1), count=1, flags=re.M)
    if n == 0:                                    # add the key at the top of the block
        body = f"  {key}: {json.dumps(value)}\n" + body
    return text[:match.start(1)] + body + text[match.end(1):]


def _config_text(text: str, address: Address) -> str:
    text = _set_key(text, "repository", "url", address.repository)
    text = _set_key(text, "repository", "branch", address.branch)
    return _set_key(text, "launch_buttons", "jupyterhub_url", address.hub)


# --- the derived files ----------------------------------------------------------------------

def _colab_lines(address: Address, line_limit: int = 80) -> list[str]:
    """The last lines of the Colab install cell, after its ``"pip",`` line.

    Split in two when one would be longer than the notebooks' ``line_limit``.
    """
    one = f'        "install -q {address.pip_spec}")'
    if len(one) <= line_limit:
        return [one]
    return ['        "install -q "\n', f'        "{address.pip_spec}")']


def _notebook_text(text: str, address: Address) -> str | None:
    """The notebook with its Colab install cell for ``address``; None without such a cell."""
    nb = json.loads(text)
    found = False
    for cell in nb.get("cells", []):
        source = "".join(cell.get("source", []))
        if cell.get("cell_type") != "code" or COLAB_MARK not in source or "git+" not in source:
            continue
        lines = source.splitlines(keepends=True)
        head = next((i for i, ln in enumerate(lines) if ln.strip() == '"pip",'), None)
        if head is None:
            raise ValueError("the Colab install cell has no '\"pip\",' line")
        cell["source"] = lines[:head] + [lines[head].rstrip("\n") + "\n"] + _colab_lines(address)
        found = True
    if not found:
        return None
    out = json.dumps(nb, indent=1, ensure_ascii=False)
    return out + "\n" if text.endswith("\n") else out


def _cff_text(text: str, address: Address) -> str:
    for key, value in (("repository-code", address.repository),
                       ("url", pages_url(address.repository))):
        line = f"{key}: {json.dumps(value)}"
        text, n = re.subn(rf"^{key}:[^\n]*$", line, text, count=1, flags=re.M)
        if n == 0:
            raise ValueError(f"CITATION.cff has no '{key}:' line")
    return text


def _readme_text(text: str, address: Address) -> str:
    match = re.search(r"^- \*\*Read\*\*.*?(?=^- \*\*|^#|\Z)", text, re.M | re.S)
    if match is None:
        raise ValueError("README.md has no '- **Read**' item")
    # The published copy is the item's autolink, <https://owner.github.io/REPO/>.
    item, n = re.subn(r"<https://[A-Za-z0-9.-]+\.github\.io/[^\s>]*>",
                      f"<{pages_url(address.repository)}>", match.group(0))
    if n == 0:
        raise ValueError("the README's '- **Read**' item names no published copy "
                         "(<https://owner.github.io/REPO/>)")
    return text[:match.start()] + item + text[match.end():]


def derived_files(root: Path | str, address: Address) -> dict[Path, str]:
    """What every file that repeats the address should hold for ``address``.

    Parameters
    ----------
    root : str
        Top of the book's repository (a path).
    address : Address
        The address.

    Returns
    -------
    dict
        Path of each derived file (``CITATION.cff``, ``README.md``, each chapter notebook
        with a Colab install cell) → its text for ``address``; the rest of each file as
        it is now.
    """
    root = Path(root)
    out = {root / "CITATION.cff": _cff_text((root / "CITATION.cff").read_text("utf-8"), address),
           root / "README.md": _readme_text((root / "README.md").read_text("utf-8"), address)}
    for path in sorted((root / "chapters").glob("*.ipynb")):
        text = _notebook_text(path.read_text(encoding="utf-8"), address)
        if text is not None:
            out[path] = text
    return out


def disagreements(root: Path | str = ".") -> list[str]:
    """Each derived file that disagrees with the address in ``_config.yml``, and why."""
    import difflib

    root = Path(root)
    address = read_address(root)
    problems = []
    for path, want in derived_files(root, address).items():
        have = path.read_text(encoding="utf-8")
        if have != want:
            diff = [ln for ln in difflib.unified_diff(have.splitlines(), want.splitlines(),
                                                      lineterm="", n=0)
                    if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
            problems.append(f"{path.relative_to(root)} disagrees with _config.yml's address: "
                            + "; ".join(d.strip() for d in diff[:4]))
    return problems


def write_address(root: Path | str, address: Address) -> list[Path]:
    """Set the address in ``root/_config.yml`` and rewrite every derived file.

    Returns
    -------
    list
        The files that changed (paths).
    """
    root = Path(root)
    config = _config_path(root)
    old = config.read_text(encoding="utf-8")
    new = _config_text(old, address)
    changed = []
    if new != old:
        config.write_text(new, encoding="utf-8")
        changed.append(config)
    if read_address(root) != address:
        config.write_text(old, encoding="utf-8")
        raise ValueError("_config.yml did not take the new address (is its layout unusual?)")
    for path, text in derived_files(root, address).items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


# --- the command ----------------------------------------------------------------------------

def _describe(address: Address) -> str:
    nowhere = is_placeholder(address)
    note = f"  (placeholder: {', '.join(nowhere)})" if nowhere else ""
    return (f"repository  {address.repository}\nbranch      {address.branch}\n"
            f"hub         {address.hub or '(none)'}\n"
            f"published   {pages_url(address.repository)}{note}")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ketamodel.publish {address,check,show}``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m ketamodel.publish",
                                     description="The book's address and its derived files.")
    parser.add_argument("--root", default=".", help="top of the book's repository")
    sub = parser.add_subparsers(dest="command", required=True)
    set_ = sub.add_parser("address", help="set the address and rewrite every derived file")
    set_.add_argument("repository", help="https://github.com/OWNER/REPO")
    set_.add_argument("--branch", help="branch (default: keep the current one)")
    set_.add_argument("--hub", help="JupyterHub address, '' for none (default: keep)")
    check = sub.add_parser("check", help="exit 1 if a derived file disagrees with the address")
    check.add_argument("--expect-repository", metavar="URL",
                       help="also exit 1 unless the address is this repository")
    sub.add_parser("show", help="print the address and the published copy's URL")
    args = parser.parse_args(argv)
    root = Path(args.root)
    try:
        current = read_address(root)
        if args.command == "show":
            print(_describe(current))
            return 0
        if args.command == "check":
            problems = disagreements(root)
            if args.expect_repository and \
                    Address(args.expect_repository).repository != current.repository:
                problems.append(f"_config.yml's repository is {current.repository}, not "
                                f"{Address(args.expect_repository).repository}: run "
                                f"python -m ketamodel.publish address "
                                f"{Address(args.expect_repository).repository}")
            for p in problems:
                print(p, file=sys.stderr)
            if not problems:
                print("every derived file agrees with the address in _config.yml")
            return 1 if problems else 0
        address = Address(args.repository,
                          current.branch if args.branch is None else args.branch,
                          current.hub if args.hub is None else args.hub)
        changed = write_address(root, address)
    except (OSError, ValueError) as exc:
        print(f"ketamodel.publish: {exc}", file=sys.stderr)
        return 2
    print(_describe(address))
    print("\n".join(f"rewrote {p.relative_to(root)}" for p in changed) or "nothing to change")
    return 0


if __name__ == "__main__":
    sys.exit(main())
