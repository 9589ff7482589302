"""Citation styles for the book: one way to shorten an author list, "et al.".

A BibTeX author list that ends in ``and others`` means "more authors than
listed". pybtex reads ``others`` as a person named "others" and prints it as
one: ``{Olofsen, Erik and others}`` became "Olofsen and others, 2012" in the
text while a complete list of six authors became "Kamp et al., 2020". The two
styles here treat a trailing ``others`` as "et al.":

- ``author_year_et_al`` (sphinxcontrib-bibtex referencing style, for
  ``{cite:p}``, ``{cite:t}`` and their variants): one author "A, 2020", two
  authors "A and B, 2020", three or more, or any list ending in ``others``,
  "A et al., 2020". The full-list roles (``{cite:ps}``, ``{cite:ts}``) name
  every listed author and end in "et al." only when the list ends in
  ``others`` ("MacDonald, Bartlett, Mody, et al.").
- ``plain_et_al`` (pybtex formatting style, for the bibliography): pybtex's
  ``plain`` style, with a list ending in ``others`` printed as BibTeX's own
  ``plain.bst`` prints it: "E. Olofsen et al.", "J. F. MacDonald,
  M. C. Bartlett, I. Mody, et al.".

The styles are registered as plugins by :func:`register` (called from this
module's Sphinx ``setup``), and selected in ``_config.yml`` with
``bibtex_reference_style`` and ``bibtex_default_style``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pybtex.plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import FieldIsMissing, first_of, optional, sentence, tag
from pybtex.style.template import field as bib_field
from pybtex.style.template import join as bib_join
from pybtex.style.template import node as bib_node
from sphinxcontrib.bibtex.plugin import register_plugin as register_reference_style
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join as cite_join
from sphinxcontrib.bibtex.style.template import node as cite_node

#: Plugin name of the in-text (referencing) style.
REFERENCE_STYLE = "author_year_et_al"
#: Plugin name of the bibliography (formatting) style.
BIBLIOGRAPHY_STYLE = "plain_et_al"
#: What a shortened author list ends in, in the bibliography.
ET_AL = "et al."


def is_others(person: Any) -> bool:
    """Whether a pybtex person is BibTeX's ``others`` ("and more authors")."""
    return str(person).strip().lower() == "others"


def split_others(persons: Sequence[Any]) -> tuple[list[Any], bool]:
    """The named persons of an author list, and whether the list was cut short.

    Parameters
    ----------
    persons : sequence
        pybtex persons, as in ``entry.persons["author"]``.

    Returns
    -------
    tuple
        The persons that are not ``others``, and ``True`` when any ``others``
        was dropped (BibTeX allows it only last, but one anywhere is read the
        same way).
    """
    named = [p for p in persons if not is_others(p)]
    return named, len(named) < len(persons)


def _persons(data: dict, role: str) -> tuple[list[Any], bool]:
    """Named persons of ``role`` in the entry being formatted; missing when none are named."""
    entry = data["entry"]
    try:
        named, truncated = split_others(entry.persons[role])
    except KeyError:
        raise FieldIsMissing(role, entry) from None
    if not named:
        raise FieldIsMissing(role, entry)
    return named, truncated


# In-text citations (sphinxcontrib-bibtex referencing style) ------------------


@cite_node
def citation_names(children, data, role, full=False, sep=", ", sep2=" and ",
                   last_sep=", and ", other=" et al."):
    """Names for an in-text citation: "A", "A and B", "A et al." (see module docstring)."""
    assert not children
    named, truncated = _persons(data, role)
    person = data["style"].person
    formatted = [person.style_plugin.format(p, person.abbreviate) for p in named]
    if full and truncated:
        names = cite_join(sep=sep)[formatted].format_data(data)
        return Text(names, "," if len(named) >= 2 else "", other)
    if full:
        return cite_join(sep=sep, sep2=sep2, last_sep=last_sep)[formatted].format_data(data)
    if truncated or len(named) >= 3:
        return Text(formatted[0].format_data(data), other)
    return cite_join(sep=sep, sep2=sep2)[formatted].format_data(data)


@dataclass
class EtAlPersonStyle(PersonStyle):
    """Person style of the in-text citations: ``others`` and three or more authors give "et al."."""

    def names(self, role: str, full: bool) -> Any:
        """Template for the persons of ``role``, all of them if ``full``."""
        return citation_names(role=role, full=full, sep=self.sep, sep2=self.sep2,
                              last_sep=self.last_sep, other=self.other)

    def author_or_editor_or_title(self, full: bool) -> Any:
        """Template for the authors, else the editors, else the title."""
        return first_of[
            optional[self.names("author", full)],
            optional[self.names("editor", full)],
            tag("em")[bib_field("title")],
        ]


@dataclass
class EtAlAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's ``author_year`` style with :class:`EtAlPersonStyle`."""

    person: PersonStyle = field(default_factory=EtAlPersonStyle)


# Bibliography (pybtex formatting style) ---------------------------------------


@bib_node
def bibliography_names(children, context, role, sep=", ", sep2=" and ", last_sep=", and "):
    """Names for a bibliography entry, with a trailing ``others`` printed as "et al."."""
    assert not children
    named, truncated = _persons(context, role)
    style = context["style"]
    formatted = [style.format_name(p, style.abbreviate_names) for p in named]
    if not truncated:
        return bib_join(sep=sep, sep2=sep2, last_sep=last_sep)[formatted].format_data(context)
    names = bib_join(sep=sep)[formatted].format_data(context)
    return Text(names, "," if len(named) >= 2 else "", " ", ET_AL)


class EtAlPlainStyle(PlainStyle):
    """pybtex's ``plain`` style, with an author list ending in ``others`` shortened to "et al."."""

    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        """Template for the persons of ``role``."""
        names = bibliography_names(role, sep=", ", sep2=" and ", last_sep=", and ")
        return sentence[names] if as_sentence else names


# Registration ---------------------------------------------------------------------


def register() -> None:
    """Register both styles under their plugin names (again is harmless)."""
    pybtex.plugin.register_plugin("pybtex.style.formatting", BIBLIOGRAPHY_STYLE,
                                  EtAlPlainStyle, force=True)
    register_reference_style("sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE,
                             EtAlAuthorYearReferenceStyle, force=True)


def setup(app: Any) -> dict[str, Any]:
    """Sphinx extension: register the styles before sphinxcontrib-bibtex looks them up."""
    register()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
