"""The project's own documentation stays true: docs/indicators.md follows the catalogue, docs/data-contract.md
the declared contract, and the README links to them, never into ../shared (which a clone does not have)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from loader.contract import BOOL, TABLES
from measures.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
INDICATORS_DOC = ROOT / "docs" / "indicators.md"
CONTRACT_DOC = ROOT / "docs" / "data-contract.md"

NOT_APPLICABLE = "—"
FACT_COLUMNS = ["tier", "domain", "kind", "better", "green", "yellow", "min_n", "scale"]
COLUMN_COLUMNS = ["column", "type", "empty?", "meaning"]
TIERS = {"Tier I": 1, "Tier II": 2}
INDICATOR_HEADING = re.compile(r"^### `([^`]+)` — (.+)$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)|^\[[^\]]+\]:\s*(\S+)", re.MULTILINE)


def headed_sections(text: str, level: int) -> list[tuple[str, str | None, list[str]]]:
    """(heading, the heading one level up it sits under, body lines) of every heading of exactly `level` #s."""
    found, parent, current, fenced = [], None, None, False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        depth = 0 if fenced else len(line) - len(line.lstrip("#"))
        if 0 < depth <= level and line[depth:depth + 1] == " ":
            heading = line[depth + 1:].strip()
            if depth == level - 1:
                parent = heading
            elif depth < level - 1:
                parent = None
            current = (heading, parent, []) if depth == level else None
            if current:
                found.append(current)
        elif current:
            current[2].append(line)
    return found


def first_table(lines: list[str], header: list[str]) -> list[list[str]] | None:
    """The data rows of the first Markdown table in `lines` whose header is `header` (None if there is none)."""
    rows, inside = [], False
    for line in lines:
        if not line.startswith("|"):
            if inside:
                return rows
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not inside:
            inside = cells == header
        elif not all(set(c) <= set("-: ") for c in cells):
            rows.append(cells)
    return rows if inside else None


def number(cell: str) -> Decimal | None:
    if cell == NOT_APPLICABLE:
        return None
    try:
        return Decimal(cell.replace(",", ""))
    except InvalidOperation:
        return Decimal("NaN")


# -- docs/indicators.md and the catalogue -----------------------------------------------------------

def indicator_sections() -> list[tuple[str, str, str | None, list[str]]]:
    """(id, name, tier heading, body) of every indicator section, in the document's order."""
    found = []
    for heading, parent, body in headed_sections(INDICATORS_DOC.read_text(encoding="utf-8"), 3):
        match = INDICATOR_HEADING.match("### " + heading)
        if match:
            found.append((match[1], match[2].strip(), parent, body))
        else:
            assert parent not in TIERS, (
                f"{INDICATORS_DOC}: '### {heading}' under '## {parent}' is not an indicator section; "
                "under a tier every section is headed ### `id` — name")
    return found


def test_the_indicator_document_has_one_section_per_catalogue_indicator_in_catalogue_order():
    catalogue = load_catalogue()
    documented = [ident for ident, *_ in indicator_sections()]
    assert documented == catalogue.ids, (
        f"{INDICATORS_DOC} must have exactly one '### `id` — name' section per indicator of "
        f"{catalogue.path}, in its order; missing: {sorted(set(catalogue.ids) - set(documented))}, "
        f"not in the catalogue: {sorted(set(documented) - set(catalogue.ids))}, "
        f"repeated: {sorted({i for i in documented if documented.count(i) > 1})}")


def test_each_indicator_section_states_the_catalogue_s_name_tier_domain_kind_and_standard():
    loaded = load_catalogue()
    catalogue = {i.id: i for i in loaded}
    problems = []
    for ident, name, tier_heading, body in indicator_sections():
        indicator = catalogue.get(ident)
        if indicator is None:
            continue  # reported by the test above
        where = f"{INDICATORS_DOC.name}, `{ident}`"
        if name != indicator.name:
            problems.append(f"{where}: named {name!r}, but the catalogue names it {indicator.name!r}")
        if TIERS.get(tier_heading) != indicator.tier:
            problems.append(f"{where}: under '## {tier_heading}', but the catalogue puts it in tier {indicator.tier}")
        rows = first_table(body, FACT_COLUMNS)
        if not rows or len(rows) != 1 or len(rows[0]) != len(FACT_COLUMNS):
            problems.append(f"{where}: needs one table with the header | {' | '.join(FACT_COLUMNS)} | and one row")
            continue
        facts = dict(zip(FACT_COLUMNS, rows[0]))
        expected = {
            "tier": (number(facts["tier"]), indicator.tier),
            "domain": (facts["domain"], indicator.domain),
            "kind": (facts["kind"], indicator.kind),
            "better": (facts["better"], indicator.direction or NOT_APPLICABLE),
            "green": (number(facts["green"]), indicator.green),
            "yellow": (number(facts["yellow"]), indicator.yellow),
            "min_n": (number(facts["min_n"]), indicator.min_n),
            "scale": (number(facts["scale"]), indicator.scale),
        }
        for fact, (written, declared) in expected.items():
            if written != declared:
                problems.append(f"{where}: {fact} is {facts[fact]!r} in the document but "
                                f"{NOT_APPLICABLE if declared is None else declared} in {loaded.path.name}; "
                                "bring the one that is wrong in step with the other")
    assert not problems, "\n".join(problems)


# -- docs/data-contract.md and the declared contract ------------------------------------------------

DOC_TYPE = {BOOL: "boolean"}  # every other type is written as loader.contract names it


def test_the_contract_document_describes_every_table_and_column_as_declared():
    sections = {heading.strip("`"): body
                for heading, parent, body in headed_sections(CONTRACT_DOC.read_text(encoding="utf-8"), 3)
                if parent == "The tables"}
    assert list(sections) == [t.name for t in TABLES], (
        f"{CONTRACT_DOC}: under '## The tables' there must be one '### `table`' section per table of "
        "loader/contract.py, in its order")
    problems = []
    for table in TABLES:
        rows = first_table(sections[table.name], COLUMN_COLUMNS) or []
        where = f"{CONTRACT_DOC.name}, `{table.name}`"
        if [r[0].strip("`") for r in rows] != [c.name for c in table.columns]:
            problems.append(f"{where}: the columns listed are {[r[0] for r in rows]}, "
                            f"but the contract declares {[c.name for c in table.columns]}")
            continue
        for (name, typ, empty, meaning), column in zip(rows, table.columns):
            if typ != DOC_TYPE.get(column.type, column.type):
                problems.append(f"{where}, {name}: type {typ!r}, declared {column.type!r}")
            if empty != ("nullable" if column.nullable else "required"):
                problems.append(f"{where}, {name}: {empty!r}, but the column is "
                                f"{'nullable' if column.nullable else 'required'}")
            if column.values:
                listed = re.search(r"one of ((?:`[^`]+`(?:, )?)+)", meaning)
                values = re.findall(r"`([^`]+)`", listed[1]) if listed else []
                if values != list(column.values):
                    problems.append(f"{where}, {name}: lists the values {values}, declared {list(column.values)}")
    assert not problems, "\n".join(problems)


# -- links ------------------------------------------------------------------------------------------

def links(path: Path) -> list[str]:
    return [m[1] or m[2] for m in LINK.finditer(path.read_text(encoding="utf-8"))]


def anchors(path: Path) -> set[str]:
    """The anchors a Markdown renderer gives the file's headings (GitHub's rule)."""
    slugs = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^#{1,6} ", line):
            text = line.lstrip("#").strip().lower()
            slugs.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return slugs


def test_the_readme_links_to_the_project_s_own_docs_and_never_into_shared():
    targets = links(README)
    into_shared = [t for t in targets if "../shared" in t or "shared/spec" in t]
    assert not into_shared, f"README.md links to {into_shared}, which a clone of this project does not have"
    for doc in ("docs/data-contract.md", "docs/indicators.md"):
        assert doc in targets, f"README.md must link to {doc}"


def test_every_relative_link_in_the_readme_and_docs_resolves():
    broken = []
    for path in (README, INDICATORS_DOC, CONTRACT_DOC):
        for target in links(path):
            if re.match(r"^[a-z]+:", target):
                continue  # http:, https:, mailto: are not checked here
            file, _, anchor = target.partition("#")
            resolved = (path.parent / file).resolve() if file else path
            if not resolved.exists() or ROOT not in resolved.parents:
                broken.append(f"{path.name}: {target} (no such file in the project)")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{path.name}: {target} (no heading with the anchor #{anchor})")
    assert not broken, "\n".join(broken)


# -- published figures: the generic format, the export and the [[imported]] entries -----------------

IMPORTED_COLUMNS = ["id", "name", "source", "domain", "kind", "scale", "better", "green", "yellow"]


def _section(path: Path, heading: str, level: int) -> list[str]:
    [body] = [b for h, _, b in headed_sections(path.read_text(encoding="utf-8"), level) if h == heading]
    return body


def _names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def test_the_contract_document_describes_the_generic_format_and_the_export_as_the_code_reads_them():
    from loader.aggregates import ENTITY_TYPES, GENERIC_OPTIONAL, GENERIC_REQUIRED
    from store.aggregates import EXPORT_COLUMNS
    rows = first_table(_section(CONTRACT_DOC, "The generic format", 3), ["column", "empty?", "meaning"]) or []
    columns = [name for r in rows for name in _names(r[0])]
    assert sorted(columns) == sorted(GENERIC_REQUIRED + GENERIC_OPTIONAL), (
        f"{CONTRACT_DOC.name}, 'The generic format': lists {columns}; loader/aggregates.py reads "
        f"{list(GENERIC_REQUIRED + GENERIC_OPTIONAL)}")
    [entity_type] = [r for r in rows if _names(r[0]) == ["entity_type"]]
    assert _names(entity_type[2]) == list(ENTITY_TYPES)
    rows = first_table(_section(CONTRACT_DOC, "The export", 3), ["column", "meaning"]) or []
    assert [name for r in rows for name in _names(r[0])] == EXPORT_COLUMNS


def test_the_indicator_document_lists_every_imported_field_and_indicator_as_declared():
    from loader.aggregates import CFSR_INDICATORS
    from measures.imported import FIELDS
    fields = first_table(_section(INDICATORS_DOC, "Fields", 3), ["field", "required?", "meaning"]) or []
    assert [r[0].strip("`") for r in fields] == list(FIELDS)
    loaded = load_catalogue()
    rows = first_table(_section(INDICATORS_DOC, "Values and status", 3), IMPORTED_COLUMNS) or []
    assert [r[0].strip("`") for r in rows] == [i.id for i in loaded.imported], (
        f"{INDICATORS_DOC.name}: the table of imported indicators must list every [[imported]] entry of "
        f"{loaded.path.name}, in its order")
    problems = []
    for cells, indicator in zip(rows, loaded.imported):
        facts = dict(zip(IMPORTED_COLUMNS, cells))
        expected = {"name": (facts["name"], indicator.name), "source": (facts["source"], indicator.source),
                    "domain": (facts["domain"], indicator.domain), "kind": (facts["kind"], indicator.kind),
                    "scale": (number(facts["scale"]), indicator.scale),
                    "better": (facts["better"], indicator.direction or NOT_APPLICABLE),
                    "green": (number(facts["green"]), indicator.green),
                    "yellow": (number(facts["yellow"]), indicator.yellow)}
        problems += [f"{INDICATORS_DOC.name}, `{indicator.id}`: {fact} is {written!r} in the document but "
                     f"{declared} in {loaded.path.name}" for fact, (written, declared) in expected.items()
                     if written != declared]
    assert not problems, "\n".join(problems)
    cfsr = first_table(_section(INDICATORS_DOC, "The CFSR statewide data indicators", 3),
                       ["id", "published as", "numerator", "denominator", "national performance"]) or []
    assert {r[1]: r[0].strip("`") for r in cfsr} == CFSR_INDICATORS
