#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: every speed that matters, side by side, in one table.

Runs the programs make bench-build made (bench/build.mk), interleaving the
cases of each comparison over several repetitions, and prints one table:
each row its median [min-max] over the repetitions, its goal (the targets
of the simulated-device and capture work) and the ratio to that goal.
Writes the table as JSON and as markdown (for BENCHMARKS.md) under
BUILD/bench/. Rows whose measurement needs something the tree does not
have yet say "n/a (needs ...)".

    bench.py --build BUILD [--quick] [--only SECTION,...] [--keep]
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

EXAMPLES = ["alternating_matmul_add", "bgemm", "paged_attention_unroll",
            "batch_paged_attention", "mixed_pipeline"]
CAPTURE = "capture.ptocap"
HEADER = "| section | measure | value | baseline | goal | vs goal | note |"
SECTIONS = ["runtime", "spread", "profiling", "records", "device", "wiring",
            "export"]


class Bench:
    def __init__(self, args):
        self.b = os.path.abspath(args.build)
        self.quick = args.quick
        self.tasks = 100000 if self.quick else 1000000
        self.reps = 2 if self.quick else 3
        self.size = "100k tasks" if self.quick else "1M tasks"
        self.rows = []
        self.tmp = tempfile.mkdtemp(prefix="pto-bench-")
        self.env = dict(os.environ, PTO_DEVICE="sim",
                        OMP_NUM_THREADS=str(os.cpu_count()))
        self.l4_dir = None      # a level-4 output for the export rows
        self.base = {}          # the baseline's rows by name
        self.args_baseline = args.baseline
        if args.baseline and os.path.exists(args.baseline):
            with open(args.baseline) as f:
                b = json.load(f)
            self.base = {r["name"]: r for r in b["rows"]}
            self.base_machine = b["machine"]

    # ---- running things ------------------------------------------------
    def run(self, argv):
        """Runs argv; returns its stdout (an error if it fails)."""
        p = subprocess.run(argv, capture_output=True, env=self.env,
                           text=True)
        if p.returncode:
            raise RuntimeError("%s: exit %d: %s" % (" ".join(argv),
                               p.returncode, p.stderr.strip()[-400:]))
        return p.stdout

    def run_rss(self, argv):
        """Runs argv; returns (wall seconds, peak RSS bytes). The peak
        comes from GNU time: a child forked by this (large) process
        would inherit its high-water mark."""
        rss = os.path.join(self.tmp, "rss")
        t0 = time.monotonic()
        self.run(["/usr/bin/time", "-f", "%M", "-o", rss] + argv)
        wall = time.monotonic() - t0
        with open(rss) as f:
            return wall, int(f.read().split()[-1]) * 1024

    def jsonl(self, argv):
        out = self.run(argv)
        return [json.loads(l) for l in out.splitlines() if l.startswith("{")]

    def prog(self, name):
        return os.path.join(self.b, "bench", name)

    def interleave(self, cases, reps):
        """cases: {name: fn() -> sample}; returns {name: [samples]}."""
        res = {k: [] for k in cases}
        for _ in range(reps):
            for k, fn in cases.items():
                res[k].append(fn())
        return res

    # ---- the table -----------------------------------------------------
    def row(self, section, name, samples=None, unit="", goal=None,
            better="lower", na=None, note=None, fmt="%.3g", value=None,
            by="D"):
        """One table row. samples: list of numbers (median shown), or
        value: a number already reduced. goal: the target number of issue
        by ([D] device and runtime, [E] capture and export); the ratio
        shown is value/goal (lower better) or goal/value."""
        r = {"section": section, "name": name, "unit": unit}
        if na:
            r["na"] = na
        else:
            if samples is not None:
                samples = [float(s) for s in samples]
                r["samples"] = samples
                value = statistics.median(samples)
                r["min"], r["max"] = min(samples), max(samples)
            r["value"] = value
        if goal is not None:
            r["goal"] = goal
            r["by"] = by
            r["better"] = better
            if not na and value and goal:
                r["vs_goal"] = (value / goal if better == "lower"
                                else goal / value)
        if note:
            r["note"] = note
        r["fmt"] = fmt
        self.rows.append(r)
        print(self.fmt_row(r), flush=True)

    @staticmethod
    def fmt_value(r):
        f = r["fmt"]
        if "na" in r:
            return r["na"]
        val = f % r["value"]
        if "min" in r and len(r["samples"]) > 1:
            val += " [%s-%s]" % (f % r["min"], f % r["max"])
        return val + (" " + r["unit"] if r["unit"] else "")

    def fmt_row(self, r):
        f = r["fmt"]
        val = self.fmt_value(r)
        base = self.base.get(r["name"])
        base = self.fmt_value(base) if base else ""
        goal = ""
        if "goal" in r:
            goal = ("<= " if r["better"] == "lower" else ">= ") + \
                f % r["goal"] + (" " + r["unit"] if r["unit"] else "") + \
                " [%s]" % r["by"]
        vs = ""
        if "vs_goal" in r:
            vs = "%s %.2fx" % ("met" if r["vs_goal"] <= 1 else "missed",
                               r["vs_goal"])
        elif "goal" in r and "value" in r:
            vs = "met" if (r["value"] <= r["goal"]) == \
                (r["better"] == "lower") else "missed"
        return "| %s | %s | %s | %s | %s | %s | %s |" % (
            r["section"], r["name"], val, base, goal, vs, r.get("note", ""))

    # ---- sections ------------------------------------------------------
    def graph_cases(self, graph, runs=1):
        n = str(self.tasks)
        return {
            "pto": lambda: self.jsonl([self.prog("pto_graph"), graph, "-n",
                                       n, "-r", str(runs)]),
            "libomp": lambda: self.jsonl([self.prog("omp_graph_llvm"), graph,
                                          "-n", n, "-r", str(runs)]),
            "libgomp": lambda: self.jsonl([self.prog("omp_graph_gomp"),
                                           graph, "-n", n, "-r", str(runs)]),
        }

    def sec_runtime(self):
        for graph in ("chain", "fanout"):
            res = self.interleave(self.graph_cases(graph), self.reps)
            tps = {k: [s[0]["tasks"] / (s[0]["run_ns"] / 1e9) for s in v]
                   for k, v in res.items()}
            label = "%s %s" % (graph, self.size)
            for k in ("pto", "libomp", "libgomp"):
                self.row("runtime", "%s: %s tasks/s%s" % (
                    label, k, " (level 0)" if k == "pto" else ""),
                    tps[k], fmt="%.3g")
            best = max(("libomp", "libgomp"),
                       key=lambda k: statistics.median(tps[k]))
            self.row("runtime", "%s: pto / %s (faster OpenMP) tasks/s" %
                     (label, best),
                     value=statistics.median(tps["pto"]) /
                     statistics.median(tps[best]), unit="x", goal=2.0,
                     better="higher", fmt="%.2f",
                     note="fastest runs: %.2fx" % (max(tps["pto"]) /
                                                   max(tps[best])))
            for k in ("pto", "libomp", "libgomp"):
                self.row("runtime", "%s: %s orchestrator ns/submit" %
                         (label, k),
                         [s[0]["orch_ns"] / s[0]["tasks"] for s in res[k]],
                         unit="ns", fmt="%.0f",
                         note="task-creating loop / tasks, back-pressure "
                         "included")

    def sec_spread(self):
        runs = 5
        for k, fn in self.graph_cases("chain", runs).items():
            walls = [s["wall_ns"] / 1e9 for s in fn()]
            self.row("spread", "chain %s: %s max/min wall of %d "
                     "consecutive runs" % (self.size, k, runs),
                     value=max(walls) / min(walls), unit="x",
                     goal=1.3 if k == "pto" else None, fmt="%.2f",
                     note="runs (s): " + " ".join("%.2f" % w for w in walls))

    @staticmethod
    def min_ratio(a, b, key="run_ns"):
        """The ratio of the fastest runs: on a shared machine the one
        least disturbed by others."""
        return "fastest runs: %.2fx" % (min(s[key] for s in a) /
                                        min(s[key] for s in b))

    def outputs_bytes(self, d):
        return sum(os.path.getsize(f) for f in glob.glob(d + "/*"))

    def capture_of(self, d):
        """The capture file of an output dir, None without one."""
        f = os.path.join(d, CAPTURE)
        return f if os.path.exists(f) else None

    def sec_profiling(self):
        n = str(self.tasks)
        cases = {}
        runs = [0]

        def level_case(lv, capture_only=False):
            def fn():
                runs[0] += 1
                d = os.path.join(self.tmp, "run%d" % runs[0])
                argv = [self.prog("pto_graph"), "chain", "-n", n,
                        "-l", str(lv)] + (["-C"] if capture_only else [])
                s = self.jsonl(argv + (["-o", d] if lv else []))[0]
                if capture_only:
                    cap = self.capture_of(d)
                    s["capture_bytes"] = os.path.getsize(cap) if cap else None
                    shutil.rmtree(d, ignore_errors=True)
                elif lv:
                    s["bytes"] = self.outputs_bytes(d)
                    s["books"] = self.books(d)
                    if lv == 4 and not self.l4_dir:
                        self.l4_dir = d     # kept for the export rows
                    else:
                        shutil.rmtree(d, ignore_errors=True)
                return s
            return fn

        cases["noprof"] = lambda: self.jsonl(
            [self.prog("pto_graph_noprof"), "chain", "-n", n])[0]
        for lv in range(5):
            cases["L%d" % lv] = level_case(lv)
        cases["L4C"] = level_case(4, capture_only=True)

        def pmu_fn():
            runs[0] += 1
            d = os.path.join(self.tmp, "run%d" % runs[0])
            s = self.jsonl([self.prog("pto_graph"), "chain", "-n", n, "-P",
                            "-o", d])[0]
            shutil.rmtree(d, ignore_errors=True)
            return s
        cases["PMU"] = pmu_fn
        res = self.interleave(cases, self.reps)
        run = {k: statistics.median(s["run_ns"] for s in v)
               for k, v in res.items()}
        label = "chain %s" % self.size
        goals = {1: 1.03, 4: 1.10}
        for lv in range(1, 5):
            self.row("profiling", "%s: level %d / level 0 device-run time" %
                     (label, lv), value=run["L%d" % lv] / run["L0"],
                     unit="x", goal=goals.get(lv), fmt="%.2f",
                     note=self.min_ratio(res["L%d" % lv], res["L0"]))
        self.row("profiling", "%s: PMU on / off device-run time" % label,
                 value=run["PMU"] / run["L0"], unit="x", fmt="%.2f",
                 note="dfx PMU bit alone vs level 0 (two counter-group "
                 "reads per task); " + self.min_ratio(res["PMU"], res["L0"]))
        self.row("profiling", "%s: level 0 / profiling compiled out" % label,
                 value=run["L0"] / run["noprof"], unit="x", goal=1.01,
                 fmt="%.3f", note=self.min_ratio(res["L0"], res["noprof"]))
        for lv in range(1, 5):
            v = res["L%d" % lv]
            self.row("profiling", "%s: level %d run end -> all output "
                     "written" % (label, lv),
                     [(s["wall_ns"] - s["run_ns"]) / 1e9 for s in v],
                     unit="s", goal=4.0 if lv == 4 else None, fmt="%.2f",
                     by="E",
                     note="pto_run wall - device run (setup, stop, export)")
            self.row("profiling", "%s: level %d output bytes" % (label, lv),
                     [s["bytes"] / 1e6 for s in v], unit="MB", fmt="%.0f")
        caps = [s["capture_bytes"] for s in res["L4C"]]
        if all(caps):
            self.row("profiling", "%s: level 4 capture file" % label,
                     [c / 1e6 for c in caps], unit="MB", goal=200,
                     fmt="%.0f", by="E")
            self.row("profiling", "%s: level 4 run end -> capture complete"
                     % label,
                     [(s["wall_ns"] - s["run_ns"]) / 1e9
                      for s in res["L4C"]],
                     unit="s", goal=1.0, fmt="%.2f", by="E",
                     note="a capture-only run")
        else:
            for what, unit, goal in (("capture file", "MB", 200),
                                     ("run end -> capture complete", "s",
                                      1.0)):
                self.row("profiling", "%s: level 4 %s" % (label, what),
                         na="n/a (needs the capture file, [E])", goal=goal,
                         unit=unit, by="E")
        total = dropped = 0
        for lv in range(1, 5):
            for s in res["L%d" % lv]:
                total += sum(b["total"] for b in s["books"].values())
                dropped += sum(b["dropped"] for b in s["books"].values())
        self.row("profiling", "drops at default pools over %.1fM records "
                 "(all profiled runs above)" % (total / 1e6),
                 value=dropped, goal=0, fmt="%d",
                 note="dropped / total = %.2e" % (dropped / max(total, 1)))

    @staticmethod
    def books(d):
        """The reconcile section at the end of the records JSON."""
        path = os.path.join(d, "l2_swimlane_records.json")
        with open(path, "rb") as f:
            f.seek(max(0, os.path.getsize(path) - 4096))
            tail = f.read().decode(errors="replace")
        books = {}
        for m in re.finditer(r'"(\w+)": \{"total": (\d+), "collected": '
                             r'(\d+), "dropped": (\d+)', tail):
            books[m.group(1)] = {"total": int(m.group(2)),
                                 "dropped": int(m.group(4))}
        return books

    def sec_records(self):
        if not os.path.exists(self.prog("rec_cost")):
            self.row("records", "record write costs and host drain",
                     na="n/a (needs rec_cost, which did not build)")
            return
        lt = Lttng(self.tmp)
        n = "100000" if self.quick else "200000"
        cases = {"rec": lambda: self.jsonl([self.prog("rec_cost"), n])[0],
                 "lttng_off": lambda: self.jsonl(
                     [self.prog("lttng_cost"), n])[0]}
        res = self.interleave(cases, self.reps + 2)
        lt_res = None
        try:
            err = lt.start()
            if not err:
                lt_res = [self.jsonl([self.prog("lttng_cost"), n])[0]
                          for _ in range(self.reps + 2)]
                lt.stop()
        finally:
            lt.kill()
        rec = res["rec"]
        self.row("records", "floor: counter read + 32 B store",
                 [s["floor"] for s in rec], unit="ns", fmt="%.1f")
        self.row("records", "AICore + AICPU records of a task (4 clock reads)",
                 [s["task"] for s in rec], unit="ns", fmt="%.1f")
        self.row("records", "aicpu_task record (2 clock reads)",
                 [s["aicpu_task"] for s in rec], unit="ns", fmt="%.1f")
        self.row("records", "aicore_task record (2 clock reads; task - "
                 "aicpu_task)",
                 value=statistics.median(s["task"] for s in rec) -
                 statistics.median(s["aicpu_task"] for s in rec),
                 unit="ns", goal=25, fmt="%.1f",
                 note="difference of the medians above; as the "
                 "firmware: receive and start one ordered read, end an "
                 "unordered one")
        for k in ("sched_phase", "orch_phase"):
            self.row("records", "%s record (2 clock reads)" % k,
                     [s[k] for s in rec], unit="ns", fmt="%.1f")
        self.row("records", "dep_edge record (no clock read)",
                 [s["dep_edge"] for s in rec], unit="ns", fmt="%.1f")
        if lt_res:
            self.row("records", "LTTng-UST event, same 32 B payload "
                     "(session active)", [s["ns"] for s in lt_res],
                     unit="ns", fmt="%.1f")
        else:
            self.row("records", "LTTng-UST event, same 32 B payload",
                     na="n/a (%s)" % err)
        self.row("records", "LTTng-UST tracepoint, no session",
                 [s["ns"] for s in res["lttng_off"]], unit="ns", fmt="%.2f")
        self.row("records", "host drain", [s["drain_rps"] / 1e6 for s in rec],
                 unit="M records/s", goal=50, better="higher", fmt="%.1f")
        self.row("records", "drops in the timed writer loops",
                 value=sum(s["dropped"] for s in rec), fmt="%d", goal=0)

    def example(self, name, *args):
        out = self.run([os.path.join(self.b, "examples", name),
                              "--size=bench", "--device=sim"] + list(args))
        m = re.search(r"round 1: ([\d.]+) ms, (\d+) tasks submitted.*?"
                      r"(?:orchestration ([\d.]+) ms)?$", out, re.M)
        if "golden: PASS" not in out or not m:
            raise RuntimeError("%s: %s" % (name, out[-300:]))
        o = re.search(r"^output: (.*)$", out, re.M)
        return {"ms": float(m.group(1)), "submits": int(m.group(2)),
                "orch_ms": float(m.group(3)) if m.group(3) else None,
                "out": o.group(1) if o else None, "text": out}

    def sec_device(self):
        def case(name):
            def fn():
                d = os.path.join(self.tmp, "ex-" + name)
                self.example(name, "--chip-swimlane=4", "--output", d)
                with open(os.path.join(d, "l2_swimlane_records.json")) as f:
                    tasks = json.load(f)["tasks"]
                shutil.rmtree(d, ignore_errors=True)
                head = sorted(t["start_time_us"] - t["dispatch_time_us"]
                              for t in tasks)
                tail = [t["finish_time_us"] - t["end_time_us"] for t in tasks]
                return {"p50": head[len(head) // 2],
                        "p99": head[min(len(head) - 1,
                                        int(len(head) * 0.99))],
                        "head": statistics.mean(head),
                        "tail": statistics.mean(tail)}
            return fn
        res = self.interleave({e: case(e) for e in EXAMPLES},
                              1 if self.quick else self.reps)
        for e in EXAMPLES:
            pa = e == "paged_attention_unroll"
            v = res[e]
            self.row("device", "%s: dispatch -> start p50" % e,
                     [s["p50"] for s in v], unit="us",
                     goal=10 if pa else None, fmt="%.1f")
            self.row("device", "%s: dispatch -> start p99" % e,
                     [s["p99"] for s in v], unit="us",
                     goal=100 if pa else None, fmt="%.1f")
            self.row("device", "%s: head / tail overhead (mean)" % e,
                     [s["head"] for s in v], unit="us", fmt="%.1f",
                     note="tail: %.1f us" % statistics.median(
                         s["tail"] for s in v))
        self.tensor_dump_row()
        empty = self.jsonl([self.prog("pto_graph"), "empty", "-r", "20"])
        self.row("device", "empty pto_run (20 runs)",
                 [s["wall_ns"] / 1e6 for s in empty], unit="ms", goal=1.0,
                 fmt="%.2f")
        idle = self.jsonl([self.prog("pto_graph"), "idle", "-t", "1000"])
        self.row("device", "idle CPU of an open device (1 s)",
                 value=idle[0]["cpu"] * 100, unit="% of a CPU", fmt="%.2f")

    def tensor_dump_row(self):
        """paged_attention_unroll with every task's tensors dumped (64 KiB
        per region at most) against the same run without profiling:
        the copies run on the scheduler threads. A record that finds no
        free buffer is dropped uncopied, so the note gives the dropped
        share of the dump's records."""
        e = "paged_attention_unroll"

        def case(on):
            def fn():
                d = os.path.join(self.tmp, "ex-dump")
                s = self.example(e, *(["--tensor-dump", "--output", d]
                                      if on else []))
                copies = dropped = total = 0
                if on:
                    m = re.search(r"tensor dump: (\d+) region copies",
                                  s["text"])
                    b = re.search(r"reconcile tensor_dump: total=(\d+) "
                                  r"collected=\d+ dropped=(\d+)", s["text"])
                    copies = int(m.group(1))
                    total, dropped = int(b.group(1)), int(b.group(2))
                    shutil.rmtree(d, ignore_errors=True)
                return {"run_ns": s["ms"] * 1e6, "copies": copies,
                        "dropped": dropped, "total": total}
            return fn
        res = self.interleave({"on": case(True), "off": case(False)},
                              1 if self.quick else self.reps)
        on = statistics.median(s["run_ns"] for s in res["on"])
        off = statistics.median(s["run_ns"] for s in res["off"])
        self.row("device", "%s: tensor dump on / off device-run time" % e,
                 value=on / off, unit="x", fmt="%.2f",
                 note="%s; %d region copies, %.0f%% of their records "
                 "dropped (no free buffer)" % (
                     self.min_ratio(res["on"], res["off"]),
                     res["on"][0]["copies"],
                     100.0 * sum(s["dropped"] for s in res["on"]) /
                     max(1, sum(s["total"] for s in res["on"]))))

    def sec_wiring(self):
        cases = {}
        for e in EXAMPLES:
            for w in ("deferred", "inline"):
                cases[(e, w)] = (lambda e=e, w=w:
                                 self.example(e, "--wiring=" + w))
        res = self.interleave(cases, 1 if self.quick else 5)
        faster = {"deferred": 0, "inline": 0}
        for e in EXAMPLES:
            med = {}
            for w in ("deferred", "inline"):
                v = res[(e, w)]
                med[w] = statistics.median(s["ms"] for s in v)
                if v[0]["orch_ms"] is None:
                    self.row("wiring", "%s %s: orchestrator ns/submit" %
                             (e, w), na="n/a (needs the examples' "
                             "orchestration time)")
                else:
                    self.row("wiring", "%s %s: orchestrator ns/submit" %
                             (e, w), [s["orch_ms"] * 1e6 / s["submits"]
                                      for s in v], unit="ns", fmt="%.0f")
                self.row("wiring", "%s %s: total (device run)" % (e, w),
                         [s["ms"] for s in v], unit="ms", fmt="%.1f")
            faster[min(med, key=med.get)] += 1
        best = max(faster, key=faster.get)
        self.row("wiring", "faster on most workloads (total)",
                 na="%s (%d of %d)" % (best, faster[best], len(EXAMPLES)),
                 note="library default: deferred")

    def sec_export(self):
        d = self.l4_dir
        if not d:
            n = str(self.tasks)
            d = os.path.join(self.tmp, "l4-export")
            self.jsonl([self.prog("pto_graph"), "chain", "-n", n, "-l", "4",
                        "-o", d])
        label = "chain %s level 4" % self.size
        pd = os.path.join(self.b, "ptodump")
        self.row("export", "%s: output bytes" % label, value=self.outputs_bytes(d) / 1e6, unit="MB",
                 fmt="%.0f")
        # From the capture when ptodump reads captures, else from the JSON.
        rec = self.capture_of(d)
        try:
            self.run([pd, "report", rec] if rec else ["false"])
        except RuntimeError:
            rec = None
        src = "capture" if rec else "records JSON"
        rec = rec or os.path.join(d, "l2_swimlane_records.json")
        note = "from the " + src
        sizes = {}
        for fmt_, name in (("json", "Chrome JSON"), ("proto",
                                                     "Perfetto protobuf")):
            out = os.path.join(self.tmp, "trace." + fmt_)
            wall, rss = self.run_rss([pd, "convert", "-q", "-o", out,
                                      "--format=" + fmt_, rec])
            sizes[fmt_] = os.path.getsize(out)
            os.unlink(out)
            proto = fmt_ == "proto"
            self.row("export", "%s: convert to %s time" % (label, name),
                     value=wall, unit="s", goal=3.0 if proto else None,
                     fmt="%.1f", by="E", note=note)
            self.row("export", "%s: %s size" % (label, name),
                     value=sizes[fmt_] / 1e6, unit="MB",
                     goal=150 if proto else None, fmt="%.0f", by="E")
            self.row("export", "%s: convert to %s peak memory" %
                     (label, name), value=rss / 1e6, unit="MB", goal=256,
                     fmt="%.0f", by="E")
        self.row("export", "%s: Chrome JSON / Perfetto protobuf size" % label,
                 value=sizes["json"] / sizes["proto"], unit="x", goal=5.0,
                 better="higher", fmt="%.1f", by="E")
        wall, rss = self.run_rss([pd, "report", rec])
        self.row("export", "%s: ptodump report time" % label, value=wall,
                 unit="s", goal=3.0, fmt="%.1f", by="E", note=note)
        shutil.rmtree(d, ignore_errors=True)

    # ---- output --------------------------------------------------------
    def machine(self):
        cpu = ""
        try:
            with open("/proc/cpuinfo") as f:
                cpu = re.search(r"model name\s*: (.*)", f.read()).group(1)
        except (OSError, AttributeError):
            pass
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        return {"cpu": cpu, "cpus": os.cpu_count(),
                "kernel": platform.release(),
                "date": datetime.datetime.now(datetime.timezone.utc)
                .strftime("%Y-%m-%d %H:%M UTC"),
                "commit": commit, "quick": self.quick,
                "loadavg_end": os.getloadavg(),
                "tasks": self.tasks, "reps": self.reps}

    def write(self, secs):
        m = self.machine()
        os.makedirs(os.path.join(self.b, "bench"), exist_ok=True)
        name = "bench-quick" if self.quick else "bench"
        jpath = os.path.join(self.b, "bench", name + ".json")
        with open(jpath, "w") as f:
            json.dump({"machine": m, "seconds": secs, "rows": self.rows}, f,
                      indent=1)
        mpath = os.path.join(self.b, "bench", name + ".md")
        with open(mpath, "w") as f:
            f.write("`make %s` at %s, %s; %d x %s, Linux %s; %d "
                    "repetitions, median [min-max]; %.0f s; load average "
                    "at the end %.1f.\n\n" %
                    (name, m["commit"], m["date"], m["cpus"], m["cpu"],
                     m["kernel"], self.reps, secs, m["loadavg_end"][0]))
            if self.base:
                f.write("Baseline: %s (commit %s, %s).\n\n" % (
                    os.path.basename(self.args_baseline),
                    self.base_machine["commit"], self.base_machine["date"]))
            if self.quick:
                f.write("Quick: %s graphs; the goals are those of the full "
                        "bench's 1M tasks, so the size-dependent rows read "
                        "optimistic.\n\n" % self.size)
            f.write(HEADER + "\n|---|---|---|---|---|---|---|\n")
            for r in self.rows:
                f.write(self.fmt_row(r) + "\n")
        print("bench: %s\nbench: %s" % (jpath, mpath))


class Lttng:
    """A private LTTng session daemon and one user-space session writing
    to a temporary directory; every daemon it started is ended by pid."""

    def __init__(self, tmp):
        self.home = os.path.join(tmp, "lttng")
        os.makedirs(self.home, exist_ok=True)
        self.env = dict(os.environ, LTTNG_HOME=self.home)
        self.sd = None

    def cmd(self, *a):
        return subprocess.run(["lttng"] + list(a), env=self.env,
                              capture_output=True, text=True)

    def start(self):
        if not shutil.which("lttng-sessiond") or not shutil.which("lttng"):
            return "needs lttng-tools"
        self.sd = subprocess.Popen(["lttng-sessiond", "--no-kernel"],
                                   env=self.env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        for _ in range(50):
            time.sleep(0.1)
            if self.sd.poll() is not None:
                return "lttng-sessiond exited (another one running?)"
            if self.cmd("list").returncode == 0:
                break
        steps = [("create", "pto-bench", "--output=" +
                  os.path.join(self.home, "trace")),
                 ("enable-channel", "-u", "--subbuf-size=8M",
                  "--num-subbuf=8", "ch"),
                 ("enable-event", "-u", "-c", "ch", "pto_bench:*"),
                 ("start",)]
        for s in steps:
            r = self.cmd(*s)
            if r.returncode:
                return "lttng %s: %s" % (s[0], r.stderr.strip()[-200:])
        return None

    def stop(self):
        self.cmd("stop")
        self.cmd("destroy")

    def kill(self):
        if not self.sd:
            return
        kids = []
        for t in glob.glob("/proc/%d/task/*/children" % self.sd.pid):
            with open(t) as f:
                kids += [int(p) for p in f.read().split()]
        self.sd.send_signal(signal.SIGTERM)
        try:
            self.sd.wait(10)
        except subprocess.TimeoutExpired:
            self.sd.kill()
            self.sd.wait()
        for p in kids:      # consumer daemons it started, if still there
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=",".join(SECTIONS))
    ap.add_argument("--baseline", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "baseline.json"),
        help="a bench.json whose values fill the baseline column")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory")
    args = ap.parse_args()
    b = Bench(args)
    t0 = time.monotonic()
    secs = [s for s in args.only.split(",") if s]
    if args.quick:
        secs = [s for s in secs if s != "spread"]
    print(HEADER, flush=True)
    bad = [s for s in secs if s not in SECTIONS]
    if bad:
        sys.exit("bench: unknown section %s (%s)" % (",".join(bad),
                                                     ",".join(SECTIONS)))
    try:
        for s in secs:
            # A section that fails says so in the table; the rest runs.
            try:
                getattr(b, "sec_" + s)()
            except (RuntimeError, OSError, ValueError, KeyError) as e:
                b.row(s, "section failed", na="n/a (%s)" %
                      str(e).replace("\n", " ")[:300])
    finally:
        if not args.keep:
            shutil.rmtree(b.tmp, ignore_errors=True)
    b.write(time.monotonic() - t0)


if __name__ == "__main__":
    main()
