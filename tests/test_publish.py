"""Publishing the book: its address in one place, the workflow, the published site.

- The address (repository, branch, JupyterHub) lives in ``_config.yml``; every committed
  file that repeats it (each chapter's Colab install cell, ``CITATION.cff``, the README's
  "Read" item) agrees with it, and ``python -m ketamodel.publish address`` rewrites them
  all (and back, byte for byte); ``check`` names a file that disagrees.
- Two small books built as the book is (``jupyter-book build -W -n --keep-going``, the
  book's own ``_config.yml``): with the placeholder address the build passes and says
  once that the links point nowhere yet; after the command changes the address, every
  link of the built pages follows it and none names the old one.
- The built book: every chapter's repository and issues buttons and canonical address,
  the version and build date in every footer, the 404 page, the sitemap.
- ``.github/workflows/publish.yml`` runs the README's commands on Python 3.11 and deploys
  ``_build/html``; ``.ci/publish`` pushes the built folder to ``gh-pages`` (run against a
  local bare repository standing in for GitHub) and refuses a remote that is not the
  book's address.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

import ketamodel
from ketamodel import publish
from ketamodel.publish import PLACEHOLDER, Address, pages_url, read_address
from ketamodel.sphinx_site import BUILD_INFO_CLASS, NOT_FOUND, PLACEHOLDER_NOTE, site_root
from ketamodel.sphinxext import toc_pages

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
JB = str(Path(sys.executable).with_name("jupyter-book"))
CHAPTERS = [p for p in toc_pages(ROOT) if p.startswith("chapters/")]
ADDRESS = read_address(ROOT)
PUBLISHED = pages_url(ADDRESS.repository)
#: A fork's address, for the tests that change it.
FORK = Address("https://github.com/Alice-Lab/ketamine-course", "spring-2027",
               "https://jupyter.alice-university.edu")
FORK_PAGES = "https://alice-lab.github.io/ketamine-course/"
#: What the committed files say about the address that a fork's files must not.
OLD = [ADDRESS.repository, PUBLISHED, ADDRESS.hub]
#: The longest line a notebook cell may have (the project's rule).
LINE_LIMIT = 80
#: The files that repeat the address, relative to the top of the repository.
DERIVED = ["CITATION.cff", "README.md", *[f"{c}.ipynb" for c in CHAPTERS]]


def _copy(names: list[str], target: Path) -> Path:
    for name in names:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def _command(*args: str, root: Path, subprocess_: bool = False) -> subprocess.CompletedProcess:
    """``python -m ketamodel.publish --root ROOT ARGS``: in this process (the package takes
    seconds to import), or as a command."""
    argv = ["--root", str(root), *args]
    if subprocess_:
        return subprocess.run([PYTHON, "-m", "ketamodel.publish", *argv], capture_output=True,
                              text=True, timeout=120)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = publish.main(argv)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


# --- the one place and the files derived from it --------------------------------------------

def test_the_address_is_read_from_config() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert ADDRESS.repository == config["repository"]["url"].rstrip("/")
    assert ADDRESS.branch == config["repository"]["branch"]
    assert ADDRESS.hub == config["launch_buttons"]["jupyterhub_url"].rstrip("/")


def test_every_derived_file_agrees_with_the_address() -> None:
    problems = publish.disagreements(ROOT)
    assert not problems, ("files disagree with the address in _config.yml; run "
                          "python -m ketamodel.publish address URL --branch B --hub H:\n"
                          + "\n".join(problems))
    assert set(publish.derived_files(ROOT, ADDRESS)) == {ROOT / d for d in DERIVED}


def test_derived_files_name_the_address() -> None:
    """What the derived files must say, read directly (not through ketamodel.publish)."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["repository-code"] == ADDRESS.repository and cff["url"] == PUBLISHED
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    read = re.search(r"^- \*\*Read\*\*.*?(?=^- \*\*)", readme, re.M | re.S).group(0)
    assert f"<{PUBLISHED}>" in read and "ketamodel.publish address" in read
    assert ".ci/publish" in read and ".github/workflows/publish.yml" in read
    for chapter in CHAPTERS:
        cells = json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
        colab = [c for c in cells if publish.COLAB_MARK in "".join(c["source"])]
        assert len(colab) == 1, f"{chapter}: {len(colab)} Colab install cells"
        source = "".join(colab[0]["source"])
        assert f'git+{ADDRESS.repository}@{ADDRESS.branch}"' in source, source
        assert "remove-cell" in colab[0]["metadata"].get("tags", []), chapter


@pytest.mark.parametrize(("repository", "expected"), [
    ("https://github.com/ketamodel/ketamine-book", "https://ketamodel.github.io/ketamine-book/"),
    ("https://github.com/Alice-Lab/Ketamine/", "https://alice-lab.github.io/Ketamine/"),
    ("https://github.com/alice/alice.github.io.git", "https://alice.github.io/"),
])
def test_pages_url(repository: str, expected: str) -> None:
    assert pages_url(repository) == expected


@pytest.mark.parametrize(("kwargs", "names"), [
    ({"repository": "https://gitlab.com/alice/book"}, "repository"),
    ({"repository": "http://github.com/alice/book"}, "repository"),
    ({"repository": "https://github.com/alice"}, "repository"),
    ({"repository": "https://github.com/alice/book/tree/main"}, "repository"),
    ({"repository": FORK.repository, "branch": "a..b"}, "branch"),
    ({"repository": FORK.repository, "branch": "two words"}, "branch"),
    ({"repository": FORK.repository, "branch": ""}, "branch"),
    ({"repository": FORK.repository, "hub": "hub.alice.edu"}, "hub"),
    ({"repository": FORK.repository, "hub": "ftp://hub.alice.edu"}, "hub"),
])
def test_bad_addresses_are_refused(kwargs: dict, names: str) -> None:
    with pytest.raises(ValueError, match=names):
        Address(**kwargs)


def test_the_placeholder_is_recognised() -> None:
    assert publish.is_placeholder(PLACEHOLDER) == ["repository", "hub"]
    assert publish.is_placeholder(FORK) == []
    assert publish.is_placeholder(Address(FORK.repository, hub="https://hub.example.com")) \
        == ["hub"]


def test_the_command_rewrites_every_derived_file_and_back(tmp_path: Path) -> None:
    root = _copy(["_config.yml", *DERIVED], tmp_path)
    before = {n: (root / n).read_bytes() for n in ["_config.yml", *DERIVED]}
    result = _command("address", FORK.repository, "--branch", FORK.branch, "--hub", FORK.hub,
                      root=root, subprocess_=True)
    assert result.returncode == 0, result.stderr
    assert f"published   {FORK_PAGES}" in result.stdout
    assert read_address(root) == FORK
    assert publish.disagreements(root) == []
    for name in ["_config.yml", *DERIVED]:
        text = (root / name).read_text(encoding="utf-8")
        stale = [o for o in OLD if o in text]
        assert not stale, f"{name} still names {stale}"
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert (cff["repository-code"], cff["url"]) == (FORK.repository, FORK_PAGES)
    assert f"<{FORK_PAGES}>" in (root / "README.md").read_text(encoding="utf-8")
    for chapter in CHAPTERS:
        old = json.loads(before[f"{chapter}.ipynb"])
        new = json.loads((root / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        changed = [i for i, (a, b) in enumerate(zip(old["cells"], new["cells"], strict=True))
                   if a != b]
        assert len(changed) == 1, f"{chapter}: cells {changed} changed"
        source = "".join(new["cells"][changed[0]]["source"])
        assert f"git+{FORK.repository}@{FORK.branch}" in source
        assert all(len(line) <= LINE_LIMIT for line in source.splitlines())
        assert new["cells"][changed[0]]["outputs"] == []
    # Back to the placeholder: every file as it was, byte for byte.
    result = _command("address", PLACEHOLDER.repository, "--branch", PLACEHOLDER.branch,
                      "--hub", PLACEHOLDER.hub, root=root)
    assert result.returncode == 0, result.stderr
    assert {n: (root / n).read_bytes() for n in before} == before


def test_the_command_keeps_long_addresses_within_notebook_lines(tmp_path: Path) -> None:
    root = _copy(["_config.yml", *DERIVED], tmp_path)
    long = Address("https://github.com/a-very-long-organisation-name/" + "k" * 40,
                   "release/spring-2027")
    publish.write_address(root, long)
    assert publish.disagreements(root) == []
    for chapter in CHAPTERS:
        cells = json.loads((root / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
        source = "".join(next(c["source"] for c in cells
                              if publish.COLAB_MARK in "".join(c["source"])))
        compile(source.replace("get_ipython()", "print"), chapter, "exec")    # still Python
        assert long.pip_spec in source.replace('"\n        "', "")
        too_long = [ln for ln in source.splitlines() if len(ln) > LINE_LIMIT]
        assert not too_long or all(long.pip_spec in ln for ln in too_long), too_long


def test_check_names_each_file_that_disagrees(tmp_path: Path) -> None:
    root = _copy(["_config.yml", *DERIVED], tmp_path)
    assert _command("check", root=root).returncode == 0
    cff = root / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace(ADDRESS.repository,
                                                           FORK.repository), encoding="utf-8")
    nb = root / f"{CHAPTERS[2]}.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace(f"@{ADDRESS.branch}", "@dev"),
                  encoding="utf-8")
    result = _command("check", root=root)
    assert result.returncode == 1
    assert "CITATION.cff" in result.stderr and f"{CHAPTERS[2]}.ipynb" in result.stderr
    assert "README.md" not in result.stderr
    # Hand-editing _config.yml alone leaves the derived files behind, and check says so.
    root2 = _copy(["_config.yml", *DERIVED], tmp_path / "b")
    config = root2 / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(ADDRESS.repository,
                                                                 FORK.repository), "utf-8")
    result = _command("check", root=root2)
    assert result.returncode == 1 and all(d in result.stderr for d in DERIVED), result.stderr


def test_check_compares_with_the_repository_it_is_published_from(tmp_path: Path) -> None:
    root = _copy(["_config.yml", *DERIVED], tmp_path)
    same = _command("check", "--expect-repository", ADDRESS.repository + ".git", root=root)
    assert same.returncode == 0, same.stderr
    other = _command("check", "--expect-repository", FORK.repository, root=root)
    assert other.returncode == 1 and f"address {FORK.repository}" in other.stderr
    bad = _command("address", "https://gitlab.com/alice/book", root=root)
    assert bad.returncode == 2 and "repository must be" in bad.stderr


# --- small books built as the book is -----------------------------------------------------------

def _tiny_book(target: Path) -> Path:
    """A book of one chapter (with the Colab install cell) and the book's own configuration,
    its notebooks not executed."""
    _copy(["_config.yml", "references.bib", "CITATION.cff", "README.md"], target)
    shutil.copytree(ROOT / "_templates", target / "_templates")
    config = target / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "execute_notebooks: cache" in text
    config.write_text(text.replace("execute_notebooks: cache", 'execute_notebooks: "off"'),
                      encoding="utf-8")
    (target / "intro.md").write_text("# A small book\n\nIts first page.\n", encoding="utf-8")
    (target / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n"
                                     "  - file: chapters/01_tiny\n", encoding="utf-8")
    nb = json.loads((ROOT / f"{CHAPTERS[0]}.ipynb").read_text(encoding="utf-8"))
    colab = next(c for c in nb["cells"] if publish.COLAB_MARK in "".join(c["source"]))
    nb["cells"] = [{"cell_type": "markdown", "id": "tiny-title", "metadata": {},
                    "source": ["# 1. A small chapter\n", "\n", "Its text."]}, colab]
    (target / "chapters").mkdir()
    (target / "chapters" / "01_tiny.ipynb").write_text(json.dumps(nb, indent=1),
                                                      encoding="utf-8")
    return target


def _build(root: Path) -> tuple[Path, str]:
    env = dict(os.environ, KETAMODEL_PDF="0", MPLCONFIGDIR=str(root / ".mplconfig"))
    result = subprocess.run([JB, "build", str(root), "-W", "-n", "--keep-going"],
                            capture_output=True, text=True, env=env, timeout=600)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"the small book did not build:\n{log[-3000:]}"
    return root / "_build" / "html", log


@pytest.fixture(scope="module")
def tiny_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """The small book built with the shipped address and with a fork's, set by the command."""
    shipped = _tiny_book(tmp_path_factory.mktemp("shipped"))
    fork = _tiny_book(tmp_path_factory.mktemp("fork"))
    result = _command("address", FORK.repository, "--branch", FORK.branch, "--hub", FORK.hub,
                      root=fork)
    assert result.returncode == 0, result.stderr
    return {"shipped": _build(shipped), "fork": _build(fork)}


def test_a_build_with_the_placeholder_says_so_once(tiny_builds: dict) -> None:
    if publish.is_placeholder(ADDRESS) == []:
        pytest.skip("the book has its real address")
    _, log = tiny_builds["shipped"]
    lines = [ln for ln in log.splitlines() if PLACEHOLDER_NOTE in ln]
    assert len(lines) == 1, lines
    assert "WARNING" not in lines[0] and "ketamodel.publish address" in lines[0]
    _, fork_log = tiny_builds["fork"]
    assert PLACEHOLDER_NOTE not in fork_log


def _links(html: Path) -> dict[str, list[str]]:
    soup = BeautifulSoup((html / "chapters" / "01_tiny.html").read_text("utf-8"), "html.parser")
    return {"launch": [a["href"] for a in soup.select(".dropdown-launch-buttons a[href]")],
            "source": [a["href"] for a in soup.select(".dropdown-source-buttons a[href]")],
            "canonical": [link["href"] for link in soup.find_all("link", rel="canonical")]}


def test_changing_the_address_changes_every_link(tiny_builds: dict) -> None:
    html, _ = tiny_builds["fork"]
    links = _links(html)
    nb = "chapters/01_tiny.ipynb"
    binder = [h for h in links["launch"] if h.startswith("https://mybinder.org/")]
    assert binder and binder[0].startswith(
        f"https://mybinder.org/v2/gh/{FORK.owner_repo}/{FORK.branch}?"), binder
    assert parse_qs(urlsplit(binder[0]).query)["urlpath"][0].endswith(nb)
    assert (f"https://colab.research.google.com/github/{FORK.owner_repo}/blob/{FORK.branch}/"
            f"{nb}") in links["launch"]
    hub = [h for h in links["launch"] if h.startswith(FORK.hub + "/hub/user-redirect/git-pull?")]
    assert len(hub) == 1, links["launch"]
    q = parse_qs(urlsplit(hub[0]).query)
    assert (q["repo"], q["branch"]) == ([FORK.repository], [FORK.branch])
    assert q["urlpath"][0].endswith(f"ketamine-course/{nb}")
    assert links["source"][0] == FORK.repository
    assert links["source"][1].startswith(FORK.repository + "/issues/new?")
    assert links["canonical"] == [FORK_PAGES + "chapters/01_tiny.html"]
    not_found = (html / NOT_FOUND).read_text(encoding="utf-8")
    assert 'href="/ketamine-course/intro.html"' in not_found
    sitemap = (html / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{FORK_PAGES}chapters/01_tiny.html</loc>" in sitemap
    # Nothing built names the shipped address any more (the notebook source included).
    stale = [f"{p.relative_to(html)}: {o}" for p in html.rglob("*")
             if p.is_file() and p.suffix in (".html", ".ipynb", ".xml", ".txt")
             for o in OLD if o in p.read_text(encoding="utf-8", errors="replace")]
    assert not stale, stale
    # ... while the build with the shipped address names it.
    shipped = _links(tiny_builds["shipped"][0])
    assert shipped["source"][0] == ADDRESS.repository
    assert shipped["canonical"] == [PUBLISHED + "chapters/01_tiny.html"]


# --- the built book ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", CHAPTERS)
def test_built_chapter_buttons_follow_the_address(built_book: Path, name: str) -> None:
    soup = BeautifulSoup((built_book / f"{name}.html").read_text("utf-8"), "html.parser")
    source = [a["href"] for a in soup.select(".dropdown-source-buttons a[href]")]
    assert source and source[0] == ADDRESS.repository, source
    assert any(h.startswith(ADDRESS.repository + "/issues/new?") for h in source), source
    launch = [a["href"] for a in soup.select(".dropdown-launch-buttons a[href]")]
    notebook = f"{name}.ipynb"
    assert (f"https://colab.research.google.com/github/{ADDRESS.owner_repo}/blob/"
            f"{ADDRESS.branch}/{notebook}") in launch, launch
    assert any(h.startswith(f"https://mybinder.org/v2/gh/{ADDRESS.owner_repo}/"
                            f"{ADDRESS.branch}?") and h.endswith(notebook) for h in launch)
    assert [link["href"] for link in soup.find_all("link", rel="canonical")] == \
        [f"{PUBLISHED}{name}.html"]


def test_built_book_footer_names_the_version_and_the_build_date(built_book: Path) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert ketamodel.__version__ == version
    built_on = dt.datetime.fromtimestamp((built_book / "intro.html").stat().st_mtime,
                                         dt.UTC).date()
    pages = [p for p in built_book.rglob("*.html")
             if p.relative_to(built_book).parts[0] not in ("_static", "_sources", "_images")
             and p.name not in (NOT_FOUND, "index.html")]
    assert len(pages) >= len(toc_pages(ROOT))
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        info = soup.select(f"footer .{BUILD_INFO_CLASS}")
        assert len(info) == 1, f"{page.name}: {len(info)} build lines in the footer"
        assert f"Version {version}," in info[0].get_text(), info[0]
        when = dt.date.fromisoformat(info[0].find("time")["datetime"])
        assert abs((when - built_on).days) <= 1, (page.name, when, built_on)


def test_built_book_has_what_a_published_site_needs(built_book: Path) -> None:
    root = site_root(PUBLISHED)
    soup = BeautifulSoup((built_book / NOT_FOUND).read_text("utf-8"), "html.parser")
    assert soup.html["lang"] == "en" and "Page not found" in soup.title.get_text()
    assert soup.select_one("a#km-home")["href"] == f"{root}intro.html"
    assert soup.find("form")["action"] == f"{root}search.html"
    assert not soup.find_all(["link", "script", "img"]), "the 404 page must stand alone"
    sitemap = (built_book / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert sorted(locs) == sorted(f"{PUBLISHED}{p}.html" for p in toc_pages(ROOT))
    assert (built_book / ".nojekyll").is_file()          # GitHub Pages serves _static/ as is
    assert (built_book / "robots.txt").is_file() == (root == "/")


# --- the workflow and the local command ---------------------------------------------------------

def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## The two commands.*?```bash\n(.*?)```", readme, re.S).group(1)
    lines = [ln.strip() for ln in block.splitlines() if ln.strip() and
             not ln.strip().startswith("#")]
    return [c.strip() for ln in lines for c in ln.split("&&")]


def test_readme_has_the_commands_this_file_expects() -> None:
    assert _readme_commands() == ["bash .ci/setup",
                                  ".venv/bin/jupyter-book build . -W -n --keep-going",
                                  ".venv/bin/python -m pytest"]


def test_workflow_runs_the_readme_commands_and_deploys_the_built_folder() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml")
                              .read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))     # YAML 1.1 reads `on` as true
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    jobs = workflow["jobs"]
    build = jobs["build"]
    assert re.fullmatch(r"python:3\.11(\.\d+)?-bookworm", build["container"]), build["container"]
    assert re.search(r"python3\.11$", build["env"]["BOOK_PYTHON"])
    runs = [s["run"].strip() for s in build["steps"] if "run" in s]
    uses = [s["uses"] for s in build["steps"] if "uses" in s]
    index = {}
    for command in _readme_commands():
        assert command in runs, f"the workflow does not run the README's {command!r}"
        index[command] = runs.index(command)
    assert index["bash .ci/setup"] < index[".venv/bin/python -m pytest"] < \
        index[".venv/bin/jupyter-book build . -W -n --keep-going"]
    upload = [s for s in build["steps"]
              if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert len(upload) == 1 and upload[0]["with"]["path"] == "_build/html"
    assert build["steps"].index(upload[0]) == len(build["steps"]) - 1   # after the build
    assert uses[0].startswith("actions/checkout@")
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"
    assert "refs/heads/main" in deploy["if"] and "pull_request" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert workflow["permissions"] == {"contents": "read"}


def _git(*args: str, cwd: Path) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.org",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.org")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def _publish_repo(tmp_path: Path, repository: str) -> tuple[Path, Path]:
    """A clone with a built book whose remote ``origin`` reads as ``repository`` but pushes to
    a local bare repository."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to test .ci/publish")
    bare = tmp_path / "remote.git"
    _git("init", "-q", "--bare", str(bare), cwd=tmp_path)
    repo = _copy(["_config.yml", ".ci/publish", *DERIVED], tmp_path / "clone")
    (repo / ".venv").symlink_to(Path(sys.executable).parents[1])
    html = repo / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<!DOCTYPE html><title>Book</title>", encoding="utf-8")
    (html / "intro.html").write_text("<!DOCTYPE html><title>Intro</title>", encoding="utf-8")
    (repo / ".gitignore").write_text(".venv\n_build/\n", encoding="utf-8")
    _git("init", "-q", "-b", "main", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "book", cwd=repo)
    _git("remote", "add", "origin", repository, cwd=repo)
    _git("config", f"url.{bare}.pushInsteadOf", repository, cwd=repo)
    return repo, bare


def _run_publish(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.org",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.org")
    return subprocess.run(["bash", str(repo / ".ci" / "publish"), *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)


def test_publish_script_pushes_the_built_folder_to_gh_pages(tmp_path: Path) -> None:
    repo, bare = _publish_repo(tmp_path, ADDRESS.repository + ".git")
    result = _run_publish(repo, "--no-tests", "--no-build")
    assert result.returncode == 0, result.stdout + result.stderr
    files = _git("ls-tree", "-r", "--name-only", "gh-pages", cwd=bare).split()
    assert sorted(files) == [".nojekyll", "index.html", "intro.html"], files
    assert f"published   {PUBLISHED}" in result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash .ci/publish" in readme


def test_publish_script_refuses_a_remote_that_is_not_the_address(tmp_path: Path) -> None:
    repo, bare = _publish_repo(tmp_path, FORK.repository)
    result = _run_publish(repo, "--no-tests", "--no-build")
    assert result.returncode != 0
    assert f"python -m ketamodel.publish address {FORK.repository}" in result.stderr
    assert "gh-pages" not in _git("branch", "--list", cwd=bare)
