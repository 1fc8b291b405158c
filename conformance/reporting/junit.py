"""JUnit XML for CI: the one writer `contract conform` and `contract verify` share.

One test suite; one test case per operation x check (classname, name); a case fails with the new
findings it holds, while known ones (excused by the baseline) leave it passing, as they leave the
exit code. CI test views and `junitparser merge` (the sharded CI example) read it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping

from conformance.reporting.findings import AnyFinding

Case = tuple[str, str]  # (operation, check): a test case's classname and name
Describe = Callable[[AnyFinding, int], list[str]]  # a finding's lines, numbered within its case


def junit_xml(
    suite: str,
    ran: Iterable[Case],
    findings: Iterable[AnyFinding],
    *,
    describe: Describe[AnyFinding],
    duration: float | None = None,
    properties: Mapping[str, object] | None = None,
) -> str:
    """The report: each case in `ran` passes unless a new finding fails it; a finding's own case is
    added when its check is not in `ran` (verify only lists what it saw)."""
    cases = _cases(ran, findings)
    counts = {"tests": str(len(cases)), "failures": str(sum(1 for f in cases.values() if f))}
    root = ET.Element("testsuites", {"name": suite, **counts})
    attributes = {"name": suite, **counts, "errors": "0"}
    if duration is not None:
        attributes["time"] = f"{duration:.3f}"
    testsuite = ET.SubElement(root, "testsuite", attributes)
    if properties:
        _properties(testsuite, properties)
    for (operation, check), found in sorted(cases.items()):
        _testcase(testsuite, operation, check, found, describe)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _cases(ran: Iterable[Case], findings: Iterable[AnyFinding]) -> dict[Case, list[AnyFinding]]:
    """Every case with the new findings that fail it."""
    cases: dict[Case, list[AnyFinding]] = {case: [] for case in ran}
    for finding in findings:
        found = cases.setdefault((finding.operation, finding.check), [])
        if not finding.is_known:
            found.append(finding)
    return cases


def _properties(testsuite: ET.Element, properties: Mapping[str, object]) -> None:
    element = ET.SubElement(testsuite, "properties")
    for name, value in properties.items():
        ET.SubElement(element, "property", name=name, value=str(value))


def _testcase(
    testsuite: ET.Element,
    operation: str,
    check: str,
    found: list[AnyFinding],
    describe: Describe[AnyFinding],
) -> None:
    case = ET.SubElement(testsuite, "testcase", classname=operation, name=check, time="0")
    if found:
        failure = ET.SubElement(
            case, "failure", message="; ".join(f.title for f in found), type=found[0].code
        )
        failure.text = "\n\n".join("\n".join(describe(f, i)) for i, f in enumerate(found, 1))
