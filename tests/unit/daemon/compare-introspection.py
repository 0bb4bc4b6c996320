#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compares the org.berth.* interfaces printed by `berthd --bus-introspect` with the contract files.

usage: compare-introspection.py BERTHD CONTRACT.xml...
Exit status 0 when they describe the same methods, arguments, signals and properties."""

import subprocess
import sys
import xml.etree.ElementTree as ET

EMITS = "org.freedesktop.DBus.Property.EmitsChangedSignal"


def args_of(element, with_direction):
    return [(a.get("type"), a.get("name"), a.get("direction", "in") if with_direction else None)
            for a in element.findall("arg")]


def interfaces_of(xml_text):
    result = {}
    for iface in ET.fromstring(xml_text).findall("interface"):
        name = iface.get("name")
        if not name.startswith("org.berth."):
            continue
        desc = {}
        for m in iface.findall("method"):
            desc["method " + m.get("name")] = args_of(m, True)
        for s in iface.findall("signal"):
            desc["signal " + s.get("name")] = args_of(s, False)
        for p in iface.findall("property"):
            emits = "true"
            for a in p.findall("annotation"):
                if a.get("name") == EMITS:
                    emits = a.get("value")
            desc["property " + p.get("name")] = (p.get("type"), p.get("access"), emits)
        result[name] = desc
    return result


def main():
    berthd, contracts = sys.argv[1], sys.argv[2:]
    actual = interfaces_of(subprocess.run([berthd, "--bus-introspect"], check=True,
                                          capture_output=True, text=True).stdout)
    expected = {}
    for path in contracts:
        with open(path, encoding="utf-8") as f:
            expected.update(interfaces_of(f.read()))

    problems = []
    for iface in sorted(set(expected) | set(actual)):
        if iface not in actual:
            problems.append(f"{iface}: missing from berthd")
            continue
        if iface not in expected:
            problems.append(f"{iface}: not in the contract")
            continue
        e, a = expected[iface], actual[iface]
        for member in sorted(set(e) | set(a)):
            if e.get(member) != a.get(member):
                problems.append(f"{iface} {member}: contract {e.get(member)!r}, berthd {a.get(member)!r}")

    for p in problems:
        print(p)
    if not actual:
        print("berthd printed no org.berth interfaces")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
