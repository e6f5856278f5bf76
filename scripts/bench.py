#!/usr/bin/env python3
"""The measuring half of scripts/bench: generates the accounts, runs the commands and prints the figures.

The parts, each with a --skip-* flag: validate, plan, drift and export per size (--skip-plan); apply at three
parallelisms (--skip-apply); simulate of recorded sends through the live and the planned limits, against the
embedded emulator (--skip-simulate); the emulator's throughput, memory and session search (--skip-emulator).

Run through scripts/bench, which builds the binaries and cleans up after it. Every process started here is
registered in the pid file given with --pid-file, so the wrapper can stop them even if this process is killed.
"""
import argparse
import atexit
import base64
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ACCOUNT_SID = "AC" + "%032x" % 0xBE7C4
API_KEY = "bench-key-not-a-secret"
AUTH = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{API_KEY}".encode()).decode()
REQUEST_LINE = re.compile(r"(?:\bms=(\d+(?:\.\d+)?)\b.*?)?\b(GET|POST|PUT|DELETE|PATCH) (/\S*) (\d{3})\s*$")

CHILDREN = []
PID_FILE = None
QUIET = False


def say(text=""):
    """Progress: to standard error, so standard output holds the table or the JSON alone."""
    print(text, file=sys.stderr, flush=True)


def register(process):
    CHILDREN.append(process)
    if PID_FILE:
        with open(PID_FILE, "a") as out:
            out.write(f"{process.pid}\n")


def unregister(process):
    """Leaves in the pid file only processes still running, so the wrapper never signals a reused pid."""
    if process in CHILDREN:
        CHILDREN.remove(process)
    if PID_FILE:
        with open(PID_FILE, "w") as out:
            out.write("".join(f"{p.pid}\n" for p in CHILDREN))


def stop(process, grace=5.0):
    if process.poll() is not None:
        unregister(process)
        return
    try:
        process.terminate()
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    except (ProcessLookupError, ChildProcessError):
        pass
    unregister(process)


def stop_all():
    for process in list(reversed(CHILDREN)):
        try:
            stop(process)
        except Exception:
            pass


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return self.end - time.monotonic()

    def check(self, what):
        if self.left() <= 0:
            raise SystemExit(f"bench: out of time (--timeout) before {what}")


# ---------------------------------------------------------------------------------------------------------------
# The emulator, with its request log read line by line and time-stamped on arrival


class Emulator:
    def __init__(self, binary, label, database=None, log_level="debug", timeout=60):
        self.label = label
        self.requests = []  # (arrival time, method, path, status, handler ms)
        self.tail = []
        self.url = None
        self.ready = threading.Event()
        storage = ["--database", database] if database else ["--in-memory"]
        env = dict(os.environ, MITTO_ACCOUNT_SID=ACCOUNT_SID, MITTO_API_KEY=API_KEY)
        self.process = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--log-level", log_level,
             "--login-failures", "1000000"] + storage,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, text=True,
            bufsize=1, errors="replace")
        register(self.process)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        start = time.monotonic()
        while not self.ready.wait(0.05):
            if self.process.poll() is not None or time.monotonic() - start > timeout:
                stop(self.process)
                raise SystemExit(f"bench: the emulator ({label}) did not start:\n" + "\n".join(self.tail[-20:]))
        host, port = self.url[len("http://"):].rsplit(":", 1)
        self.host, self.port = host, int(port)

    def _read(self):
        for line in self.process.stdout:
            now = time.time()
            line = line.rstrip("\n")
            match = REQUEST_LINE.search(line)
            if match:
                ms = float(match.group(1)) if match.group(1) else 0.0
                self.requests.append((now, match.group(2), match.group(3), int(match.group(4)), ms))
                continue
            self.tail = (self.tail + [line])[-50:]
            if self.url is None:
                found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
                if found:
                    self.url = found.group(1)
                    self.ready.set()

    def between(self, start, end):
        time.sleep(0.02)  # the last log line may still be in the pipe
        return [r for r in self.requests if start <= r[0] <= end + 0.05]

    def rss_mb(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            pass
        return None

    def call(self, method, path, body=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            headers = {"Authorization": AUTH, "Content-Type": "application/json"}
            connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = connection.getresponse()
            text = response.read()
            return response.status, json.loads(text) if text else None
        finally:
            connection.close()

    def stop(self):
        stop(self.process, grace=10)


# ---------------------------------------------------------------------------------------------------------------
# Running a command: wall time from here, peak RSS from the kernel's rusage of the child (what /usr/bin/time reads)


SUPPORT_TOOLS = {}


def support_tool(name, libraries=()):
    """scripts/bench-support/NAME.c built with cc (once), or None when there is no compiler or it fails."""
    if name not in SUPPORT_TOOLS:
        SUPPORT_TOOLS[name] = None
        compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if compiler:
            folder = tempfile.mkdtemp(prefix="mitto-bench-tools.")
            atexit.register(shutil.rmtree, folder, True)
            tool = os.path.join(folder, name)
            source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-support", f"{name}.c")
            built = subprocess.run([compiler, "-O2", "-o", tool, source] + [f"-l{lib}" for lib in libraries],
                                   capture_output=True)
            if built.returncode == 0:
                SUPPORT_TOOLS[name] = tool
    return SUPPORT_TOOLS[name]


def maxrss_tool():
    """scripts/bench-support/maxrss.c built with cc, or None (then peak memory comes from this process's wait4,
    which Linux floors at this Python process's own size)."""
    first = "maxrss" not in SUPPORT_TOOLS
    tool = support_tool("maxrss")
    if tool is None and first:
        say("   (cannot build maxrss.c: peak memory figures include this script's own size)")
    return tool


def run_measured(argv, cwd, timeout, stdout_path, env):
    tool = maxrss_tool()
    rss_path = stdout_path + ".maxrss"
    if tool:
        argv = [tool, rss_path] + list(argv)
    with open(stdout_path, "w") as out, open(stdout_path + ".err", "w") as err:
        started_at = time.time()
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        register(process)
        timer = threading.Timer(max(timeout, 1), lambda: process.poll() is None and os.kill(process.pid, 9))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        ended_at = time.time()
    process.returncode = os.waitstatus_to_exitcode(status)
    unregister(process)
    rss_kb = usage.ru_maxrss
    if tool:
        try:
            rss_kb = int(open(rss_path).read().strip())
        except (OSError, ValueError):
            rss_kb = None
    return {"wallMs": round(wall * 1000, 1), "rssMB": None if rss_kb is None else round(rss_kb / 1024, 1),
            "exit": process.returncode, "startedAt": started_at, "endedAt": ended_at}


def policy_env():
    return dict(os.environ, BENCH_ACCOUNT_SID=ACCOUNT_SID, BENCH_API_KEY=API_KEY, NO_COLOR="1", TERM="dumb")


def write_project(folder, url):
    with open(os.path.join(folder, "mitto-policy.yaml"), "w") as out:
        out.write("manifests: [policy]\nenvironments:\n  bench:\n"
                  f"    endpoint: {url}\n    accountSid: ${{env:BENCH_ACCOUNT_SID}}\n"
                  "    apiKey: ${env:BENCH_API_KEY}\n")


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


# ---------------------------------------------------------------------------------------------------------------
# The shape: N objects (every tenth a workflow); 95% of N declared; N/20 of those missing from the account, a tenth
# of them changed there; N/20 live objects no manifest declares.


def is_workflow(i):
    return i % 10 == 9


def name_of(i):
    return f"workflow_{i:06d}" if is_workflow(i) else f"limit_{i:06d}"


def shape(n, seed=9):
    declared = n - n // 20
    order = list(range(declared))
    random.Random(seed).shuffle(order)
    missing = set(order[: n // 20])
    changed = set(order[n // 20: n // 20 + declared // 10])
    live = [i for i in range(n) if i not in missing]
    return {"declared": declared, "missing": missing, "changed": changed, "live": live, "unmanaged": n - declared}


def write_manifest(path, indices):
    with open(path, "w") as out:
        limits = [i for i in indices if not is_workflow(i)]
        workflows = [i for i in indices if is_workflow(i)]
        if limits:
            out.write("limits:\n")
            for i in limits:
                out.write(f"  {name_of(i)}:\n    description: Limit number {i}\n    buckets:\n"
                          f"      - {{name: burst, max: {3 + i % 5}, interval: 10m}}\n"
                          f"      - {{name: daily, max: {50 + i % 7}, interval: 24h}}\n")
        if workflows:
            out.write("workflows:\n")
            for i in workflows:
                out.write(f"  {name_of(i)}:\n    description: Workflow number {i}\n    steps:\n"
                          "      - {channel: sms, from: ACME, body: \"Code {code}\", timeout: 60s}\n"
                          "      - {channel: call, from: \"+41445550000\", body: \"Code {code}\", timeout: 2m}\n")


def live_resource(template, i, changed):
    """The stored resource of object `i`, made from the template mitto-policy itself wrote for object 0 or 9."""
    resource = json.loads(template["resource"])
    old_sid = resource["sid"]
    sid = ("WF" if is_workflow(i) else "LM") + "%032x" % (0xB0000000 + i)
    resource["sid"] = sid
    resource["name"] = name_of(i)
    if isinstance(resource.get("uri"), str):
        resource["uri"] = resource["uri"].replace(old_sid, sid)
    if is_workflow(i):
        resource["description"] = "Edited by hand" if changed else f"Workflow number {i}"
    else:
        resource["description"] = f"Limit number {i}"
        buckets = resource["buckets"]
        buckets[0]["max"] = 3 + i % 5 + (10 if changed else 0)
        buckets[1]["max"] = 50 + i % 7
    return sid, resource


def prepare_template(binaries, work, deadline):
    """A database holding one limit and one workflow, written by mitto-policy apply, to copy rows from."""
    folder = os.path.join(work, "template")
    os.makedirs(os.path.join(folder, "policy"))
    write_manifest(os.path.join(folder, "policy", "policy.yaml"), [0, 9])
    database = os.path.join(folder, "template.sqlite")
    emulator = Emulator(binaries["emulator"], "template", database=database, log_level="warning")
    try:
        write_project(folder, emulator.url)
        result = run_measured([binaries["policy"], "apply", "--env", "bench", "--auto-approve"], folder,
                              min(120, deadline.left()), os.path.join(folder, "apply.out"), policy_env())
        if result["exit"] != 0:
            raise SystemExit("bench: could not write the template objects:\n" + open(folder + "/apply.out").read()
                             + open(folder + "/apply.out.err").read())
    finally:
        emulator.stop()
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


def seed_database(template, target, n, layout):
    """Copies the template and fills it with the live objects: each row like the template's, with its own sid,
    name and resource. Returns False when the schema is not the one expected (the caller then seeds over HTTP)."""
    shutil.copyfile(template, target)
    try:
        db = sqlite3.connect(target)
        db.row_factory = sqlite3.Row
        columns = [row["name"] for row in db.execute("PRAGMA table_info(policy_object)")]
        rows = [dict(row) for row in db.execute("SELECT * FROM policy_object")]
        by_kind = {}
        for row in rows:
            by_kind["workflow" if json.loads(row["resource"])["name"].startswith("workflow_") else "limit"] = row
        if set(by_kind) != {"limit", "workflow"} or not {"sid", "name", "resource"} <= set(columns):
            return False
        db.execute("DELETE FROM policy_object")
        insert_columns = [c for c in columns if c != "seq"]
        statement = (f"INSERT INTO policy_object ({', '.join(insert_columns)}) "
                     f"VALUES ({', '.join('?' for _ in insert_columns)})")

        def values():
            for i in layout["live"]:
                row = by_kind["workflow" if is_workflow(i) else "limit"]
                old = json.loads(row["resource"])
                sid, resource = live_resource(row, i, i in layout["changed"])
                encoded = json.dumps(resource, separators=(",", ":")).encode()
                out = []
                for column in insert_columns:
                    value = row[column]
                    if value == old["sid"]:
                        value = sid
                    elif value == old["name"]:
                        value = name_of(i)
                    elif column == "resource":
                        value = encoded if isinstance(value, bytes) else encoded.decode()
                    out.append(value)
                yield out

        db.executemany(statement, values())
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        return True
    except (sqlite3.Error, KeyError, IndexError, TypeError, ValueError) as error:
        say(f"   the database could not be prepared directly ({error}); seeding over HTTP instead")
        return False


def seed_over_http(emulator, template_database, layout, deadline, threads=32):
    """Creates the live objects through the API, `threads` at a time over keep-alive connections."""
    with sqlite3.connect(template_database) as db:
        rows = [json.loads(r[0]) for r in db.execute("SELECT resource FROM policy_object")]
    templates = {"workflow" if r["name"].startswith("workflow_") else "limit": {"resource": json.dumps(r)}
                 for r in rows}
    jobs = list(layout["live"])
    failures = []
    lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection(emulator.host, emulator.port, timeout=30)
        while deadline.left() > 0:
            with lock:
                if not jobs:
                    break
                i = jobs.pop()
            kind = "workflow" if is_workflow(i) else "limit"
            _, resource = live_resource(templates[kind], i, i in layout["changed"])
            body = {k: v for k, v in resource.items() if k not in ("sid", "accountSid", "dateCreated",
                                                                    "dateUpdated", "uri")}
            connection.request("POST", f"/2fa/{kind}s", body=json.dumps(body),
                               headers={"Authorization": AUTH, "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status >= 300:
                with lock:
                    failures.append(response.status)
        connection.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(max(deadline.left(), 1))
    if failures or jobs:
        raise SystemExit(f"bench: seeding over HTTP failed ({len(failures)} refused, {len(jobs)} not sent)")


def live_totals(emulator):
    totals = {}
    for kind in ("limits", "workflows"):
        status, body = emulator.call("GET", f"/2fa/{kind}/search?pageSize=1")
        totals[kind] = body.get("total") if status == 200 and isinstance(body, dict) else None
    return totals


# ---------------------------------------------------------------------------------------------------------------
# Per N: validate, plan (with the live read seen from the emulator's log), drift, export


def libyaml_floor(manifest, work, runs):
    """Median milliseconds libyaml's own event parser takes over `manifest` (scripts/bench-support/yaml-events.c,
    built here with cc), or None when there is no C compiler or libyaml header."""
    tool = os.path.join(work, "yaml-events")
    if not os.path.exists(tool):
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-support", "yaml-events.c")
        compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if not compiler:
            return None
        built = subprocess.run([compiler, "-O2", "-o", tool, source, "-lyaml"], capture_output=True, text=True)
        if built.returncode != 0:
            say(f"   (no libyaml floor: {built.stderr.strip().splitlines()[-1:] or 'cc failed'})")
            return None
    result = subprocess.run([tool, manifest, str(max(3, runs))], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        return None
    return float(result.stdout.split()[0])


def bench_size(n, binaries, work, template, runs, deadline, timeout, over_http=False):
    layout = shape(n)
    folder = os.path.join(work, f"n{n}")
    os.makedirs(os.path.join(folder, "policy"))
    manifest = os.path.join(folder, "policy", "policy.yaml")
    write_manifest(manifest, range(layout["declared"]))
    live_limits = sum(1 for i in layout["live"] if not is_workflow(i))
    expected = {"limits": live_limits, "workflows": len(layout["live"]) - live_limits}
    database = os.path.join(folder, "live.sqlite")
    seed_start = time.perf_counter()
    seeded_by = None
    if over_http:
        shutil.copyfile(template, database)
    elif seed_database(template, database, n, layout):
        seeded_by = "database file"
    emulator = Emulator(binaries["emulator"], f"N={n}", database=database, timeout=max(60, n / 500))
    try:
        if seeded_by is None or live_totals(emulator) != expected:
            if seeded_by:
                say("   the prepared database did not serve the expected objects; seeding over HTTP instead")
            emulator.stop()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(database + suffix):
                    os.remove(database + suffix)
            emulator = Emulator(binaries["emulator"], f"N={n}", database=database)
            seed_over_http(emulator, template, layout, deadline)
            seeded_by = "HTTP API"
        seed_seconds = time.perf_counter() - seed_start
        totals = live_totals(emulator)
        write_project(folder, emulator.url)
        env = policy_env()
        policy = binaries["policy"]

        def timed(name, argv, ok=(0,)):
            deadline.check(f"{name} at N={n}")
            result = run_measured([policy] + argv, folder, min(timeout, deadline.left()),
                                  os.path.join(folder, f"{name}.out"), env)
            if result["exit"] not in ok:
                raise SystemExit(f"bench: {name} at N={n} exited {result['exit']}:\n"
                                 + open(os.path.join(folder, f"{name}.out.err")).read()[-3000:])
            return result

        # One unmeasured plan warms the caches and checks the shape.
        timed("check", ["plan", "--env", "bench", "--force", "--format", "json"])
        summary = json.load(open(os.path.join(folder, "check.out"))).get("summary", {})
        want = {"create": len(layout["missing"]), "update": len(layout["changed"]), "delete": 0,
                "unmanaged": layout["unmanaged"]}
        got = {k: summary.get(k) for k in want}
        shape_ok = got == want and totals == expected
        if not shape_ok:
            say(f"   warning: the plan is not of the intended shape: {got} (wanted {want}), live {totals}")

        samples = {"validate": [], "plan": [], "drift": [], "export": []}
        for run in range(runs):
            samples["validate"].append(timed("validate", ["validate"]))
            result = timed("plan", ["plan", "--env", "bench", "--force"])
            requests = emulator.between(result["startedAt"], result["endedAt"])
            lists = [r for r in requests if r[1] == "GET" and r[2].endswith("/search")]
            if lists:
                first = min(r[0] - r[4] / 1000 for r in lists)
                last = max(r[0] for r in lists)
                result["liveReadMs"] = round((last - first) * 1000, 1)
                result["beforeReadMs"] = round((first - result["startedAt"]) * 1000, 1)
                result["afterReadMs"] = round((result["endedAt"] - last) * 1000, 1)
            result["requests"] = len(requests)
            result["listRequests"] = len(lists)
            result["pageMsMax"] = max((r[4] for r in lists), default=None)
            samples["plan"].append(result)
            samples["drift"].append(timed("drift", ["drift", "--env", "bench"], ok=(0, 2)))
            samples["export"].append(timed("export", ["export", "--env", "bench"]))
            say(f"   N={n} run {run + 1}/{runs}: validate {samples['validate'][-1]['wallMs']} ms, "
                f"plan {result['wallMs']} ms ({result['listRequests']} list requests), "
                f"drift {samples['drift'][-1]['wallMs']} ms, export {samples['export'][-1]['wallMs']} ms")
        floor = libyaml_floor(manifest, work, runs)
        figures = {
            "libyamlParseMs": floor,
            "n": n, "declared": layout["declared"], "live": len(layout["live"]), "changed": len(layout["changed"]),
            "missing": len(layout["missing"]), "unmanaged": layout["unmanaged"],
            "manifestBytes": os.path.getsize(manifest), "seededBy": seeded_by,
            "seedSeconds": round(seed_seconds, 2), "shapeOk": shape_ok, "planSummary": got,
        }
        keys = {"validate": ["wallMs", "rssMB"], "drift": ["wallMs", "rssMB"], "export": ["wallMs", "rssMB"],
                "plan": ["wallMs", "rssMB", "liveReadMs", "requests", "listRequests", "beforeReadMs",
                         "afterReadMs", "pageMsMax"]}
        for command, names in keys.items():
            figures[command] = {k: median([s.get(k) for s in samples[command]]) for k in names}
        plan_ms = figures["plan"]["wallMs"]
        figures["validateOverLibyaml"] = round(figures["validate"]["wallMs"] / floor, 2) if floor else None
        figures["driftOverPlan"] = round(figures["drift"]["wallMs"] / plan_ms, 2) if plan_ms else None
        figures["exportOverPlan"] = round(figures["export"]["wallMs"] / plan_ms, 2) if plan_ms else None
        return figures
    finally:
        emulator.stop()


# ---------------------------------------------------------------------------------------------------------------
# Apply: creates against 20 ms of injected latency per request, at several parallelisms


def bench_apply(creates, parallelisms, delay, binaries, work, runs, deadline, timeout):
    folder = os.path.join(work, "apply")
    os.makedirs(os.path.join(folder, "policy"))
    write_manifest(os.path.join(folder, "policy", "policy.yaml"), [i for i in range(creates * 10 // 9 + 2)
                                                                   if not is_workflow(i)][:creates])
    results = []
    for parallelism in parallelisms:
        samples = []
        for run in range(runs):
            deadline.check(f"apply at parallelism {parallelism}")
            emulator = Emulator(binaries["emulator"], "apply")
            try:
                for path in ("/2fa/limits", "/2fa/limits/search", "/2fa/workflows/search"):
                    status, _ = emulator.call("POST", "/_emulator/faults",
                                              {"path": path, "delay": delay, "times": 1000000})
                    if status != 200:
                        raise SystemExit(f"bench: the emulator refused the latency fault ({status})")
                write_project(folder, emulator.url)
                result = run_measured(
                    [binaries["policy"], "apply", "--env", "bench", "--auto-approve", "--parallelism",
                     str(parallelism), "--rate", "100000"], folder, min(timeout, deadline.left()),
                    os.path.join(folder, "apply.out"), policy_env())
                requests = emulator.between(result["startedAt"], result["endedAt"])
                writes = [r for r in requests if r[1] == "POST" and r[2] == "/2fa/limits"]
                result["applied"] = sum(1 for r in writes if r[3] in (200, 201))
                result["requests"] = len(requests)
                if writes:
                    result["writeSpanMs"] = round(
                        (max(r[0] for r in writes) - min(r[0] - r[4] / 1000 for r in writes)) * 1000, 1)
                if result["exit"] != 0 or result["applied"] != creates:
                    say(f"   warning: apply at parallelism {parallelism} exited {result['exit']} with "
                        f"{result['applied']} of {creates} created")
                samples.append(result)
            finally:
                emulator.stop()
        ideal = creates * delay * 1000 / parallelism
        wall = median([s["wallMs"] for s in samples])
        results.append({
            "parallelism": parallelism, "wallMs": wall, "idealMs": round(ideal, 1),
            "ratio": round(wall / ideal, 2), "writeSpanMs": median([s.get("writeSpanMs") for s in samples]),
            "rssMB": median([s["rssMB"] for s in samples]), "requests": median([s["requests"] for s in samples]),
            "applied": min(s["applied"] for s in samples), "exit": max(s["exit"] for s in samples),
        })
        say(f"   apply of {creates} creates at parallelism {parallelism}: {wall} ms "
            f"({results[-1]['ratio']}x the ideal {round(ideal)} ms)")
    return {"creates": creates, "delayMs": delay * 1000, "rate": 100000, "results": results}


# ---------------------------------------------------------------------------------------------------------------
# Simulate: recorded sends replayed through the live limits and the planned ones, the account in the embedded
# emulator (.mitto-policy/ of the work folder) as plan and apply use it without --env

SIMULATE_START = 1795132800  # 2026-11-20T00:00:00Z
SIMULATE_SPAN = 86400


def simulate_name(i):
    return f"limit_{i:04d}"


def simulate_burst(i, tightened):
    """The burst bucket's max of limit `i`: 3 to 7 live; every tenth limit 2 fewer in the desired manifests."""
    burst = 3 + i % 5
    return burst - 2 if tightened and i % 10 == 0 else burst


def write_simulate_manifest(path, limits, tightened):
    with open(path, "w") as out:
        out.write("limits:\n")
        for i in range(limits):
            out.write(f"  {simulate_name(i)}:\n    description: Simulated limit {i}\n    buckets:\n"
                      f"      - {{name: burst, max: {simulate_burst(i, tightened)}, interval: 10m}}\n"
                      f"      - {{name: daily, max: {20 + i % 7 * 5}, interval: 24h}}\n")


def simulate_key(limit, number, hot=False):
    """A key value of `limit`: phone numbers for even limits, IP addresses for odd ones; hot keys apart."""
    if limit % 2 == 0:
        return f"+4176{limit:04d}{number:03d}" if hot else f"+4179{number:07d}"
    return f"203.0.113.{limit % 100 * 2 + number + 1}" if hot else \
        f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def write_traffic(path, events, limits, seed=11):
    """`events` session records over 24 hours, sorted by time, each naming 1 to 3 limits. A tenth are storms: 3 to
    12 sends within 10 minutes to one of a limit's two hot keys, more than most bursts admit (so both policies
    refuse, and the tightened ones more); the rest go to keys drawn from a pool of events/4 per limit."""
    rng = random.Random(seed)
    pool = max(100, events // 4)
    rows = []

    def named(hot=None):
        chosen = rng.sample(range(limits), rng.randint(1, min(3, limits)))
        keys = {}
        if hot:
            keys[simulate_name(hot[0])] = hot[1]
            chosen = [i for i in chosen if i != hot[0]][:rng.randint(0, 2)]
        for i in chosen:
            keys[simulate_name(i)] = simulate_key(i, rng.randrange(pool))
        return keys

    hot_left = events // 10
    while hot_left > 0:
        size = min(hot_left, rng.randint(3, 12))
        limit = rng.randrange(limits)
        hot = (limit, simulate_key(limit, rng.randrange(2), hot=True))
        begin = rng.uniform(0, SIMULATE_SPAN - 600)
        for _ in range(size):
            rows.append((int(begin + rng.uniform(0, 600)), named(hot)))
        hot_left -= size
    while len(rows) < events:
        rows.append((int(rng.uniform(0, SIMULATE_SPAN)), named()))
    rows.sort(key=lambda row: row[0])
    with open(path, "w") as out:
        for number, (t, keys) in enumerate(rows):
            phone = next((k for k in keys.values() if k.startswith("+")), f"+4178{number % 10_000_000:07d}")
            out.write(json.dumps({
                "requestID": f"OTP{number:032x}",
                "dateCreated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(SIMULATE_START + t)),
                "limits": keys, "channel": "sms", "to": phone, "status": "pending",
            }, separators=(",", ":")) + "\n")


def bench_simulate(events, limits, binaries, work, runs, deadline, timeout):
    folder = os.path.join(work, "simulate")
    for part in ("live", "desired"):
        os.makedirs(os.path.join(folder, part))
        write_simulate_manifest(os.path.join(folder, part, "policy.yaml"), limits, tightened=part == "desired")
    traffic = os.path.join(folder, "traffic.jsonl")
    write_traffic(traffic, events, limits)
    env = policy_env()
    policy = binaries["policy"]
    deadline.check("the simulation's apply")
    result = run_measured([policy, "apply", "live", "--auto-approve"], folder, min(timeout, deadline.left()),
                          os.path.join(folder, "apply.out"), env)
    if result["exit"] != 0:
        raise SystemExit(f"bench: apply of the {limits} simulated limits exited {result['exit']}:\n"
                         + open(os.path.join(folder, "apply.out")).read()[-3000:]
                         + open(os.path.join(folder, "apply.out.err")).read()[-3000:])
    samples = []
    for run in range(runs):
        deadline.check("simulate")
        result = run_measured([policy, "simulate", "desired", "--traffic", "traffic.jsonl", "--format", "json"],
                              folder, min(timeout, deadline.left()), os.path.join(folder, "simulate.out"), env)
        if result["exit"] != 0:
            raise SystemExit(f"bench: simulate exited {result['exit']}:\n"
                             + open(os.path.join(folder, "simulate.out.err")).read()[-3000:])
        try:
            totals = json.load(open(os.path.join(folder, "simulate.out"))).get("totals") or {}
        except ValueError as error:
            raise SystemExit(f"bench: simulate did not print JSON ({error})")
        for key in ("sends", "refusedBefore", "refusedAfter", "newlyRefused"):
            result[key] = totals.get(key)
        if result["sends"] != events:
            say(f"   warning: simulate replayed {result['sends']} sends, not the {events:,} of the traffic file")
        samples.append(result)
        say(f"   simulate run {run + 1}/{runs}: {result['wallMs']} ms, RSS {result['rssMB']} MB, refused "
            f"{result['refusedBefore']} live → {result['refusedAfter']} planned ({result['newlyRefused']} newly)")
    # The same command without traffic, so the replay's own cost (reading the file and both replays) shows.
    plans = []
    for run in range(runs):
        deadline.check("simulate")
        result = run_measured([policy, "plan", "desired", "--skip-tests"], folder, min(timeout, deadline.left()),
                              os.path.join(folder, "plan.out"), env)
        if result["exit"] != 0:
            raise SystemExit(f"bench: plan exited {result['exit']}:\n"
                             + open(os.path.join(folder, "plan.out.err")).read()[-3000:])
        plans.append(result["wallMs"])
    last = samples[-1]
    wall = median([s["wallMs"] for s in samples])
    plan_wall = median(plans)
    say(f"   plan of the same manifests without traffic: {plan_wall} ms")
    return {"events": events, "limits": limits, "wallMs": wall, "planWallMs": plan_wall,
            "replayMs": round(wall - plan_wall, 1),
            "rssMB": median([s["rssMB"] for s in samples]), "sends": last["sends"],
            "refusedBefore": last["refusedBefore"], "refusedAfter": last["refusedAfter"],
            "newlyRefused": last["newlyRefused"], "trafficBytes": os.path.getsize(traffic)}


# ---------------------------------------------------------------------------------------------------------------
# The emulator's throughput: send+verify pairs from wrk, one keep-alive connection per wrk thread (Python client
# processes of keep-alive threads when wrk cannot be had); memory over a long run; session search at a million.

WRK_SCRIPT = r"""
-- send+verify pairs, one connection per wrk thread: a send with a custom code to a number of this connection's
-- own, then its verify; pair latencies kept as a histogram of 10 us buckets, merged and printed by done().
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")
local function micros()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local threads = {}
local created = 0
function setup(thread)
  created = created + 1
  thread:set("id", created)
  table.insert(threads, thread)
end

id = 0
histogram = {}
errors = {}
done_pairs = 0
local prefix, max_pairs, headers = "00", 0, {}
local state, request_id, began, counter = "send", nil, 0, 0

function init(args)
  prefix = args[1] or "00"
  max_pairs = tonumber(args[2] or "0")
  headers = {["Authorization"] = args[3], ["Content-Type"] = "application/json"}
end

local function failed(kind)
  errors[kind] = (errors[kind] or 0) + 1
end

function request()
  if state == "send" then
    counter = counter + 1
    began = micros()
    local phone = string.format("+41%s%03d%07d", prefix, id, counter)
    return wrk.format("POST", "/2fa/send", headers,
      '{"channel":"sms","service":"bench","to":"' .. phone .. '","from":"ACME","body":"Code {code}","code":"135790"}')
  end
  return wrk.format("POST", "/2fa/verify", headers, '{"requestID":"' .. request_id .. '","code":"135790"}')
end

function response(status, _, body)
  if state == "send" then
    if status ~= 200 then return failed("send " .. status) end
    request_id = string.match(body, '"requestID":"(OTP%x+)"')
    if request_id then state = "verify" else failed("send without requestID") end
    return
  end
  state = "send"
  if status ~= 200 then return failed("verify " .. status) end
  done_pairs = done_pairs + 1
  local bucket = math.floor((micros() - began) / 10)
  histogram[bucket] = (histogram[bucket] or 0) + 1
  if max_pairs > 0 and done_pairs >= max_pairs then wrk.thread:stop() end
end

local function percentile(buckets, keys, total, share)
  if total == 0 then return "null" end
  local rank, seen = math.max(1, math.ceil(share * total)), 0
  for _, key in ipairs(keys) do
    seen = seen + buckets[key]
    if seen >= rank then return string.format("%.2f", key / 100) end
  end
  return "null"
end

function done(summary, latency, _)
  local buckets, keys, total, kinds = {}, {}, 0, {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("histogram")) do
      if buckets[key] == nil then table.insert(keys, key) end
      buckets[key] = (buckets[key] or 0) + count
      total = total + count
    end
    for kind, count in pairs(thread:get("errors")) do kinds[kind] = (kinds[kind] or 0) + count end
  end
  table.sort(keys)
  for kind, count in pairs(summary.errors) do
    if count > 0 and kind ~= "status" then kinds["socket " .. kind] = (kinds["socket " .. kind] or 0) + count end
  end
  local parts = {}
  for kind, count in pairs(kinds) do table.insert(parts, string.format('"%s":%d', kind, count)) end
  io.write(string.format(
    '\nBENCH-RESULT {"pairs":%d,"durationUs":%d,"requests":%d,"pairP50Ms":%s,"pairP99Ms":%s,' ..
    '"requestP50Ms":%.2f,"requestP99Ms":%.2f,"errorKinds":{%s}}\n',
    total, summary.duration, summary.requests, percentile(buckets, keys, total, 0.5),
    percentile(buckets, keys, total, 0.99), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    table.concat(parts, ",")))
end
"""

WRK = {"checked": False, "path": None}


def find_wrk():
    """wrk, installed with apt-get when it is missing and this process may; None when it cannot be had."""
    if not WRK["checked"]:
        WRK["checked"] = True
        WRK["path"] = shutil.which("wrk")
        if WRK["path"] is None and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
            say("   wrk is missing: installing it with apt-get")
            for command in (["apt-get", "install", "-y", "-qq", "wrk"], ["apt-get", "update", "-qq"],
                            ["apt-get", "install", "-y", "-qq", "wrk"]):
                try:
                    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
                                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
                except (OSError, subprocess.SubprocessError):
                    break
                WRK["path"] = shutil.which("wrk")
                if WRK["path"]:
                    break
        if WRK["path"] is None:
            say("   wrk cannot be had: the load comes from Python clients, which may not keep up on 2 cores")
    return WRK["path"]


def client_main(arguments):
    """One client process: `threads` threads, each one keep-alive connection, pairs until the time or count ends.
    Prints one JSON line: pair and request latencies in ms, errors, CPU seconds used."""
    host, port, threads, seconds, max_pairs, start_at, prefix = arguments
    port, threads, seconds, max_pairs, start_at = int(port), int(threads), float(seconds), int(max_pairs), \
        float(start_at)
    headers = {"Authorization": AUTH, "Content-Type": "application/json"}
    lock = threading.Lock()
    state = {"left": max_pairs, "pairs": [], "requests": [], "errors": {}, "endedAt": start_at}

    def error(kind):
        with lock:
            state["errors"][kind] = state["errors"].get(kind, 0) + 1

    def worker(number):
        connection = http.client.HTTPConnection(host, port, timeout=10)
        counter = 0
        while time.time() < start_at:
            time.sleep(0.005)
        end = start_at + seconds
        while time.time() < end:
            with lock:
                if state["left"] <= 0:
                    break
                state["left"] -= 1
            counter += 1
            phone = f"+41{prefix}{number:03d}{counter:07d}"
            try:
                began = time.perf_counter()
                connection.request("POST", "/2fa/send", headers=headers, body=json.dumps(
                    {"channel": "sms", "service": "bench", "to": phone, "from": "ACME", "body": "Code {code}",
                     "code": "135790"}))
                response = connection.getresponse()
                sent = json.loads(response.read() or b"{}")
                middle = time.perf_counter()
                if response.status != 200 or "requestID" not in sent:
                    error(f"send {response.status}")
                    continue
                connection.request("POST", "/2fa/verify", headers=headers,
                                   body=json.dumps({"requestID": sent["requestID"], "code": "135790"}))
                response = connection.getresponse()
                response.read()
                finished = time.perf_counter()
                if response.status != 200:
                    error(f"verify {response.status}")
                    continue
                with lock:
                    state["endedAt"] = max(state["endedAt"], time.time())
                    state["pairs"].append((finished - began) * 1000)
                    state["requests"].extend(((middle - began) * 1000, (finished - middle) * 1000))
            except (OSError, http.client.HTTPException, ValueError) as failure:
                error(type(failure).__name__)
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.close()

    pool = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + 30)
    cpu = os.times()
    print(json.dumps({"pairs": state["pairs"], "requests": state["requests"], "errors": state["errors"],
                      "endedAt": state["endedAt"], "cpuSeconds": cpu.user + cpu.system}))


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


class RSSSampler:
    """The emulator's RSS once a second while a run goes on, for the peak."""

    def __init__(self, emulator):
        self.emulator, self.samples, self.running = emulator, [], True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            value = self.emulator.rss_mb()
            if value is not None:
                self.samples.append(value)
            time.sleep(1.0)

    def stop(self):
        self.running = False
        self.thread.join(3)
        return max(self.samples) if self.samples else None


def wrk_run(emulator, wrk, clients, seconds, max_pairs, prefix, work):
    """One wrk run of `clients` connections (a thread each), bounded by `seconds` and by `max_pairs` in all."""
    script = os.path.join(work, "pairs.lua")
    if not os.path.exists(script):
        with open(script, "w") as out:
            out.write(WRK_SCRIPT)
    per_thread = max(1, -(-max_pairs // clients))
    argv = [wrk, f"-t{clients}", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", script,
            f"http://{emulator.host}:{emulator.port}", "--", prefix, str(per_thread), AUTH]
    return generator_run(argv, "wrk", clients, seconds)


def pairs_run(emulator, tool, clients, seconds, max_pairs, prefix):
    """One run of scripts/bench-support/pairs.c: `clients` keep-alive connections carried by two threads, each
    connection a send and then its verify, bounded by `seconds` and by `max_pairs` in all."""
    argv = [tool, "127.0.0.1", str(emulator.port), str(clients), "2", str(seconds), str(max_pairs), prefix, AUTH]
    return generator_run(argv, "pairs.c", clients, seconds)


def generator_run(argv, name, clients, seconds):
    """Runs a load generator that ends by printing a BENCH-RESULT line (wrk's script, pairs.c), killed if it
    outlives `seconds` by a minute, and returns its row with the CPU share it took."""
    started = time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        register(process)
        timer = threading.Timer(seconds + 60, lambda: process.poll() is None and os.kill(process.pid, 9))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        unregister(process)
        elapsed = time.perf_counter() - started
        out.seek(0)
        text = out.read()
    found = re.search(r"BENCH-RESULT (\{.*\})", text)
    if not found:
        return {"clients": clients, "seconds": round(elapsed, 2), "pairs": 0, "pairsPerSecond": 0.0,
                "pairP50Ms": None, "pairP99Ms": None, "requestP50Ms": None, "requestP99Ms": None, "errors": 1,
                "errorKinds": {f"{name} failed": 1, "output": text[-300:]}, "clientCpuShare": None,
                "loadGenerator": name}
    result = json.loads(found.group(1))
    duration = max(0.001, result["durationUs"] / 1e6)
    kinds = result["errorKinds"]
    return {
        "clients": clients, "seconds": round(duration, 2), "pairs": result["pairs"],
        "pairsPerSecond": round(result["pairs"] / duration, 1), "pairP50Ms": result["pairP50Ms"],
        "pairP99Ms": result["pairP99Ms"], "requestP50Ms": result["requestP50Ms"],
        "requestP99Ms": result["requestP99Ms"], "errors": sum(kinds.values()), "errorKinds": kinds,
        "clientCpuShare": round((usage.ru_utime + usage.ru_stime) / duration, 2), "loadGenerator": name,
    }


def cpu_seconds(pid):
    """The user and system CPU time process `pid` has used, in seconds, or None."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def load_run(emulator, clients, seconds, max_pairs, processes, prefix, work=None):
    """One load run, with the emulator's own CPU time per pair: the figure that does not depend on how much of the
    two cores the load generator takes. The generator is pairs.c when it builds, else wrk, else Python clients."""
    before = cpu_seconds(emulator.process.pid)
    row = generate_load(emulator, clients, seconds, max_pairs, processes, prefix, work)
    after = cpu_seconds(emulator.process.pid)
    row["emulatorCpuUsPerPair"] = (round((after - before) / row["pairs"] * 1e6)
                                   if before is not None and after is not None and row["pairs"] else None)
    return row


def generate_load(emulator, clients, seconds, max_pairs, processes, prefix, work=None):
    tool = support_tool("pairs", ["pthread"]) if work else None
    if tool:
        return pairs_run(emulator, tool, clients, seconds, max_pairs, prefix)
    wrk = find_wrk() if work else None
    if wrk:
        return wrk_run(emulator, wrk, clients, seconds, max_pairs, prefix, work)
    processes = max(1, min(processes, clients))
    start_at = time.time() + 1.0
    workers = []
    for p in range(processes):
        threads = clients // processes + (1 if p < clients % processes else 0)
        process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "_client", emulator.host, str(emulator.port), str(threads),
             str(seconds), str(max_pairs // processes + 1), str(start_at), f"{prefix}{p}"],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        register(process)
        workers.append(process)
    outputs = []
    for process in workers:
        try:
            out, _ = process.communicate(timeout=seconds + 60)
            unregister(process)
            outputs.append(json.loads(out.strip().splitlines()[-1]))
        except (subprocess.TimeoutExpired, ValueError, IndexError):
            stop(process)
            outputs.append({"pairs": [], "requests": [], "errors": {"client failed": 1}, "cpuSeconds": 0,
                            "endedAt": start_at + seconds})
    pairs = [v for o in outputs for v in o["pairs"]]
    requests = [v for o in outputs for v in o["requests"]]
    errors = {}
    for o in outputs:
        for k, v in o["errors"].items():
            errors[k] = errors.get(k, 0) + v
    # Bounded by time, or by count when the pairs ran out first.
    elapsed = max(0.001, min(seconds, max(o.get("endedAt", start_at) for o in outputs) - start_at))
    return {
        "clients": clients, "seconds": round(elapsed, 2), "pairs": len(pairs),
        "pairsPerSecond": round(len(pairs) / elapsed, 1), "pairP50Ms": percentile(pairs, 0.5),
        "pairP99Ms": percentile(pairs, 0.99), "requestP50Ms": percentile(requests, 0.5),
        "requestP99Ms": percentile(requests, 0.99), "errors": sum(errors.values()), "errorKinds": errors,
        "clientCpuShare": round(sum(o["cpuSeconds"] for o in outputs) / elapsed, 2), "loadGenerator": "python",
    }


def flatness_run(binaries, work, storage, seconds, deadline, prefix):
    """32 clients for `seconds` after a short warm-up: the emulator's RSS before, after, the growth and the peak."""
    database = os.path.join(work, f"flat-{storage}.sqlite") if storage == "database" else None
    deadline.check(f"the emulator memory run ({storage})")
    emulator = Emulator(binaries["emulator"], f"memory {storage}", database=database, log_level="warning")
    try:
        time.sleep(0.5)
        idle = emulator.rss_mb()
        load_run(emulator, 32, 2, 10_000_000, 4, prefix + "0", work)
        before = emulator.rss_mb()
        sampler = RSSSampler(emulator)
        row = load_run(emulator, 32, seconds, 100_000_000, 4, prefix + "1", work)
        peak = sampler.stop()
        after = emulator.rss_mb()
    finally:
        emulator.stop()
    growth = round(after - before, 1) if after is not None and before is not None else None
    row.update({"storage": storage, "rssIdleMB": idle, "rssBeforeMB": before, "rssAfterMB": after,
                "rssGrowthMB": growth, "rssPeakMB": peak,
                "bytesPerPair": round(growth * 1048576 / row["pairs"], 1) if growth is not None and row["pairs"]
                else None})
    say(f"   memory {storage}, {row['seconds']} s: {row['pairs']:,} pairs ({row['pairsPerSecond']} pairs/s), RSS "
        f"{before} → {after} MB (growth {growth} MB, peak {peak} MB), {row['errors']} errors")
    return row


SESSION_COLUMNS = {"request_id", "account_sid", "service", "sender", "recipient", "channel", "workflow", "channels",
                   "status", "blocked_limit", "blocked_bucket", "limits", "messages", "attempts", "next_message",
                   "next_message_at", "verify_attempts", "max_attempts", "code_hash", "expires_at", "created",
                   "updated", "due_at"}


def seed_sessions(binary, database, count):
    """A database of `count` finished sessions over 100 days, written in SQL into the schema the emulator made (its
    triggers keep the tallies); False when the schema is not the one expected."""
    Emulator(binary, "session schema", database=database, log_level="warning").stop()
    db = sqlite3.connect(database)
    try:
        if not SESSION_COLUMNS <= {row[1] for row in db.execute("PRAGMA table_info(otp_request)")}:
            return False
        first_day = int(time.time()) // 86400 - 100
        db.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?),
            s(i, created) AS (SELECT i, ? + i * ? FROM n)
            INSERT INTO otp_request (request_id, account_sid, service, sender, recipient, channel, workflow,
                channels, status, blocked_limit, blocked_bucket, limits, messages, attempts, next_message,
                next_message_at, verify_attempts, max_attempts, code_hash, expires_at, callback_url,
                callback_method, created, updated, due_at)
            SELECT printf('OTP%032x', i), ?,
                CASE WHEN i % 10 = 9 THEN NULL WHEN i % 3 = 0 THEN 'shop' WHEN i % 3 = 1 THEN 'bank' ELSE 'bench' END,
                'ACME', printf('+4179%07d', i % 250000),
                CASE WHEN i % 10 = 9 THEN NULL ELSE 'sms' END, CASE WHEN i % 10 = 9 THEN 'login' END,
                CASE WHEN i % 50 = 2 THEN 0 WHEN i % 10 = 9 THEN 3 ELSE 1 END,
                CASE WHEN i % 50 = 2 THEN 'blocked' WHEN i % 10 = 9 THEN 'expired' WHEN i % 20 = 0 THEN 'failed'
                     ELSE 'verified' END,
                CASE WHEN i % 50 = 2 THEN 'per_phone' END, CASE WHEN i % 50 = 2 THEN 'daily' END,
                CASE WHEN i % 50 = 2 THEN '{"per_phone":"' || printf('+4179%07d', i % 250000) || '"}' ELSE '{}' END,
                NULL,
                CASE WHEN i % 50 = 2 THEN ''
                     WHEN i % 10 = 9 THEN 'sms|' || strftime('%Y-%m-%dT%H:%M:%SZ', created, 'unixepoch')
                         || '|delivered;call|' || strftime('%Y-%m-%dT%H:%M:%SZ', created + 60, 'unixepoch')
                         || '|delivered'
                     ELSE 'sms|' || strftime('%Y-%m-%dT%H:%M:%SZ', created, 'unixepoch') || '|delivered' END,
                CASE WHEN i % 10 = 9 THEN 2 ELSE 1 END, NULL, CASE WHEN i % 20 = 0 THEN 5 ELSE 1 END, 5,
                zeroblob(32), created + 600, NULL, NULL, created, created + 5, NULL
            FROM s
            """, (count, first_day * 86400.0, 100 * 86400.0 / count, ACCOUNT_SID))
        db.execute(
            """
            INSERT INTO otp_usage (account_sid, day, channel, total)
            SELECT account_sid, strftime('%Y-%m-%d', created, 'unixepoch'), 'sms', COUNT(*) FROM otp_request
                WHERE status != 'blocked' GROUP BY 1, 2
            UNION ALL
            SELECT account_sid, strftime('%Y-%m-%d', created + 60, 'unixepoch'), 'call', COUNT(*) FROM otp_request
                WHERE workflow = 'login' GROUP BY 1, 2
            ON CONFLICT DO UPDATE SET total = total + excluded.total
            """)
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return True
    except sqlite3.Error as error:
        say(f"   the sessions could not be written ({error})")
        return False
    finally:
        db.close()


def bench_session_search(binaries, work, count, runs, deadline):
    """Session searches and usage over `count` stored sessions: the client's and the emulator's own time."""
    deadline.check("the session search")
    database = os.path.join(work, "sessions.sqlite")
    started = time.monotonic()
    if not seed_sessions(binaries["emulator"], database, count):
        return None
    seeded = round(time.monotonic() - started, 1)
    say(f"   {count:,} sessions written in {seeded} s")
    emulator = Emulator(binaries["emulator"], "session search", database=database, log_level="info")
    pages = -(-count // 1000)
    failed = count // 20 - count // 100  # every twentieth, less those that are workflows or blocked
    day = time.strftime("%Y-%m-%d", time.gmtime((int(time.time()) // 86400 - 50) * 86400))
    queries = [
        ("all, first page", "GET", "/2fa/search?pageSize=1000", None),
        ("all, last page", "GET", f"/2fa/search?pageSize=1000&page={pages - 1}", None),
        ("status failed, middle page", "POST", "/2fa/search",
         {"status": "failed", "pageSize": 1000, "page": max(0, failed // 2000)}),
        ("channel call, service none, last page", "POST", "/2fa/search",
         {"channel": "call", "workflow": "login", "pageSize": 1000, "page": max(0, count // 10 // 1000 - 1)}),
        ("one day", "POST", "/2fa/search", {"startDate": day, "endDate": day, "pageSize": 1000}),
        ("one recipient", "POST", "/2fa/search", {"to": "+41790000042"}),
        ("one request", "GET", f"/2fa/search/OTP{count // 2:032x}", None),
        ("usage, daily", "GET", "/2fa/usage/records/daily", None),
    ]
    results = []
    try:
        connection = http.client.HTTPConnection(emulator.host, emulator.port, timeout=60)
        headers = {"Authorization": AUTH, "Content-Type": "application/json"}
        for name, method, path, body in queries:
            times, emulator_ms, total, status = [], [], None, None
            for _ in range(max(3, runs)):
                began = time.time()
                start = time.perf_counter()
                connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
                response = connection.getresponse()
                text = response.read()
                times.append((time.perf_counter() - start) * 1000)
                status = response.status
                logged = [r[4] for r in emulator.between(began, time.time()) if r[2] == path.split("?")[0]]
                if logged:
                    emulator_ms.append(logged[-1])
                try:
                    total = json.loads(text).get("total")
                except ValueError:
                    pass
            results.append({"query": name, "status": status, "total": total, "ms": median(times),
                             "emulatorMs": median(emulator_ms)})
            say(f"   {name}: {median(times)} ms ({median(emulator_ms)} ms in the emulator), total {total}")
        connection.close()
    finally:
        emulator.stop()
    return {"sessions": count, "seedSeconds": seeded, "results": results,
            "slowestMs": max((r["ms"] for r in results if r["ms"] is not None), default=None)}


def bench_emulator(binaries, work, clients_list, seconds, max_pairs, deadline, flat_seconds=None,
                   search_sessions=None, runs=1):
    results = []
    for storage in ("in-memory", "database"):
        database = os.path.join(work, f"throughput-{len(results)}.sqlite") if storage == "database" else None
        deadline.check(f"the emulator throughput ({storage})")
        emulator = Emulator(binaries["emulator"], f"throughput {storage}", database=database, log_level="warning")
        try:
            time.sleep(0.5)
            before = emulator.rss_mb()
            for number, clients in enumerate(clients_list):
                deadline.check(f"the emulator throughput ({storage}, {clients} clients)")
                row = load_run(emulator, clients, seconds, max_pairs, processes=min(4, max(1, clients // 8)),
                               prefix=f"{len(results) % 10}{number % 10}", work=work)
                row["storage"] = storage
                row["rssBeforeMB"] = before
                row["rssAfterMB"] = emulator.rss_mb()
                before = row["rssAfterMB"]
                results.append(row)
                say(f"   emulator {storage}, {clients} clients: {row['pairsPerSecond']} pairs/s, "
                    f"p50 {row['pairP50Ms']} ms, p99 {row['pairP99Ms']} ms, RSS {row['rssBeforeMB']} → "
                    f"{row['rssAfterMB']} MB, {row['errors']} errors ({row['loadGenerator']})")
        finally:
            emulator.stop()
    report = {"seconds": seconds, "maxPairs": max_pairs, "loadGenerator": results[0]["loadGenerator"],
              "results": results}
    if flat_seconds:
        report["memory"] = [flatness_run(binaries, work, storage, flat_seconds, deadline, f"{5 + n}")
                            for n, storage in enumerate(("in-memory", "database"))]
    if search_sessions:
        report["sessionSearch"] = bench_session_search(binaries, work, search_sessions, runs, deadline)
    return report


def add_emulator_arguments(parser):
    parser.add_argument("--emulator-memory-seconds", type=float,
                        help="length of the memory run at 32 clients (300 for the five-minute figure)")
    parser.add_argument("--emulator-sessions", type=int, help="sessions stored for the session search figure")


def emulator_options(args, refuse):
    """The memory run's length and the session count, checked; defaults 30 s and 1,000,000 (--quick: 2 s, 5,000)."""
    memory = args.emulator_memory_seconds if args.emulator_memory_seconds is not None else (2.0 if args.quick else
                                                                                           30.0)
    if not 1 <= memory <= 3600:
        refuse("--emulator-memory-seconds must be between 1 and 3600")
    sessions = args.emulator_sessions if args.emulator_sessions is not None else (5_000 if args.quick else
                                                                                 1_000_000)
    if not 100 <= sessions <= 10_000_000:
        refuse("--emulator-sessions must be between 100 and 10000000")
    return {"flat_seconds": memory, "search_sessions": sessions}


# ---------------------------------------------------------------------------------------------------------------
# Output


def fmt(value, unit=""):
    if value is None:
        return "-"
    if isinstance(value, float) and value >= 100:
        value = round(value)
    return f"{value:,}{unit}" if isinstance(value, int) else f"{value:,}{unit}"


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(c).rjust(w) for c, w in zip(row, widths)) + " |")
    return "\n".join(lines)


def print_report(report):
    out = []
    out.append(f"mitto-policy bench: {report['build']} build, {report['runs']} run(s) each, medians; "
               f"{report['cpus']} CPUs; {report['date']}")
    out.append("")
    if report["sizes"]:
        out.append("Plan against a live account in mitto-emulator --database over loopback "
                   "(95% of N declared, a tenth of those changed, N/20 missing, N/20 unmanaged):")
        rows = []
        for s in report["sizes"]:
            p = s["plan"]
            ratio = (lambda v: "-" if v is None else f"{v}x")
            rows.append([fmt(s["n"]), fmt(s["validate"]["wallMs"], " ms"), fmt(s.get("libyamlParseMs"), " ms"),
                         ratio(s.get("validateOverLibyaml")), fmt(s["validate"]["rssMB"], " MB"),
                         fmt(p["wallMs"], " ms"), fmt(p["rssMB"], " MB"), fmt(p["liveReadMs"], " ms"),
                         fmt(p["listRequests"]), fmt(p["requests"]), fmt(p["pageMsMax"], " ms"),
                         fmt(s["drift"]["wallMs"], " ms"), ratio(s.get("driftOverPlan")),
                         fmt(s["export"]["wallMs"], " ms"), ratio(s.get("exportOverPlan"))])
        out.append(table(["N", "validate", "libyaml parse", "validate/libyaml", "RSS", "plan wall", "plan RSS",
                          "live read", "list req", "requests", "slowest page", "drift", "drift/plan", "export",
                          "export/plan"], rows))
        notes = [f"N={fmt(s['n'])}: {fmt(s['manifestBytes'])} bytes of YAML, {fmt(s['live'])} live objects seeded "
                 f"by {s['seededBy']} in {s['seedSeconds']} s, plan {s['planSummary']}"
                 + ("" if s["shapeOk"] else " (NOT the intended shape)") for s in report["sizes"]]
        out.extend(notes)
        out.append("libyaml parse: libyaml's own event parser over the same file, the floor for validate; live read: "
                   "first list request arriving to last answered, from the emulator's log (plan and drift read "
                   "while the manifests load); slowest page: the emulator's own time for one list page.")
        out.append("")
    if report.get("apply"):
        a = report["apply"]
        out.append(f"Apply of {fmt(a['creates'])} creates with {a['delayMs']:g} ms injected per request, "
                   f"--rate {a['rate']}:")
        out.append(table(["parallelism", "wall", "ideal", "ratio", "writes span", "RSS", "created"],
                         [[r["parallelism"], fmt(r["wallMs"], " ms"), fmt(r["idealMs"], " ms"), f"{r['ratio']}x",
                           fmt(r["writeSpanMs"], " ms"), fmt(r["rssMB"], " MB"), f"{r['applied']}"]
                          for r in a["results"]]))
        out.append("")
    if report.get("simulate"):
        s = report["simulate"]
        out.append(f"Simulate: {fmt(s['events'])} recorded sends through {fmt(s['limits'])} limits, live and planned "
                   f"(mitto-policy simulate, embedded emulator): wall {fmt(s['wallMs'], ' ms')}, "
                   f"RSS {fmt(s['rssMB'], ' MB')}, refused {fmt(s['refusedBefore'])} live -> "
                   f"{fmt(s['refusedAfter'])} planned; the replay (the command less a plan of the same manifests, "
                   f"{fmt(s['planWallMs'], ' ms')}): {fmt(s['replayMs'], ' ms')}")
        out.append(f"{fmt(s['trafficBytes'])} bytes of JSON lines over 24 hours, a tenth of the limits' bursts "
                   f"tightened in the plan; {fmt(s['newlyRefused'])} sends newly refused"
                   + ("" if s["sends"] == s["events"] else f" (NOT every send replayed: {fmt(s['sends'])})"))
        out.append("")
    if report.get("emulator"):
        e = report["emulator"]
        generator = {"pairs.c": "scripts/bench-support/pairs.c, one keep-alive connection per client, two threads",
                     "wrk": "wrk, one keep-alive connection and thread per client",
                     "python": "keep-alive Python clients"}.get(e.get("loadGenerator"), "keep-alive Python clients")
        out.append(f"mitto-emulator: send+verify pairs (sms, custom code, no limit), {e['seconds']:g} s per row, "
                   f"{generator}:")
        out.append(table(["storage", "clients", "pairs/s", "pair p50", "pair p99", "request p99", "errors",
                          "RSS before", "RSS after", "emulator CPU/pair", "client CPU"],
                         [[r["storage"], r["clients"], fmt(r["pairsPerSecond"]), fmt(r["pairP50Ms"], " ms"),
                           fmt(r["pairP99Ms"], " ms"), fmt(r["requestP99Ms"], " ms"), r["errors"],
                           fmt(r["rssBeforeMB"], " MB"), fmt(r["rssAfterMB"], " MB"),
                           fmt(r.get("emulatorCpuUsPerPair"), " us"), f"{r['clientCpuShare']} cores"]
                          for r in e["results"]]))
        if e.get("memory"):
            out.append("")
            out.append("mitto-emulator memory over a long run at 32 clients (RSS after a 2 s warm-up, and at the end):")
            out.append(table(["storage", "seconds", "pairs", "pairs/s", "pair p99", "RSS before", "RSS after",
                              "growth", "peak", "bytes/pair", "errors"],
                             [[m["storage"], fmt(m["seconds"]), fmt(m["pairs"]), fmt(m["pairsPerSecond"]),
                               fmt(m["pairP99Ms"], " ms"), fmt(m["rssBeforeMB"], " MB"), fmt(m["rssAfterMB"], " MB"),
                               fmt(m["rssGrowthMB"], " MB"), fmt(m["rssPeakMB"], " MB"), fmt(m["bytesPerPair"]),
                               m["errors"]] for m in e["memory"]]))
        if e.get("sessionSearch"):
            s = e["sessionSearch"]
            out.append("")
            out.append(f"mitto-emulator session search and usage with {fmt(s['sessions'])} sessions stored "
                       f"(--database, written in {s['seedSeconds']} s), medians:")
            out.append(table(["query", "total", "wall", "in the emulator"],
                             [[r["query"], fmt(r["total"]), fmt(r["ms"], " ms"), fmt(r["emulatorMs"], " ms")]
                              for r in s["results"]]))
    print("\n".join(out))


def main():
    global PID_FILE
    if len(sys.argv) > 1 and sys.argv[1] == "_client":
        client_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(prog="scripts/bench", add_help=True)
    parser.add_argument("--sizes")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--bin-dir")
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--build", default="release")
    parser.add_argument("--skip-apply", action="store_true")
    parser.add_argument("--skip-emulator", action="store_true")
    parser.add_argument("--skip-plan", action="store_true")
    parser.add_argument("--skip-simulate", action="store_true",
                        help="leave out simulate (100,000 recorded sends through 100 limits; --quick: 2,000, 20)")
    parser.add_argument("--seed-over-http", action="store_true")
    parser.add_argument("--apply-creates", type=int)
    parser.add_argument("--emulator-seconds", type=float)
    add_emulator_arguments(parser)
    parser.add_argument("--timeout", type=int, default=7200)
    parser.add_argument("--pid-file")
    parser.add_argument("--check-args", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="write the generated manifests and databases under DIR and "
                        "keep them (for profiling one command by hand)")
    args = parser.parse_args()

    def refuse(message):
        print(f"bench: {message}", file=sys.stderr)
        sys.exit(64)

    sizes_text = args.sizes or ("200" if args.quick else "1000,10000,100000")
    if not re.fullmatch(r"\d+(,\d+)*", sizes_text) or any(int(s) < 20 for s in sizes_text.split(",")):
        refuse("--sizes must be whole numbers of at least 20, separated by commas")
    sizes = [int(s) for s in sizes_text.split(",")]
    runs = args.runs if args.runs is not None else (1 if args.quick else 3)
    if runs < 1 or runs > 50:
        refuse("--runs must be between 1 and 50")
    creates = args.apply_creates if args.apply_creates is not None else (40 if args.quick else 1000)
    if creates < 1 or creates > 100000:
        refuse("--apply-creates must be between 1 and 100000")
    seconds = args.emulator_seconds if args.emulator_seconds is not None else (1.0 if args.quick else 15.0)
    if not 0.5 <= seconds <= 600:
        refuse("--emulator-seconds must be between 0.5 and 600")
    emulator_settings = emulator_options(args, refuse)
    if args.timeout < 10:
        refuse("--timeout must be at least 10 seconds")
    if args.check_args:
        return
    if not args.bin_dir:
        refuse("--bin-dir is required here (scripts/bench passes it)")
    PID_FILE = args.pid_file
    binaries = {"policy": os.path.join(args.bin_dir, "mitto-policy"),
                "emulator": os.path.join(args.bin_dir, "mitto-emulator")}
    for binary in binaries.values():
        if not os.access(binary, os.X_OK):
            print(f"bench: {binary} is missing: build it first", file=sys.stderr)
            sys.exit(66)

    def on_signal(number, _frame):
        raise SystemExit(128 + number)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    deadline = Deadline(args.timeout)
    command_timeout = 600 if not args.quick else 120
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        if os.listdir(args.keep):
            refuse(f"--keep {args.keep} must be an empty folder")
    work = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="mitto-bench.")
    try:
        report = {"formatVersion": 1, "build": args.build, "binDir": os.path.abspath(args.bin_dir), "runs": runs,
                  "quick": args.quick, "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                      time.gmtime()),
                  "sizes": []}
        if not args.skip_plan:
            say("== preparing the template objects")
            template = prepare_template(binaries, work, deadline)
            for n in sizes:
                say(f"== N = {n:,}")
                report["sizes"].append(bench_size(n, binaries, work, template, runs, deadline, command_timeout,
                                                  over_http=args.seed_over_http))
        if not args.skip_apply:
            say(f"== apply of {creates} creates with 20 ms latency")
            report["apply"] = bench_apply(creates, [1, 4, 16], 0.02, binaries, work, runs, deadline,
                                          command_timeout)
        if not args.skip_simulate:
            events, limits = (2_000, 20) if args.quick else (100_000, 100)
            say(f"== simulate of {events:,} sends through {limits} limits")
            report["simulate"] = bench_simulate(events, limits, binaries, work, runs, deadline, command_timeout)
        if not args.skip_emulator:
            say("== emulator throughput")
            report["emulator"] = bench_emulator(binaries, work, [8, 32], seconds, 2_000_000, deadline, runs=runs,
                                                **emulator_settings)
        if args.json:
            print(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            print_report(report)
    finally:
        stop_all()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()
