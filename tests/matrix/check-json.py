#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the shape of `swapscope --json matrix` (build/matrix.json).

Usage: check-json.py FILE NAME... [--stock]
  NAME   the kernels of the matrix, in order (the first is the reference)
  --stock  also check every kernel's verdicts against the picture Debian's
           stock 6.1 and 6.12 give after the scenarios, and that nothing
           changed: the matrix of stock kernels must be all "same"

Prints one "ok - " or "not ok - " line per check; exit 1 if any failed,
2 if FILE is not JSON at all.
"""
import json
import sys

VERDICTS = {"conforms", "diverges", "not-observed", "not-applicable", "absent"}
RULES = ["Z1", "Z2", "Z3", "Z4", "F1", "F2", "S1", "S2", "S3", "S4",
         "U1", "U2", "U3", "P1", "P2", "P3", "C1", "C2", "C3"]
# After the scenarios, on both Debian kernels (docs/rules.md, "What
# Debian's stock kernels get"; tests/vm/guest-check.sh asserts the same in
# the integration stage).  P2 and F2 are races a run may not observe.
STOCK = {r: {"conforms"} for r in RULES}
STOCK.update({r: {"diverges"} for r in ("U3", "P1", "P3", "C1")})
STOCK["F2"] = {"conforms", "not-observed"}
STOCK["P2"] = {"diverges", "not-observed"}
STOCK["C3"] = {"not-applicable"}

failed = False


def check(ok, desc):
    global failed
    print(("ok - " if ok else "not ok - ") + "matrix.json: " + desc)
    failed |= not ok
    return ok


def main(argv):
    stock = "--stock" in argv
    args = [a for a in argv if a != "--stock"]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, names = args[0], args[1:]
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"not ok - matrix.json: {path}: {e}")
        return 2

    keys = {"kernels", "rules", "changes", "unmet_expectations", "result"}
    if not check(isinstance(doc, dict) and keys <= set(doc),
                 f"an object with {', '.join(sorted(keys))}"):
        return 1
    ks = doc["kernels"]
    check(isinstance(ks, list) and [k.get("name") for k in ks] == names,
          f"kernels are {' '.join(names)}, in order")
    check(all(isinstance(k.get("release"), str) and k["release"] and
              isinstance(k.get("source"), str) and k["source"] for k in ks),
          "every kernel has its release and source")
    rules = doc["rules"]
    ids = [r.get("id") for r in rules] if isinstance(rules, list) else []
    check(ids == RULES, f"rules are the {len(RULES)} rules in order (got {' '.join(map(str, ids))})")
    shape = True
    for r in rules if isinstance(rules, list) else []:
        res = r.get("results")
        shape &= (isinstance(r.get("seed"), str) and len(r["seed"]) == 3 and
                  isinstance(res, list) and
                  [x.get("kernel") for x in res] == names and
                  all(x.get("verdict") in VERDICTS for x in res))
    check(shape, "each rule has a seed and one result per kernel, each a verdict")
    check(isinstance(doc["changes"], list) and
          all({"rule", "kernel", "from", "to", "expected"} <= set(c)
              for c in doc["changes"]),
          "changes is a list of rule/kernel/from/to/expected")
    check(isinstance(doc["unmet_expectations"], list), "unmet_expectations is a list")
    check(doc["result"] in ("same", "expected", "changed"),
          f"result is same, expected or changed (got {doc['result']!r})")
    if stock:
        check(doc["result"] == "same" and not doc["changes"] and
              not doc["unmet_expectations"],
              "stock kernels: result same, no change, no unmet expectation")
        bad = [f"{r['id']}@{x['kernel']}={x['verdict']}"
               for r in rules for x in r.get("results", [])
               if r.get("id") in STOCK and x.get("verdict") not in STOCK[r["id"]]]
        check(not bad, "stock kernels: every verdict is the stock picture" +
              (f" (not: {' '.join(bad)})" if bad else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
