"""Citations read "et al." for three or more authors and for ``and others``, in text and list."""

import re
from pathlib import Path

import pybtex.plugin
import pytest
import yaml
from bs4 import BeautifulSoup
from pybtex.database import Entry, Person, parse_file

from ketamodel import bibstyle

ROOT = Path(__file__).resolve().parents[1]
BOOK_PAGES = ["chapters/01_nmda_antagonism.html", "appendices/limitations.html"]


# Unit tests of the styles (no build) ---------------------------------------------------


def _entry(*authors, year="2020"):
    entry = Entry("article", fields={"title": "A title", "journal": "J", "year": year})
    for author in authors:
        entry.add_person(Person(author), "author")
    return entry


def _in_text(entry, full=False):
    style = bibstyle.EtAlAuthorYearReferenceStyle()
    template = style.person.author_or_editor_or_title(full=full)
    return template.format_data({"entry": entry, "style": style}).render_as("text")


def _listed(entry):
    (formatted,) = bibstyle.EtAlPlainStyle().format_entries([entry])
    return formatted.text.render_as("text")


@pytest.mark.parametrize(("authors", "expected"), [
    (["Kamp, Jasper"], "Kamp"),
    (["Jahr, Craig E.", "Stevens, Charles F."], "Jahr and Stevens"),
    (["Wood, Jesse", "Kim, Yunbok", "Moghaddam, Bita"], "Wood et al."),
    (["Olofsen, Erik", "others"], "Olofsen et al."),
    (["MacDonald, J. F.", "Bartlett, M. C.", "others"], "MacDonald et al."),
])
def test_in_text_names(authors, expected):
    assert _in_text(_entry(*authors)) == expected


def test_full_author_roles_name_everyone_listed():
    three = _entry("Wood, Jesse", "Kim, Yunbok", "Moghaddam, Bita")
    assert _in_text(three, full=True) == "Wood, Kim, and Moghaddam"
    cut = _entry("MacDonald, J. F.", "Bartlett, M. C.", "Mody, I.", "others")
    assert _in_text(cut, full=True) == "MacDonald, Bartlett, Mody, et al."
    assert _in_text(_entry("Olofsen, Erik", "others"), full=True) == "Olofsen et al."


def test_no_author_falls_back_to_the_title():
    assert _in_text(_entry()) == "A title"
    assert _in_text(_entry("others")) == "A title"


@pytest.mark.parametrize(("authors", "expected"), [
    (["Olofsen, Erik", "others"], "Erik Olofsen et al. A title."),
    (["MacDonald, J. F.", "Bartlett, M. C.", "Mody, I.", "others"],
     "J. F. MacDonald, M. C. Bartlett, I. Mody, et al. A title."),
    (["Jahr, Craig E.", "Stevens, Charles F."], "Craig E. Jahr and Charles F. Stevens. A title."),
    (["Wood, Jesse", "Kim, Yunbok", "Moghaddam, Bita"],
     "Jesse Wood, Yunbok Kim, and Bita Moghaddam. A title."),
])
def test_bibliography_names(authors, expected):
    assert _listed(_entry(*authors)).startswith(expected)


def test_styles_are_registered_under_the_names_the_config_uses():
    from sphinxcontrib.bibtex.plugin import find_plugin

    bibstyle.register()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    assert config["bibtex_reference_style"] == bibstyle.REFERENCE_STYLE
    assert config["bibtex_default_style"] == bibstyle.BIBLIOGRAPHY_STYLE
    assert find_plugin("sphinxcontrib.bibtex.style.referencing",
                       bibstyle.REFERENCE_STYLE) is bibstyle.EtAlAuthorYearReferenceStyle
    assert pybtex.plugin.find_plugin("pybtex.style.formatting",
                                     bibstyle.BIBLIOGRAPHY_STYLE) is bibstyle.EtAlPlainStyle


def test_no_entry_of_the_bibliography_prints_others():
    entries = parse_file(str(ROOT / "references.bib")).entries
    assert any(bibstyle.split_others(e.persons.get("author", []))[1] for e in entries.values())
    for formatted in bibstyle.EtAlPlainStyle().format_entries(entries.values()):
        assert "others" not in formatted.text.render_as("text"), formatted.key
        assert "others" not in _in_text(entries[formatted.key]), formatted.key


# The built book --------------------------------------------------------------------------


def _soup(built_book, page):
    return BeautifulSoup((built_book / page).read_text(encoding="utf-8"), "html.parser")


def _text(element):
    return " ".join(element.get_text(" ").split()).replace(" ,", ",")


def _citations(built_book):
    """Text of every in-text citation (parenthetical and textual) on the pages that cite."""
    found = []
    for page in BOOK_PAGES:
        for a in _soup(built_book, page).select('a[href*="bibliography.html#"]'):
            sentence = _text(a.find_parent("p") or a.parent)
            found.append((page, _text(a), a.get("title", ""), sentence))
    return found


def test_no_in_text_citation_reads_and_others(built_book):
    citations = _citations(built_book)
    assert len(citations) > 20
    for page, link, title, _ in citations:
        assert "and others" not in link and "and others" not in title, (page, link)
    for page in BOOK_PAGES:
        assert " and others" not in _text(_soup(built_book, page)), page


def test_multi_author_and_two_author_citations(built_book):
    links = {link for _, link, _, _ in _citations(built_book)}
    sentences = " ".join(s for *_, s in _citations(built_book))
    assert "Kamp et al., 2020" in links                # six authors listed
    assert "Olofsen et al., 2012" in links             # seven authors
    assert "Jahr and Stevens, 1990" in links           # two authors
    assert "Homayoun and Moghaddam, 2007" in links
    # Textual citations ({cite:t}): the names stand before the bracketed year.
    assert re.search(r"Clements and Nimmo \[ ?1981 ?\]", sentences)
    assert re.search(r"Kamp et al\. \[ ?2020 ?\]", sentences)


def test_no_bibliography_entry_reads_and_others(built_book):
    entries = [_text(d) for d in _soup(built_book, "appendices/bibliography.html")
               .select("div.citation")]
    assert len(entries) > 20
    assert not [e for e in entries if "and others" in e]
    # "Yanagihara, Y. and others" in references.bib
    assert any(e.startswith("[") and "Y. Yanagihara et al. Plasma concentration" in e
               for e in entries)
    assert any("Craig E. Jahr and Charles F. Stevens." in e for e in entries)
