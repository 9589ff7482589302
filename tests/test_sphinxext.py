"""The book's Sphinx extension: library fingerprint and re-execution of notebooks."""

from types import SimpleNamespace

from ketamodel import sphinxext


def test_fingerprint_is_stable_and_covers_every_module():
    a, b = sphinxext.library_fingerprint(), sphinxext.library_fingerprint()
    assert a == b and len(a) == 64 and int(a, 16) >= 0


def _env(paths):
    """A stand-in for Sphinx's environment: docnames without suffix, paths with it."""
    docs = {p.rsplit(".", 1)[0]: f"/book/{p}" for p in paths}
    return SimpleNamespace(found_docs=set(docs), doc2path=docs.__getitem__)


def test_no_notebook_is_outdated_when_the_library_is_unchanged():
    app = SimpleNamespace(ketamodel_changed=False)
    env = _env(["chapters/01.ipynb", "appendices/glossary.rst"])
    assert sphinxext._outdated_notebooks(app, env, set(), set(), set()) == []


def test_every_notebook_is_outdated_when_the_library_changed():
    app = SimpleNamespace(ketamodel_changed=True)
    env = _env(["chapters/01.ipynb", "appendices/parameters.ipynb", "appendices/x.rst"])
    assert sorted(sphinxext._outdated_notebooks(app, env, set(), set(), set())) == [
        "appendices/parameters", "chapters/01"]
