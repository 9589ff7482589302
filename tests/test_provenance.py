"""Every number with its source: the audit of the parameter registry.

These tests fail when a parameter lacks a unit or a source, when a source key
is not in references.bib, when a key in references.bib is cited nowhere, or
when a module holds a bare numeric constant that is not a parameter. The
``planted`` tests show that each check does fail on a mistake.
"""

import dataclasses
import json
from pathlib import Path

import pytest

from ketamodel import provenance
from ketamodel.params import param

ROOT = Path(__file__).resolve().parents[1]
BIB = (ROOT / "references.bib").read_text(encoding="utf-8")
KEYS = provenance.bib_keys(BIB)

# Module-level numeric constants that are allowed, each with its reason.
ALLOWED_LITERALS = {
    # build tooling, not model quantities: print workers, a page timeout, margins, header bands
    "sphinx_pdf": {"JOBS", "PAGE_TIMEOUT_S", "MARGIN", "_BAND", "_HEADER", "_FOOTER", "_READY"},
    # the quiz directive's limits on the number of options per question
    "sphinx_quiz": {"MIN_OPTIONS", "MAX_OPTIONS"},
    "units": {
        "KETAMINE_G_PER_MOL",       # physical constant: molar mass of C13H16ClNO
        "KETAMINE_HCL_G_PER_MOL",   # physical constant: molar mass of the HCl salt
        "NORKETAMINE_G_PER_MOL",    # physical constant: molar mass of C12H14ClNO
        "S_PER_MIN",                # unit conversion
        "MIN_PER_H",                # unit conversion
    },
    # the number of state variables and their indices, not quantities
    "pharmacology/kinetics": {"_N_STATES", "_IM", "_IN", "_ORAL", "_CENTRAL", "_PERIPH",
                              "_EFFECT", "_NOR", "_FIRSTPASS", "_PERIPH2"},
    "pharmacology/trapping": {"MAX_PERIODS"},  # a computing budget, not a quantity
    "plotting/style": {"LINESTYLES", "STYLE"},  # presentation: dash patterns, font sizes, dpi
    # presentation: the explorer's time span, agents per group and grid of rho
    "plotting/reward": {"_EXPLORER_T_END_H", "_EXPLORER_AGENTS", "_EXPLORER_RHO"},
    # presentation: where the model diagram's boxes sit and which boxes the arrows join,
    # and the dashboard's menu of doses (mg/kg of the salt, as trials state them)
    "plotting/unified": {"_BOXES", "_ARROWS", "DASHBOARD_DOSES"},
    # numerics: finite-difference step, the box and grids searched by the fits
    # and the dimensions of the choice arrays
    "reward/fit": {"_FD_STEP", "_BOUNDS", "_RHO_GRID", "_EPSILON_GRID", "_SHAPES"},
    "reward/selfcheck": {"TOLERANCE"},  # marking: how close an answer must be
    "pharmacology/selfcheck": {"TOLERANCE"},  # marking: how close an answer must be
    # atlas facts: parcels per network and hemisphere of the Schaefer label files
    # (schaefer2018local; checked against facts.md in tests/test_networks.py)
    "networks/parcellation": {"COUNTS"},
    # the ends and middle of the context axis c in [-1, 1] (a scale, not a quantity)
    "networks/ketamine": {"CONTEXTS"},
    "networks/metrics": {"SYMMETRY_TOL"},  # numerics: tolerance of the symmetry check
    "networks/ou": {"STABILITY_LIMIT"},  # mathematics: eigenvalue 1 is the stability bound
    "networks/selfcheck": {"TOLERANCE"},  # marking: how close an answer must be
    # numerics: the grid of the interpolation table, and the self-model's hourly step
    # EIGHT_WEEKS_H: a time span in hours (8 × 7 × 24), a default length
    "selfmodel/drive": {"TABLE_OCCUPANCY", "STEP_H", "EIGHT_WEEKS_H"},
    # the chapter's scenario: how long after the window the late sessions start (two weeks)
    "selfmodel/cases": {"DEFAULT_DELAY_H"},
    "selfmodel/selfcheck": {"TOLERANCE"},  # marking: how close an answer must be
    # numerics: the reward model's segment and window (occupancy below 1 %, at most a day),
    # the grids of clearance and context at which a cohort's exposures are computed;
    # MAX_T_END_H: the longest course (half a year, the self-model's limit)
    "unified/levels": {"REWARD_SEGMENT_H", "REWARD_OCCUPANCY_END", "REWARD_WINDOW_MAX_H",
                       "CL_NODES", "CONTEXT_NODES", "MAX_T_END_H"},
    # the trial's schedule of visits (baseline, 4 h, days 1 and 3, weekly to week 8), and
    # BLOCK: people per block of random draws (bookkeeping of the random streams)
    "unified/cohort": {"VISITS_H"},
    "unified/patients": {"BLOCK"},
    # the calibration points themselves (murrough2013antidepressant, zarate2006randomized:
    # values, t statistics, CIs, arm sizes, the 1.96 of a 95 % interval) and the published
    # result kept as a check (CHECK_POINTS: A's adjusted difference and its CI), the visit
    # they describe, the calibration cohort's size and seed, and the box the fit searches
    # (BOUNDS, numerics); ARM_SIZES_A: the published arm sizes of trial A (47 and 25)
    "unified/calibration": {"VISIT_H", "CALIBRATION_N", "CALIBRATION_SEED",
                            "CALIBRATION_POINTS", "CHECK_POINTS", "BOUNDS", "ARM_SIZES_A"},
    # the published results the model is held to, each with its key (kishimoto2016singledose,
    # zarate2006randomized, han2016efficacy, ibrahim2012course, murrough2013rapid: values and
    # 95 % intervals, or the tolerance each says it assumes); RATE_TOLERANCE: the assumed
    # tolerance for a pooled rate without an interval (marking, like a self-check's);
    # the validation arms' visits and the six-infusion schedule of murrough2013rapid
    # (Monday-Wednesday-Friday for two weeks), schedules like VISITS_H; LOST_D: the d no
    # longer significant in kishimoto2016singledose's 234 patients (1.96 x the SE of d for
    # two arms of 117)
    "unified/validation": {"VALIDATION_POINTS", "RATE_TOLERANCE", "VALIDATION_VISITS_H",
                           "SIX_INFUSIONS", "LOST_D"},
    "unified/selfcheck": {"TOLERANCE"},  # marking: how close an answer must be
    # the changes of assumption that make each prediction fail (a sensitivity set to 0);
    # SMALLEST_EFFECTS: the smallest effects that would matter (assumed, stated in the
    # chapter, like a self-check's tolerance); _Z: z_0.975 + z_0.8, the normal quantiles of
    # a two-sided 5 % test at 80 % power (mathematics)
    "unified/predictions": {"PREDICTIONS", "SMALLEST_EFFECTS", "_Z"},
    # the book's course arm: four infusions twice a week (84 h apart, wilkinson2017cognitive)
    "unified/trials": {"_COURSE"},
    # the robustness rule for assumed values (a factor of two either way), the analysis'
    # budget and seed, the clip of the margins and the verdicts' thresholds (a reading of a
    # share, like a self-check's tolerance), rows per partition of a sweep (bookkeeping)
    "robustness/space": {"DEFAULT_FACTOR"},
    "robustness/analysis": {"MARGIN_CLIP", "SETTINGS", "VERDICTS"},
    "sweep": {"DEFAULT_PARTITION_ROWS"},
    # results of earlier chapters a claim holds (Chapter 2's peak block, Chapter 1's peak
    # occupancy), the margin of a claim that cannot be judged, six weeks in hours
    # (CLAIMS: the chapter each claim belongs to)
    "robustness/claims": {"CH2_PEAK_BLOCK", "CH4_OCCUPANCY", "NO_STEADY_STATE", "_SIX_WEEKS_H",
                          "CLAIMS"},
    "plotting/robustness": {"CHAPTER_COLOURS"},  # presentation: one colour per chapter 1-6
}


def _book_texts() -> dict[str, str]:
    """Every text of the book and the library that may cite a source."""
    texts = {}
    for path in [*ROOT.glob("*.md"), *ROOT.glob("chapters/*.md"), *ROOT.glob("appendices/*.md"),
                 *(p for p in ROOT.glob("ketamodel/**/*.py") if p.name != "provenance.py")]:
        texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for path in [*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("appendices/*.ipynb")]:
        nb = json.loads(path.read_text(encoding="utf-8"))
        texts[str(path.relative_to(ROOT))] = "\n".join("".join(c["source"]) for c in nb["cells"])
    return texts


def test_every_parameter_has_a_unit_and_a_known_source():
    rows = provenance.parameters()
    assert len(rows) >= 30, "the registry should see every parameter class of the models"
    assert provenance.audit_rows(rows, KEYS) == []


def test_every_model_module_is_in_the_registry():
    modules = {r.module for r in provenance.parameters()}
    assert modules == set(provenance.MODEL_MODULES)


def test_every_bibliography_entry_is_cited_somewhere():
    cited = set()
    for text in _book_texts().values():
        cited |= provenance.cited_keys(text)
    cited |= {k for r in provenance.parameters() for k in r.keys + r.note_keys}
    assert sorted(KEYS - cited) == [], "entries of references.bib cited nowhere"


def test_every_citation_is_in_the_bibliography():
    missing = {name: sorted(provenance.cited_keys(text) - KEYS)
               for name, text in _book_texts().items()}
    assert {k: v for k, v in missing.items() if v} == {}


@pytest.mark.parametrize("path", sorted((ROOT / "ketamodel").rglob("*.py")),
                         ids=lambda p: p.relative_to(ROOT / "ketamodel").with_suffix("").as_posix())
def test_no_bare_numbers_at_module_level(path):
    name = path.relative_to(ROOT / "ketamodel").with_suffix("").as_posix()
    allowed = ALLOWED_LITERALS.get(name, set())
    assert provenance.module_level_literals(path.read_text(encoding="utf-8"), allowed) == []


def test_summary_counts_add_up():
    rows = provenance.parameters()
    n_assumed = sum(r.assumed for r in rows)
    assert provenance.summary(rows) == (f"{len(rows)} parameters, {len(rows) - n_assumed} "
                                        f"from the literature, {n_assumed} assumed")
    assert 0 < n_assumed < len(rows)


def test_table_cites_sources_and_marks_assumptions():
    table = provenance.table_markdown("pharmacology")
    assert "{cite:p}`clements1981pharmacokinetics`" in table
    assert "**assumed**" in table
    n_rows = sum(line.startswith("| `") for line in table.splitlines())
    assert n_rows == sum(r.module == "pharmacology" for r in provenance.parameters())


# --- planted mistakes: each check must fail on them --------------------------------------
@dataclasses.dataclass(frozen=True)
class _Planted:
    no_unit: float = param(1.0, "", "clements1981pharmacokinetics")
    unknown_key: float = param(1.0, "1/min", "nobody1999invented")
    bare_assumption: float = param(1.0, "1", "assumed:")
    note_key: float = param(1.0, "1", "assumed: chosen to match nobody2000unknown")
    plain: float = 2.0                                   # declared without param()


def _planted_rows():
    return [provenance.ParameterRow("planted", "_Planted", f.name, f.default,
                                    f.metadata.get("unit", ""), f.metadata.get("source", ""))
            for f in dataclasses.fields(_Planted)]


def test_planted_missing_unit_is_caught():
    assert "planted._Planted.no_unit: no unit" in provenance.audit_rows(_planted_rows(), KEYS)


def test_planted_unknown_key_is_caught():
    problems = provenance.audit_rows(_planted_rows(), KEYS)
    assert any("'nobody1999invented' is not in references.bib" in p for p in problems)


def test_planted_assumption_without_reason_is_caught():
    problems = provenance.audit_rows(_planted_rows(), KEYS)
    assert "planted._Planted.bare_assumption: 'assumed:' without a reason" in problems


def test_planted_unknown_key_in_a_note_is_caught():
    problems = provenance.audit_rows(_planted_rows(), KEYS)
    assert ("planted._Planted.note_key: key 'nobody2000unknown' in the note is not in "
            "references.bib") in problems


def test_keys_in_notes_become_citations_in_the_table():
    table = provenance.table_markdown("pharmacology")
    assert "{cite:t}`yanagihara2003plasma`" in table


def test_planted_field_without_param_is_caught():
    problems = provenance.audit_rows(_planted_rows(), KEYS)
    assert "planted._Planted.plain: no unit" in problems
    assert "planted._Planted.plain: no source" in problems


def test_planted_module_level_number_is_caught():
    source = "import math\nK_MG_MM = 3.57\nNAME = 'x'\nOK = 1.0  # allowed\n"
    assert provenance.module_level_literals(source, {"OK"}) == ["K_MG_MM (line 2): 3.57"]


def test_planted_uncited_bibliography_entry_is_caught():
    assert provenance.bib_keys("@article{lonely2020entry,\n title={x}}\n") - set() == {
        "lonely2020entry"}
    assert provenance.cited_keys("see {cite:p}`a2020x, b2021y` and :cite:t:`c2022z`") == {
        "a2020x", "b2021y", "c2022z"}


def test_planted_tuple_assignment_is_caught():
    assert provenance.module_level_literals("A, B = 1.0, 2.0\n", set()) == [
        "A, B (line 1): 1.0", "A, B (line 1): 2.0"]
