#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, on the host after the VM: the rows the guest wrote (one JSON object a
line, {"bench": "B1", ...}) become

  OUT/results.json  one object, one key per benchmark "B1" ... "B9", each an array of
                    rows (the rows as measured, without their "bench" key)
  OUT/results.md    the tables (also printed on stdout)
  OUT/bench.png     the chart (gnuplot), OUT/bench.gp and OUT/*.dat its inputs

usage: report.py [--kernel K] [--quick 0|1] [--run DIR] ROWS.jsonl OUT
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

BENCHES = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9"]
NOT_BUILT = {}


def size_str(b):
    for unit, n in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= n and b % n == 0:
            return "%d %s" % (b // n, unit)
    return "%d B" % b


def num(v, fmt="%.3g"):
    if v is None:
        return "—"
    if isinstance(v, (int,)) or (isinstance(v, float) and v.is_integer() and abs(v) >= 1000):
        return "%d" % v
    return fmt % v


def spread(row, key, fmt="%.3g"):
    """median (min–max)"""
    m = row.get(key)
    lo, hi = row.get(key + "_min"), row.get(key + "_max")
    if m is None:
        return "—"
    if lo is None or hi is None:
        return num(m, fmt)
    return "%s (%s–%s)" % (num(m, fmt), num(lo, fmt), num(hi, fmt))


def table(title, head, body):
    out = ["", "### " + title, "", "| " + " | ".join(head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    for r in body:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return out


def tables(res):
    t = []
    if res["B1"]:
        t += table("B1 throughput: COPY, MB/s (median, min–max), ratios per repetition",
                   ["size", "in flight", "queues", "engine MB/s", "memcpy MB/s",
                    "kernel memcpy MB/s", "engine ÷ memcpy", "engine ÷ kernel memcpy",
                    "hits/misses/evictions per run"],
                   [[size_str(r["size"]), r["inflight"], r["queues"], spread(r, "mbs_engine"),
                     spread(r, "mbs_memcpy"), spread(r, "mbs_kmemcpy"),
                     spread(r, "ratio_memcpy"), spread(r, "ratio_kmemcpy"),
                     "%s/%s/%s" % (num(r.get("cache_hits")), num(r.get("cache_misses")),
                                   num(r.get("cache_evictions")))] for r in res["B1"]])
    if res["B2"]:
        t += table("B2 small ops (BATCH: per element)",
                   ["op", "per doorbell", "wait", "ops/s", "µs/op"],
                   [[r["op"], r.get("per_doorbell", r.get("batch")) if r["op"] != "BATCH"
                     else "1 BATCH of %d" % r["batch"], r["wait"], spread(r, "ops_per_s"),
                     spread(r, "us_per_op")] for r in res["B2"]])
    if res["B3"]:
        t += table("B3 shadow cache: dma_cache=1 vs dma_cache=0 (budget %s pages)"
                   % res["B3"][0]["budget_pages"],
                   ["size", "working set ÷ budget", "cache MB/s", "bypass MB/s",
                    "cache ÷ bypass", "hits", "misses", "evictions"],
                   [[size_str(r["size"]), "%.2f (%.3f)" % (r["ws_target"], r["ws_ratio"]),
                     spread(r, "mbs_cache"), spread(r, "mbs_bypass"), spread(r, "ratio_cache"),
                     num(r.get("cache_hits")), num(r.get("cache_misses")),
                     num(r.get("cache_evictions"))] for r in res["B3"]])
    if res["B4"]:
        t += table("B4 fairness: byte share ÷ weight share (1.0 is fair)",
                   ["experiment", "instance", "queues", "descriptor", "weight",
                    "weight share", "byte share", "share ÷ weight share"],
                   [[r["experiment"], "%d (%s)" % (r["instance"], r["type"]), r["queues"],
                     size_str(r["desc_size"]), r["weight"], "%.3f" % r["weight_share"],
                     spread(r, "share"), spread(r, "share_ratio")] for r in res["B4"]])
    if res["B5"]:
        t += table("B5 scale: per instance (KiB: Slab + VmallocUsed deltas ÷ N)",
                   ["N", "create ms", "remove ms", "KiB closed", "KiB open",
                    "KiB open − devmem", "KiB after work", "doorbell µs", "NOP round trip µs"],
                   [[r["instances"], spread(r, "create_ms"), spread(r, "remove_ms"),
                     num(r.get("mem_kib_closed"), "%.1f"), num(r.get("mem_kib_open"), "%.1f"),
                     num(r.get("mem_kib_open_excl_devmem"), "%.1f"),
                     num(r.get("mem_kib_work"), "%.1f"), spread(r, "doorbell_us"),
                     spread(r, "nop_rtt_us")] for r in res["B5"]])
    if res["B6"]:
        t += table("B6 latency: doorbell → completion, ÷ a null region round trip",
                   ["op", "wait", "p50 µs", "p99 µs", "p50 ÷ null (runs min–max)",
                    "p99 ÷ null"],
                   [[r["op"], r["wait"], num(r["p50_us"]), num(r["p99_us"]),
                     "%s (%s–%s)" % (num(r["ratio_p50"]), num(r["ratio_p50_run_min"]),
                                     num(r["ratio_p50_run_max"])),
                     num(r["ratio_p99"])] for r in res["B6"]])
    if res["B7"]:
        t += table("B7 in a guest: COPY through sacc_pci.ko in an L2 VM (sacc-job bench --sweep) ÷ memcpy in L2",
                   ["size", "sacc-job MB/s", "L2 memcpy MB/s", "sacc-job ÷ memcpy"],
                   [[size_str(r["size"]), spread(r, "mbs_sacc_job"), spread(r, "mbs_memcpy"),
                     spread(r, "ratio_memcpy")] for r in res["B7"]])
    if res["B8"]:
        t += table("B8 offload efficiency: submitter CPU s per GiB (MSI wait)",
                   ["size", "in flight", "queues", "engine: CPU s/GiB", "memcpy: CPU s/GiB",
                    "engine ÷ memcpy"],
                   [[size_str(r["size"]), r["inflight"], r["queues"],
                     spread(r, "cpu_s_per_gib_engine"), spread(r, "cpu_s_per_gib_memcpy"),
                     spread(r, "cpu_ratio")] for r in res["B8"]])
    if res["B9"]:
        t += table("B9 management: mdevctl-lite vs mdevctl %s, ms" % res["B9"][0]["mdevctl_version"],
                   ["command", "mdevctl-lite ms", "mdevctl ms", "lite ÷ mdevctl"],
                   [[{"types": "types", "list": "list (32 active)", "start32": "start × 32",
                      "stop32": "stop × 32"}.get(r["op"], r["op"]),
                     spread(r, "lite_ms"), spread(r, "mdevctl_ms"),
                     spread(r, "ratio_lite_mdevctl")] for r in res["B9"]])
    return t


def dat(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def chart(res, out):
    """2x2: B1 ratios, B3 cache ratio, B2 us/op, B4 share ratios."""
    if not shutil.which("gnuplot"):
        print("report: gnuplot is not installed (tests/vm/deps.sh bench): no chart",
              file=sys.stderr)
        return
    b1 = {}
    for r in res["B1"]:
        b1.setdefault((r["inflight"], r["queues"]), []).append(r)
    plots = []
    for (inf, q), rows in sorted(b1.items()):
        f = os.path.join(out, "b1-%d-%d.dat" % (inf, q))
        dat(f, ["%d %s %s %s %s" % (r["size"], r["ratio_memcpy"], r["ratio_memcpy_min"],
                                    r["ratio_memcpy_max"], r.get("ratio_kmemcpy") or "NaN")
                for r in rows])
        plots.append("'%s' u 1:2:3:4 w yerrorlines t '÷ memcpy, %d in flight on %d queue(s)'" % (f, inf, q))
        plots.append("'%s' u 1:5 w lp dt 2 t '÷ kernel memcpy, %d on %d'" % (f, inf, q))
    b3 = {}
    for r in res["B3"]:
        b3.setdefault(r["size"], []).append(r)
    plots3 = []
    for size, rows in sorted(b3.items()):
        f = os.path.join(out, "b3-%d.dat" % size)
        dat(f, ["%s %s %s %s" % (r["ws_ratio"], r["ratio_cache"], r["ratio_cache_min"],
                                 r["ratio_cache_max"]) for r in rows])
        plots3.append("'%s' u 1:2:3:4 w yerrorlines t 'COPY %s'" % (f, size_str(size)))
    b2 = {}
    for r in res["B2"]:
        b2.setdefault((r["op"], r["wait"]), []).append(r)
    plots2 = []
    for (op, wait), rows in sorted(b2.items()):
        f = os.path.join(out, "b2-%s-%s.dat" % (op, wait))
        dat(f, ["%s %s %s %s" % (r.get("per_doorbell", r.get("batch")), r["us_per_op"],
                                 r["us_per_op_min"], r["us_per_op_max"]) for r in rows])
        label = ("BATCH (x: elements)" if op == "BATCH" else op + " (x: per doorbell)") + ", " + wait
        plots2.append("'%s' u 1:2:3:4 w yerrorlines t '%s'" % (f, label))
    f4 = os.path.join(out, "b4.dat")
    dat(f4, ["%d \"%s\" %s %s %s" % (i, "%s %s w%d %s" % (r["experiment"], r["type"], r["weight"],
                                                         size_str(r["desc_size"])),
                                    r["share_ratio"], r["share_ratio_min"], r["share_ratio_max"])
             for i, r in enumerate(res["B4"])])
    gp = os.path.join(out, "bench.gp")
    png = os.path.join(out, "bench.png")
    script = [
        "set terminal pngcairo size 1600,1100 font ',10'",
        "set output '%s'" % png,
        "set multiplot layout 2,2 title 'sacc make bench (QEMU TCG: only ratios mean anything)'",
        "set grid",
        "set logscale x 2",
        "set key top left",
        "set format x '%.0b%BB'",
        "set title 'B1 COPY throughput ÷ memcpy'", "set xlabel 'descriptor size'",
        "set ylabel 'ratio'", "set yrange [0:*]",
        ("plot " + ", ".join(plots)) if plots else "plot 0 t 'no B1 rows'",
        "unset logscale x", "set format x '%g'",
        "set title 'B3 cache ÷ bypass'", "set xlabel 'working set ÷ pin budget'",
        "set ylabel 'MB/s ratio'",
        ("plot " + ", ".join(plots3) + ", 1 dt 3 lc 'black' t 'equal'") if plots3
        else "plot 0 t 'no B3 rows'",
        "set logscale x 2",
        "set title 'B2 small ops'", "set xlabel 'descriptors per doorbell / BATCH elements'",
        "set ylabel 'µs per op'", "set format x '%g'", "set logscale y",
        ("plot " + ", ".join(plots2)) if plots2 else "plot 0 t 'no B2 rows'",
        "unset logscale x",
        "set title 'B4 byte share ÷ weight share (1 = fair)'", "set xlabel ''",
        "set ylabel 'ratio'", "set yrange [*:*]", "set style fill solid 0.5",
        "set boxwidth 0.6", "set xtics rotate by -30 font ',8'",
        ("plot '%s' u 1:3:xtic(2) w boxes t '', '' u 1:3:4:5 w yerrorbars t '', 1 dt 3 lc 'black' t 'fair'" % f4)
        if res["B4"] else "plot 1 t 'no B4 rows'",
        "unset multiplot",
    ]
    dat(gp, script)
    r = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if r.returncode:
        print("report: gnuplot failed on %s:\n%s" % (gp, r.stderr), file=sys.stderr)
    else:
        print("chart: %s" % png)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="distro")
    ap.add_argument("--quick", default="0")
    ap.add_argument("--run", default="")
    ap.add_argument("rows")
    ap.add_argument("out")
    a = ap.parse_args()
    res = {b: [] for b in BENCHES}
    bad = 0
    with open(a.rows) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
                b = row.pop("bench")
            except (ValueError, KeyError) as e:
                print("report: %s line %d is not a benchmark row (%s): %s" % (a.rows, n, e, line[:120]),
                      file=sys.stderr)
                bad += 1
                continue
            if b not in res:
                print("report: %s line %d: unknown benchmark %r" % (a.rows, n, b), file=sys.stderr)
                bad += 1
                continue
            res[b].append(row)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    head = ["## make bench: %s kernel%s, QEMU TCG%s" % (a.kernel, ", BENCH_QUICK=1" if a.quick not in ("", "0") else "",
                                                     (", run " + os.path.basename(a.run)) if a.run else ""),
            "", "Medians with (min–max) over the repetitions; ratios are taken per repetition,",
            "side by side in the same VM, then their median."]
    text = "\n".join(head + tables(res)) + "\n"
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(text)
    print(text)
    print("results: %s" % os.path.join(a.out, "results.json"))
    chart(res, a.out)
    missing = [b for b in BENCHES if not res[b] and b not in NOT_BUILT]
    if missing:
        print("report: no rows for %s" % ", ".join(missing), file=sys.stderr)
    return 1 if bad or missing else 0


if __name__ == "__main__":
    sys.exit(main())
