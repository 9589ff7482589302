"""What a teacher or a citing reader relies on: the citation file, the glossary, the
instructor's guide and the chapters' download buttons.

- ``CITATION.cff`` is valid Citation File Format 1.2.0 (with ``cffconvert``'s validator when
  it is installed, and always with the checks of the required keys and formats below), and
  its title, author, version, licences and repository agree with ``_config.yml``,
  ``pyproject.toml`` and ``LICENSE``; the seed paper it lists agrees with ``references.bib``.
- Every ``{term}`` of a chapter or an appendix has a glossary entry, and every glossary entry
  is linked from at least one chapter.
- The instructor's guide names only exercise labels that exist, states each chapter's time
  as the chapter does, gathers every chapter's objectives as its chapter section does, and
  places every exercise of a chapter exactly once (before class, in class, homework or
  extension).
- Each chapter page of the built book offers its notebook for download. (Its launch links,
  Binder, Colab and JupyterHub, are checked against ``_config.yml`` by
  ``test_chapter_launch_links_open_its_notebook`` in ``tests/test_browser.py``.)
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from ketamodel.sphinxext import toc_pages

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CHAPTERS = [p for p in toc_pages(ROOT) if p.startswith("chapters/")]
GUIDE = (ROOT / "appendices" / "instructors_guide.md").read_text(encoding="utf-8")
SEED_KEY = "marguilho2023unified"


def _notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _markdown(path: Path) -> str:
    """The prose of a page: a Markdown file, or the Markdown cells of a notebook."""
    if path.suffix == ".ipynb":
        return "\n\n".join("".join(c["source"]) for c in _notebook(path)["cells"]
                           if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


# --- CITATION.cff ---------------------------------------------------------------------------

class _DatesAsText(yaml.SafeLoader):
    """YAML without implicit timestamps: CFF dates are strings (as cffconvert reads them)."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

CFF_TEXT = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
CFF = yaml.load(CFF_TEXT, Loader=_DatesAsText)

# The patterns of the CFF 1.2.0 schema (definitions url, date, doi) and of an SPDX licence id.
URL = re.compile(r"^(https|http|ftp|sftp)://.+")
DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$")
DOI = re.compile(r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$")
SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
# Top-level keys of CFF 1.2.0, and the keys of its person and entity objects.
CFF_KEYS = {"abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi",
            "identifiers", "keywords", "license", "license-url", "message",
            "preferred-citation", "references", "repository", "repository-artifact",
            "repository-code", "title", "type", "url", "version"}
_CONTACT = {"address", "alias", "city", "country", "email", "fax", "orcid", "post-code",
            "region", "tel", "website"}
PERSON_KEYS = _CONTACT | {"affiliation", "family-names", "given-names", "name-particle",
                          "name-suffix"}
ENTITY_KEYS = _CONTACT | {"name", "date-end", "date-start", "location"}
# Reference types of CFF 1.2.0 that a book like this one may cite.
REFERENCE_TYPES = {"article", "book", "conference-paper", "data", "generic", "report",
                   "software", "thesis", "website"}
# The licences of LICENSE, each recognised by the words that state it.
LICENCES = {"MIT": "MIT License",
            "CC-BY-4.0": "Creative Commons Attribution 4.0 International License"}


def _authors_problems(authors: object, where: str) -> list[str]:
    if not isinstance(authors, list) or not authors:
        return [f"{where}: authors must be a non-empty list"]
    problems = []
    for i, a in enumerate(authors):
        if not isinstance(a, dict):
            problems.append(f"{where}: author {i} is not a mapping")
        elif "name" in a:                                    # an entity
            if extra := sorted(set(a) - ENTITY_KEYS):
                problems.append(f"{where}: entity {i} has unknown keys {extra}")
            if not (isinstance(a["name"], str) and a["name"].strip()):
                problems.append(f"{where}: entity {i} has no name")
        else:                                                # a person
            if extra := sorted(set(a) - PERSON_KEYS):
                problems.append(f"{where}: person {i} has unknown keys {extra}")
            names = [a.get(k) for k in ("family-names", "given-names")]
            if not any(isinstance(n, str) and n.strip() for n in names):
                problems.append(f"{where}: person {i} has neither family-names nor given-names")
        if isinstance(a, dict) and "website" in a and not URL.match(str(a["website"])):
            problems.append(f"{where}: author {i} website is not a URL: {a['website']!r}")
    return problems


def cff_problems(cff: object) -> list[str]:
    """What makes a parsed CITATION.cff invalid CFF 1.2.0 (required keys, types, formats)."""
    if not isinstance(cff, dict):
        return ["CITATION.cff is not a YAML mapping"]
    problems = []
    for key in ("cff-version", "message", "title", "authors"):
        if key not in cff:
            problems.append(f"missing required key {key!r}")
    if set(cff) - CFF_KEYS:
        problems.append(f"unknown keys {sorted(set(cff) - CFF_KEYS)}")
    if "cff-version" in cff and cff["cff-version"] != "1.2.0":
        problems.append(f"cff-version must be the string '1.2.0', got {cff['cff-version']!r}")
    for key in ("message", "title", "abstract"):
        if key in cff and not (isinstance(cff[key], str) and cff[key].strip()):
            problems.append(f"{key} must be a non-empty string")
    if "authors" in cff:
        problems += _authors_problems(cff["authors"], "authors")
    if "type" in cff and cff["type"] not in ("software", "dataset"):
        problems.append(f"type must be 'software' or 'dataset', got {cff['type']!r}")
    if "date-released" in cff and not (isinstance(cff["date-released"], str)
                                       and DATE.match(cff["date-released"])):
        problems.append(f"date-released must be YYYY-MM-DD, got {cff['date-released']!r}")
    if "version" in cff and not ((isinstance(cff["version"], str) and cff["version"])
                                 or isinstance(cff["version"], int | float)):
        problems.append(f"version must be a non-empty string or a number, got {cff['version']!r}")
    if "license" in cff:
        ids = cff["license"] if isinstance(cff["license"], list) else [cff["license"]]
        if not ids or len(set(map(str, ids))) != len(ids):
            problems.append("license must be an SPDX id or a non-empty list of distinct ids")
        problems += [f"license {i!r} is not an SPDX identifier" for i in ids
                     if not (isinstance(i, str) and SPDX_ID.match(i))]
    for key in ("repository-code", "repository-artifact", "repository", "url", "license-url"):
        if key in cff and not (isinstance(cff[key], str) and URL.match(cff[key])):
            problems.append(f"{key} is not a URL: {cff[key]!r}")
    if "doi" in cff and not DOI.match(str(cff["doi"])):
        problems.append(f"doi is not a DOI: {cff['doi']!r}")
    if "keywords" in cff and not (isinstance(cff["keywords"], list)
                                  and all(isinstance(k, str) and k for k in cff["keywords"])):
        problems.append("keywords must be a list of strings")
    refs = list(cff.get("references") or [])
    if "references" in cff and not isinstance(cff["references"], list):
        problems.append("references must be a list")
        refs = []
    if "preferred-citation" in cff:
        refs.append(cff["preferred-citation"])
    for n, ref in enumerate(refs):
        where = f"reference {n}"
        if not isinstance(ref, dict):
            problems.append(f"{where} is not a mapping")
            continue
        for key in ("type", "title", "authors"):
            if key not in ref:
                problems.append(f"{where}: missing required key {key!r}")
        if "type" in ref and ref["type"] not in REFERENCE_TYPES:
            problems.append(f"{where}: type {ref['type']!r} is not a reference type")
        if "authors" in ref:
            problems += _authors_problems(ref["authors"], where)
        for key in ("year", "start", "end", "volume"):
            if key in ref and not isinstance(ref[key], int | str):
                problems.append(f"{where}: {key} must be a number or a string")
        if "url" in ref and not URL.match(str(ref["url"])):
            problems.append(f"{where}: url is not a URL: {ref['url']!r}")
        if "doi" in ref and not DOI.match(str(ref["doi"])):
            problems.append(f"{where}: doi is not a DOI: {ref['doi']!r}")
    return problems


def test_citation_file_is_valid_cff():
    assert cff_problems(CFF) == []
    try:
        from cffconvert import Citation
    except ImportError:                  # not among the book's requirements: the checks above
        return
    Citation(CFF_TEXT).validate()        # raises on any violation of the CFF 1.2.0 schema


@pytest.mark.parametrize("change, complaint", [
    ({"authors": []}, "authors must be a non-empty list"),
    ({"authors": [{"name": "X", "family-names": "Y"}]}, "unknown keys"),
    ({"date-released": "2026-13-01"}, "date-released"),
    ({"license": ["MIT", "CC BY 4.0"]}, "not an SPDX identifier"),
    ({"repository-code": "github.com/x/y"}, "not a URL"),
    ({"cff-version": 1.2}, "cff-version"),
    ({"references": [{"type": "article", "title": "T"}]}, "missing required key 'authors'"),
])
def test_planted_cff_mistake_is_caught(change, complaint):
    bad = {**CFF, **change}
    assert any(complaint in p for p in cff_problems(bad)), cff_problems(bad)


@pytest.mark.parametrize("key", ["cff-version", "message", "title", "authors"])
def test_planted_missing_required_key_is_caught(key):
    assert f"missing required key {key!r}" in cff_problems({k: v for k, v in CFF.items()
                                                             if k != key})


def test_citation_agrees_with_the_book():
    assert CFF["title"] == CONFIG["title"]
    assert CFF["version"] == PYPROJECT["project"]["version"]
    assert [a.get("name") for a in CFF["authors"]] == [CONFIG["author"]]
    assert CFF["repository-code"].rstrip("/") == CONFIG["repository"]["url"].rstrip("/")
    assert CFF["date-released"][:4] >= str(CONFIG["copyright"])


def test_citation_licences_are_those_of_license():
    text = " ".join((ROOT / "LICENSE").read_text(encoding="utf-8").split())
    stated = {spdx for spdx, words in LICENCES.items() if words in text}
    assert stated == set(LICENCES), "LICENSE no longer states the licences this test knows"
    licences = CFF["license"] if isinstance(CFF["license"], list) else [CFF["license"]]
    assert set(licences) == stated
    assert PYPROJECT["project"]["license"]["text"] in licences          # the library's licence
    assert "CC BY 4.0" in CONFIG["html"]["extra_footer"]


def test_citation_lists_the_seed_paper_as_references_bib_has_it():
    entry = parse_file(str(ROOT / "references.bib")).entries[SEED_KEY]
    f = entry.fields
    refs = [r for r in [*CFF.get("references", []), CFF.get("preferred-citation") or {}]
            if r.get("title") == f["title"]]
    assert len(refs) == 1, f"CITATION.cff should list {SEED_KEY} once"
    ref = refs[0]
    assert ref["type"] == "article" and ref["journal"] == f["journal"]
    assert str(ref["year"]) == f["year"] and str(ref["volume"]) == f["volume"]
    assert str(ref["issue"]) == f["number"]
    assert f"{ref['start']}--{ref['end']}" == f["pages"]
    assert ref.get("notes", f.get("note")) == f.get("note")
    people = [(p.rich_last_names[0].render_as("text") if len(p.last_names) == 1 else None,
               " ".join(n.render_as("text") for n in p.rich_first_names))
              for p in entry.persons["author"]]
    assert [(a["family-names"], a["given-names"]) for a in ref["authors"]] == people
    # Only fields that the BibTeX entry has (no DOI, no URL there, so none here).
    assert set(ref) <= {"type", "title", "authors", "journal", "year", "volume", "issue",
                        "start", "end", "notes"}


# --- the glossary ---------------------------------------------------------------------------

TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")

# Glossary entries that no chapter links to yet, each with where a link belongs. Remove an
# entry as soon as a chapter links to it (the test below fails until it is removed).
NOT_YET_LINKED: dict[str, str] = {}


def term_target(role_text: str) -> str:
    """The glossary entry a ``{term}`` role names, normalised as Sphinx matches it."""
    m = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>\s*", role_text)
    target = m.group(2) if m and m.group(1).strip() else role_text
    return " ".join(target.split()).lower()


def glossary_entries(text: str) -> list[str]:
    """The terms of the ``{glossary}`` directive: its lines that are not indented."""
    m = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert m, "appendices/glossary.md has no {glossary} directive"
    return [ln.strip() for ln in m.group(1).splitlines() if ln.strip() and not ln[0].isspace()]


ENTRIES = glossary_entries((ROOT / "appendices" / "glossary.md").read_text(encoding="utf-8"))


def _term_uses(paths: list[Path]) -> dict[str, set[str]]:
    uses: dict[str, set[str]] = {}
    for path in paths:
        for role in TERM_ROLE.findall(_markdown(path)):
            uses.setdefault(term_target(role), set()).add(path.relative_to(ROOT).as_posix())
    return uses


def test_term_roles_are_read_as_sphinx_reads_them():
    assert term_target("occupancy") == "occupancy"
    assert term_target("dendritic spines <dendritic spine>") == "dendritic spine"
    assert term_target("partial\n correlations <partial\n correlation>") == "partial correlation"
    assert term_target("Kalman filter") == "kalman filter"
    assert glossary_entries("```{glossary}\nA\n  Def.\n\nB c\n  Def.\n```") == ["A", "B c"]


def test_glossary_entries_are_unique():
    lowered = [e.lower() for e in ENTRIES]
    assert len(ENTRIES) > 20 and len(set(lowered)) == len(lowered)


def test_every_term_used_has_a_glossary_entry():
    pages = [ROOT / "intro.md", *sorted(ROOT.glob("chapters/*.ipynb")),
             *sorted(ROOT.glob("appendices/*.md")), *sorted(ROOT.glob("appendices/*.ipynb"))]
    known = {e.lower() for e in ENTRIES}
    missing = {t: sorted(where) for t, where in _term_uses(pages).items() if t not in known}
    assert not missing, f"terms without a glossary entry (add them to the glossary): {missing}"


def test_every_glossary_entry_is_linked_from_a_chapter():
    used = set(_term_uses(sorted(ROOT.glob("chapters/*.ipynb"))))
    unused = {e for e in ENTRIES if e.lower() not in used}
    assert set(NOT_YET_LINKED) <= set(ENTRIES), "NOT_YET_LINKED names an entry that is gone"
    linked_now = sorted(set(NOT_YET_LINKED) - unused)
    assert not linked_now, f"now linked from a chapter, remove from NOT_YET_LINKED: {linked_now}"
    new = sorted(unused - set(NOT_YET_LINKED))
    assert not new, (f"glossary entries that no chapter links to (link them with {{term}} "
                     f"where the term is defined): {new}")


# --- the instructor's guide -----------------------------------------------------------------

def _chapter(stem: str) -> dict:
    """What the guide must agree with: a chapter's number, stated times, objectives, exercises."""
    path = ROOT / f"{stem}.ipynb"
    prose = _markdown(path)
    first = "".join(_notebook(path)["cells"][0]["source"])
    time = re.search(r"\*\*Estimated time\*\*: (\d+) min reading and running, (\d+) min "
                     r"exercises", first)
    assert time, f"{stem}: no 'Estimated time' line in the first cell"
    objectives = re.search(r"Learning objectives\n(.*?)\n:::", first, re.S)
    assert objectives, f"{stem}: no learning objectives in the first cell"
    return {"number": int(path.name[:2]), "reading": int(time.group(1)),
            "exercises_min": int(time.group(2)),
            "objectives": len(re.findall(r"^\d+\. ", objectives.group(1), re.M)),
            "exercises": re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", prose)}


CHAPTER_FACTS = {stem: _chapter(stem) for stem in CHAPTERS}


def _table_after(text: str, marker: str) -> list[list[str]]:
    """The body rows (cells stripped) of the first Markdown table after ``marker``."""
    start = text.index(marker)
    lines = text[start:].splitlines()
    first = next(i for i, ln in enumerate(lines) if ln.startswith("|"))
    rows = []
    for ln in lines[first + 2:]:
        if not ln.startswith("|"):
            break
        rows.append([c.strip() for c in ln.strip().strip("|").split("|")])
    return rows


def _refs(text: str) -> list[str]:
    return re.findall(r"\{ref\}`(?:[^`<]*<)?([^`<>]+)>?`", text)


def _section(number: int) -> str:
    """The guide's own section of one chapter."""
    m = re.search(rf"^## Chapter {number}: .*?(?=^## |\Z)", GUIDE, re.S | re.M)
    assert m, f"the guide has no section 'Chapter {number}'"
    return m.group(0)


def test_chapter_times_in_the_guide_are_those_the_chapters_state():
    rows = _table_after(GUIDE, "| chapter | reading and running |")
    assert len(rows) == len(CHAPTERS)
    for row, facts in zip(rows, CHAPTER_FACTS.values(), strict=True):
        assert row[0].startswith(f"{facts['number']}. ")
        assert row[1] == f"{facts['reading']} min", row
        assert row[2] == f"{facts['exercises_min']} min ({len(facts['exercises'])} exercises)", row
    syllabus = _table_after(GUIDE, "| session | chapter |")
    assert len(syllabus) == len(CHAPTERS)
    for row, facts in zip(syllabus, CHAPTER_FACTS.values(), strict=True):
        assert row[0] == str(facts["number"])
        assert row[-1] == f"{facts['reading']} + {facts['exercises_min']} min", row


def test_every_label_the_guide_names_exists():
    labels = set()
    for path in [*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("appendices/*.md")]:
        text = _markdown(path)
        labels |= set(re.findall(r"^:label: (\S+)", text, re.M))
        labels |= set(re.findall(r"^\(([\w-]+)\)=", text, re.M))
    missing = sorted(set(_refs(GUIDE)) - labels)
    assert not missing, f"the guide refers to labels that do not exist: {missing}"


def test_objectives_at_a_glance_gather_each_chapter_table():
    gathered = _table_after(GUIDE, "| chapter | objective | sections |")
    expected = []
    for facts in CHAPTER_FACTS.values():
        rows = _table_after(_section(facts["number"]), "| objective | sections |")
        assert len(rows) == facts["objectives"], (
            f"Chapter {facts['number']}: the guide's table has {len(rows)} objectives, "
            f"the chapter {facts['objectives']}")
        expected += [[str(facts["number"]), *row] for row in rows]
    assert gathered == expected
    for facts in CHAPTER_FACTS.values():
        in_table = {r for row in expected if row[0] == str(facts["number"]) for r in _refs(row[3])}
        assert in_table <= set(facts["exercises"])


def test_every_exercise_is_placed_once():
    rows = _table_after(GUIDE, "| chapter | before class (warm-up) |")
    assert len(rows) == len(CHAPTERS)
    for row, (stem, facts) in zip(rows, CHAPTER_FACTS.items(), strict=True):
        assert row[0] == str(facts["number"])
        placed = [label for cell in row[1:] for label in _refs(cell)]
        assert sorted(placed) == sorted(facts["exercises"]), (
            f"{stem}: placed {sorted(placed)}, the chapter has {sorted(facts['exercises'])}")
        syllabus = _table_after(GUIDE, "| session | chapter |")[facts["number"] - 1]
        assert set(_refs(" ".join(syllabus))) == set(facts["exercises"]), stem


# --- the built book: each chapter offers its notebook ----------------------------------------

@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_page_offers_its_notebook_for_download(built_book: Path, name: str) -> None:
    page = built_book / f"{name}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in soup.select(".dropdown-download-buttons a[href]")
             if a["href"].endswith(".ipynb") and "/student/" not in a["href"]]
    assert len(links) == 1, f"{name}: no download button for its .ipynb ({links})"
    target = urlsplit(urljoin(page.relative_to(built_book).as_posix(), links[0])).path
    assert target == f"_sources/{name}.ipynb", f"{name}: the download button offers {target}"
    offered = _notebook(built_book / target)
    source = _notebook(ROOT / f"{name}.ipynb")
    assert [("".join(c["source"]), c["cell_type"]) for c in offered["cells"]] == [
        ("".join(c["source"]), c["cell_type"]) for c in source["cells"]], (
        f"{name}: the downloaded notebook is not the chapter's")
