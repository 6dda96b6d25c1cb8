#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# swapscope: turn the BENCH-* lines of a `make bench` console log into the table and build/bench.json.
#
# Usage: tests/bench/report.py [--accel tcg] [--out FILE] [--check] CONSOLE_LOG
#   --check: also print "ok"/"not ok" lines (make check's smoke): every
#   workload has a median > 0 under each condition.
# Exit 1 when the log holds no complete run (or, with --check, on "not ok").
import argparse
import json
import re
import statistics
import sys

# probes: ssfloor.ko, swapscope's probes with handlers that only count.
# bpftrace-off: bpftrace attached, its kprobes disarmed (the baseline
# paired with each bpftrace run).
CONDS = ("baseline", "swapscope", "probes", "bpftrace", "bpftrace-off")
LINE = re.compile(r"^(BENCH-[A-Z]+) ?(.*)$")


def fields(rest):
    """key=value pairs of a line, numbers converted."""
    out = {}
    for item in rest.split():
        key, sep, val = item.partition("=")
        if not sep:
            continue
        try:
            out[key] = int(val)
        except ValueError:
            try:
                out[key] = float(val)
            except ValueError:
                out[key] = val
    return out


def parse(path):
    meta, order, work = {}, [], {}
    runs, attach, mem, memfile, floor = [], [], [], [], []
    done = None
    with open(path, errors="replace") as f:
        for raw in f:
            m = LINE.match(raw.rstrip("\r\n"))
            if not m:
                continue
            kind, kv = m.group(1), fields(m.group(2))
            if kind == "BENCH-META":
                meta = kv
            elif kind == "BENCH-WORKLOAD":
                order.append(kv["name"])
                work[kv["name"]] = kv
            elif kind == "BENCH-RUN":
                runs.append(kv)
            elif kind == "BENCH-BPFTRACE":
                attach.append(kv)
            elif kind == "BENCH-MEM":
                mem.append(kv)
            elif kind == "BENCH-FLOOR":
                floor.append(kv)
            elif kind == "BENCH-MEMFILE":
                memfile.append(kv)
            elif kind == "BENCH-DONE":
                done = kv
    return meta, order, work, runs, attach, mem, memfile, floor, done


def paired_ratio(secs_by_round, cond, base):
    """Median over rounds of cond/base, each pair run next to each other."""
    r = [v[cond] / v[base] for v in secs_by_round.values()
         if v.get(cond) and v.get(base)]
    return round(statistics.median(r), 4) if r else None


def build(args, parsed):
    meta, order, work, runs, attach, mem, memfile, floor, done = parsed
    workloads = []
    for name in order:
        mine = [r for r in runs if r.get("name") == name]
        secs = {c: [r["seconds"] for r in mine if r.get("cond") == c]
                for c in CONDS}
        med = {c: round(statistics.median(v), 6) if v else None
               for c, v in secs.items()}
        by_round = {}
        for r in mine:
            by_round.setdefault(r.get("round"), {})[r.get("cond")] = r["seconds"]
        ss = [r for r in mine if r.get("cond") == "swapscope"]
        missed = {}
        for r in ss:
            for item in str(r.get("missed_by_probe", "")).split(","):
                probe, _, n = item.partition(":")
                if probe and n.isdigit():
                    missed[probe] = missed.get(probe, 0) + int(n)
        w = work[name]
        workloads.append({
            "name": name,
            "workload": w.get("prog"),
            "size_mib": w.get("size_mib"),
            "iterations": w.get("iterations"),
            "baseline_s": med["baseline"],
            "swapscope_s": med["swapscope"],
            "bpftrace_s": med["bpftrace"],
            "bpftrace_off_s": med["bpftrace-off"],
            "probes_s": med["probes"],
            "ratio_swapscope": paired_ratio(by_round, "swapscope", "baseline"),
            "ratio_probes": paired_ratio(by_round, "probes", "baseline"),
            "ratio_bpftrace": paired_ratio(by_round, "bpftrace",
                                           "bpftrace-off"),
            "nmissed": sum(r.get("nmissed", 0) for r in ss),
            "dropped": sum(r.get("dropped", 0) for r in ss),
            "samples_dropped": sum(r.get("samples_dropped", 0) for r in ss),
            "nmissed_by_probe": missed,
            "probes_nmissed": sum(f.get("nmissed", 0) for f in floor
                                  if f.get("name") == name),
            "probes_hits": [f.get("hits") for f in floor
                            if f.get("name") == name],
            "swapscope_hits_per_run":
                statistics.median([r.get("hits", 0) for r in ss]) if ss else None,
            "pages_per_run": mine[0].get("pages") if mine else None,
            "runs_s": secs,
        })
    return {
        "kernel": meta.get("kernel"),
        "accel": args.accel,
        "vcpus": meta.get("vcpus"),
        "rounds": meta.get("rounds"),
        "ratios": "median over rounds of each run over the baseline run"
                  " next to it (bpftrace: over bpftrace-off, its probes"
                  " disarmed); probes: swapscope's probes with empty"
                  " handlers (tests/bench/floor)",
        "complete": bool(done) and done.get("failed") == 0,
        "bpftrace": {
            "version": str(meta.get("bpftrace", "")).replace("_", " "),
            "probes": meta.get("bpftrace_probes"),
            "attach_s": [a.get("attach_s") for a in attach],
            "kprobes_listed": [a.get("kprobes_listed") for a in attach],
            "rss_kib": [a.get("rss_kib") for a in attach],
            "guest_memavailable_kib": [a.get("memavailable_kib") for a in attach],
        },
        "memory": {m.pop("phase"): m for m in mem},
        "memory_debugfs": {m.pop("phase"): m for m in memfile},
        "workloads": workloads,
    }


def fmt(v, spec):
    """v formatted by spec, or "-" as wide, for a condition that did not run."""
    return format(v, spec) if v is not None else "-".rjust(int(spec.split(".")[0]))


def table(res):
    print(f"# kernel {res['kernel']}, {res['accel']}, {res['vcpus']} vCPUs,"
          f" {res['rounds']} rounds, medians in seconds; ratios: medians of"
          " the per-round paired ratios")
    print(f"{'workload':<15} {'baseline':>9} {'swapscope':>9} {'bpftrace':>9}"
          f" {'ss/base':>8} {'bt/base':>8} {'pr/base':>8} {'nmissed':>8}"
          f" {'dropped':>8} {'samples_dropped':>15}")
    for w in res["workloads"]:
        print(f"{w['name']:<15} {fmt(w['baseline_s'], '9.4f')}"
              f" {fmt(w['swapscope_s'], '9.4f')} {fmt(w['bpftrace_s'], '9.4f')}"
              f" {fmt(w['ratio_swapscope'], '8.3f')}"
              f" {fmt(w['ratio_bpftrace'], '8.3f')}"
              f" {fmt(w['ratio_probes'], '8.3f')}"
              f" {w['nmissed']:>8} {w['dropped']:>8}"
              f" {w['samples_dropped']:>15}")
    for phase, m in res["memory"].items():
        print(f"# memory {phase}: " +
              " ".join(f"{k}={v}" for k, v in m.items()))
    bt = res["bpftrace"]
    if bt["attach_s"]:
        print(f"# bpftrace attach ({bt['probes']} probes): " +
              " ".join(f"{a}s" for a in bt["attach_s"]) +
              f"; its RSS {bt['rss_kib'][0]} kB, guest MemAvailable"
              f" {bt['guest_memavailable_kib'][0]} kB once attached")


def check(res):
    bad = 0

    def say(ok, what):
        nonlocal bad
        print(("ok - " if ok else "not ok - ") + "bench smoke: " + what)
        bad += not ok

    say(res["complete"], "the guest finished every round without failure")
    say(bool(res["workloads"]), "workloads reported")
    for w in res["workloads"]:
        vals = [w[c.replace("-", "_") + "_s"] for c in CONDS]
        say(all(v is not None and v > 0 for v in vals),
            f"{w['name']} timed under {', '.join(CONDS)}: {vals}")
        say(None not in (w["ratio_swapscope"], w["ratio_bpftrace"],
                         w["ratio_probes"]),
            f"{w['name']} has its three paired ratios")
        say(len(w["probes_hits"]) == res["rounds"] and
            all(isinstance(h, int) and h > 0 for h in w["probes_hits"]),
            f"{w['name']}: the bare probes ran (hits per round"
            f" {w['probes_hits']})")
        say(w["nmissed"] == 0 and w["dropped"] == 0,
            f"{w['name']}: swapscope missed {w['nmissed']} hits and lost "
            f"{w['dropped']} events or judgements")
    say(len(res["bpftrace"]["attach_s"]) == res["rounds"],
        "bpftrace attached once per round")
    say("load" in res["memory"], "module memory footprint measured")
    for key in ("kernel", "accel", "vcpus", "rounds"):
        say(res[key] is not None, f"JSON has {key}")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--out")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("console")
    args = ap.parse_args()
    res = build(args, parse(args.console))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=2)
            f.write("\n")
    table(res)
    if args.out:
        print(f"# wrote {args.out}")
    bad = check(res) if args.check else 0
    if not res["workloads"] or bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
