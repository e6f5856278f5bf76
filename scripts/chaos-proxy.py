#!/usr/bin/env python3
"""The Python half of scripts/chaos (standard library only).

    chaos-proxy.py serve  --upstream URL --seed S --fault-rate R --port-file F --log F
        A fault-injecting HTTP proxy on 127.0.0.1 in front of the emulator. With a seeded RNG it fails a share R of
        the requests, evenly in five ways: 500 or 503 before forwarding, 429 with Retry-After: 1 before forwarding,
        the answer lost after the write (forwarded, then the client connection closed without an answer), and
        50-200 ms of added latency (then forwarded). It counts requests, faults by kind, retries (a request
        identical in method, path and body to an earlier one) and blind repeats (a POST that creates a name whose
        previous POST may have taken effect, with no lookup of that name in between). /_chaos/stats (GET) answers
        the counts, /_chaos/config (POST {"faultRate": R}) changes the rate; neither is counted or faulted.
    chaos-proxy.py seed   --endpoint URL --changes N --seed S --project DIR --expected F
        Seeds the account at the emulator (not through the proxy) and writes manifests under DIR/policy, so that a
        plan has exactly N changes: creates, updates, renames (previousName) and deletes of limits and workflows.
    chaos-proxy.py verify --endpoint URL --expected F --stats URL
        Reads the account at the emulator and compares it with what the manifests declare: duplicates, lost
        changes, undeclared objects, renamed objects whose sid changed. Prints one JSON object.

The account's sid and key come from MITTO_ACCOUNT_SID and MITTO_API_KEY.
"""

import argparse
import base64
import http.client
import json
import os
import random
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULT_KINDS = ["500", "503", "429", "lost", "latency"]
COLLECTIONS = {"/2fa/limits": "limits", "/2fa/workflows": "workflows"}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def authorization():
    pair = f"{os.environ['MITTO_ACCOUNT_SID']}:{os.environ['MITTO_API_KEY']}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


# ---------------------------------------------------------------------------------------------------- the proxy


class Chaos:
    """The proxy's shared state: the RNG, the counters and the event log, behind one lock."""

    def __init__(self, seed, rate, log_path):
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        self.rate = rate
        self.log = open(log_path, "w", buffering=1)
        self.sequence = 0
        self.requests = 0
        self.by_method = {}
        self.faults = {kind: 0 for kind in FAULT_KINDS}
        self.statuses = {}
        self.seen = {}
        self.retries = 0
        self.write_retries = 0
        self.ambiguous = {}  # (collection, name) -> sequence number of the POST that may have created it
        self.blind_repeats = []

    def admit(self, method, path, body):
        """Numbers a request, counts it and draws its fault; returns (sequence, fault, latency in seconds)."""
        with self.lock:
            self.sequence += 1
            self.requests += 1
            self.by_method[method] = self.by_method.get(method, 0) + 1
            key = (method, path, body)
            if key in self.seen:
                self.retries += 1
                if method != "GET":
                    self.write_retries += 1
            self.seen[key] = self.seen.get(key, 0) + 1
            fault = None
            if self.rng.random() < self.rate:
                fault = self.rng.choice(FAULT_KINDS)
                self.faults[fault] += 1
            latency = self.rng.uniform(0.05, 0.2) if fault == "latency" else 0.0
            self.track_lookups_and_creates(self.sequence, method, path, body)
            return self.sequence, fault, latency

    def track_lookups_and_creates(self, sequence, method, path, body):
        """Blind-repeat bookkeeping (called with the lock held)."""
        bare, _, query = path.partition("?")
        if method == "GET":
            for collection in COLLECTIONS:
                if bare == collection + "/search":
                    names = urllib.parse.parse_qs(query).get("name")
                    for key in list(self.ambiguous):
                        if key[0] == collection and (names is None or key[1] in names):
                            del self.ambiguous[key]
        elif method == "POST" and bare in COLLECTIONS:
            name = created_name(body)
            if name is not None and (bare, name) in self.ambiguous:
                self.blind_repeats.append(
                    {"collection": bare, "name": name, "after": self.ambiguous[(bare, name)], "repeat": sequence}
                )

    def outcome(self, sequence, method, path, body, fault, status):
        """Records how a request ended: status is what the client got (None when the answer was lost)."""
        bare = path.partition("?")[0]
        with self.lock:
            shown = "lost" if status is None else str(status)
            self.statuses[shown] = self.statuses.get(shown, 0) + 1
            name = created_name(body) if method == "POST" and bare in COLLECTIONS else None
            if name is not None:
                # After a lost answer or a 500 the create may have happened; 429 and 503 surely did nothing.
                # A later 429 or 503 leaves an earlier doubt as it was; any other answer settles it.
                if status is None or (status >= 500 and status != 503):
                    self.ambiguous[(bare, name)] = sequence
                elif status != 429 and status != 503:
                    self.ambiguous.pop((bare, name), None)
            event = {"seq": sequence, "method": method, "path": path, "fault": fault, "status": shown}
            if name is not None:
                event["name"] = name
            elif method in ("PUT", "POST") and body:
                body_name = created_name(body)
                if body_name is not None:
                    event["name"] = body_name
            self.log.write(json.dumps(event) + "\n")

    def stats(self):
        with self.lock:
            return {
                "requests": self.requests,
                "byMethod": dict(self.by_method),
                "faults": dict(self.faults),
                "faultsTotal": sum(self.faults.values()),
                "statuses": dict(self.statuses),
                "retries": self.retries,
                "writeRetries": self.write_retries,
                "blindRepeats": list(self.blind_repeats),
                "faultRate": self.rate,
            }


def created_name(body):
    if not body:
        return None
    try:
        value = json.loads(body)
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            return value["name"]
    except ValueError:
        fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        for key in ("name", "Name"):
            if key in fields:
                return fields[key][0]
    return None


class Upstream:
    """One keep-alive connection to the emulator per proxy thread."""

    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.local = threading.local()

    def send(self, method, path, headers, body):
        for attempt in range(2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.local.connection = connection
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                return response.status, response.getheaders(), response.read()
            except (http.client.HTTPException, OSError):
                # A stale keep-alive connection: the emulator never saw the request, so one fresh try is safe.
                connection.close()
                self.local.connection = None
                if attempt == 1:
                    raise


def make_handler(chaos, upstream):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def answer(self, status, body, headers=()):
            self.send_response(status)
            sent = set()
            for name, value in headers:
                if name.lower() in HOP_BY_HOP or name.lower() == "content-length":
                    continue
                self.send_header(name, value)
                sent.add(name.lower())
            if "content-type" not in sent:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def control(self, body):
            if self.command == "GET" and self.path == "/_chaos/stats":
                self.answer(200, json.dumps(chaos.stats()).encode())
            elif self.command == "POST" and self.path == "/_chaos/config":
                with chaos.lock:
                    chaos.rate = float(json.loads(body or b"{}").get("faultRate", chaos.rate))
                self.answer(200, b'{"code":200,"message":"OK"}')
            else:
                self.answer(404, b'{"code":404,"message":"no such control path"}')

        def handle_any(self):
            body = self.read_body()
            if self.path.startswith("/_chaos/"):
                self.control(body)
                return
            method, path = self.command, self.path
            sequence, fault, latency = chaos.admit(method, path, body)
            if fault in ("500", "503", "429"):
                status = int(fault)
                headers = [("Retry-After", "1")] if fault == "429" else []
                message = {"500": "Internal Server Error", "503": "Service Unavailable", "429": "Too Many Requests"}
                payload = json.dumps({"code": status, "message": message[fault] + " (chaos)"}).encode()
                chaos.outcome(sequence, method, path, body, fault, status)
                self.answer(status, payload, headers)
                return
            if latency:
                time.sleep(latency)
            forwarded = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "host"}
            try:
                status, headers, payload = upstream.send(method, path, forwarded, body)
            except (http.client.HTTPException, OSError) as error:
                chaos.outcome(sequence, method, path, body, "upstream-error", 502)
                self.answer(502, json.dumps({"code": 502, "message": f"proxy: {error}"}).encode())
                return
            if fault == "lost":
                # The write happened; the client never hears of it.
                chaos.outcome(sequence, method, path, body, fault, None)
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            chaos.outcome(sequence, method, path, body, fault, status)
            self.answer(status, payload, headers)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any

    return Handler


def serve(arguments):
    # A parent may have left SIGTERM blocked or ignored (test runners do); the script stops the proxy with it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    chaos = Chaos(arguments.seed, arguments.fault_rate, arguments.log)
    upstream = Upstream(arguments.upstream)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(chaos, upstream))
    port = server.server_address[1]
    with open(arguments.port_file + ".tmp", "w") as out:
        out.write(str(port))
    os.replace(arguments.port_file + ".tmp", arguments.port_file)
    print(f"chaos-proxy listening on http://127.0.0.1:{port}, forwarding to {arguments.upstream}", flush=True)
    server.serve_forever()


# ---------------------------------------------------------------------------------------------------- the API


class API:
    def __init__(self, endpoint):
        self.endpoint = endpoint.rstrip("/")
        self.auth = authorization()

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.endpoint + path, data=data, method=method)
        request.add_header("Authorization", self.auth)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for attempt in range(5):
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as error:
                raise SystemExit(f"chaos: {method} {path} answered {error.code}: {error.read()[:300]!r}")
            except (urllib.error.URLError, OSError) as error:
                if attempt == 4:
                    raise SystemExit(f"chaos: {method} {path} failed: {error}")
                time.sleep(0.2)

    def list_all(self, collection, key):
        objects, page = [], 0
        while True:
            answer = self.call("GET", f"/2fa/{collection}/search?page={page}&pageSize=1000")
            objects.extend(answer[key])
            page += 1
            if answer.get("nextPageUri") is None or page >= answer.get("numPages", page):
                return objects


# ---------------------------------------------------------------------------------------------------- seeding


def limit_value(rng, name):
    buckets = [{"name": "burst", "max": rng.randint(2, 9), "interval": rng.choice([60, 300, 600, 900])}]
    if rng.random() < 0.6:
        buckets.append({"name": "daily", "max": rng.randint(20, 99), "interval": rng.choice([3600, 43200, 86400])})
    return {"name": name, "description": f"chaos limit {rng.randint(0, 10**6)}", "buckets": buckets}


def workflow_value(rng, name):
    steps = [{"channel": "sms", "timeout": rng.choice([30, 60, 90]), "from": "ACME", "body": "Your code is {code}"}]
    if rng.random() < 0.5:
        steps.append(
            {"channel": "call", "timeout": rng.choice([60, 120]), "from": "+41445550000",
             "body": "Your code is {code}", "language": "en-US", "voice": rng.choice(["man", "woman"])}
        )
    return {"name": name, "description": f"chaos workflow {rng.randint(0, 10**6)}", "codeLength": rng.choice([4, 6, 8]),
            "codeTtl": rng.choice([600, 900]), "maxAttempts": rng.randint(1, 10), "steps": steps}


def changed(rng, kind, value):
    """The same object with at least one field changed (not its name)."""
    value = json.loads(json.dumps(value))
    if kind == "limits":
        choice = rng.randrange(3)
        if choice == 0:
            value["description"] += " (changed)"
        elif choice == 1:
            value["buckets"][0]["max"] += 1
        else:
            value["buckets"][-1]["interval"] += 60
    else:
        choice = rng.randrange(3)
        if choice == 0:
            value["description"] += " (changed)"
        elif choice == 1:
            value["maxAttempts"] = value["maxAttempts"] % 10 + 1
        else:
            value["steps"][0]["timeout"] += 5
    return value


def split(total, shares):
    counts = [total * share // 100 for share in shares]
    counts[-1] += total - sum(counts)
    return counts


def seed(arguments):
    rng = random.Random(arguments.seed)
    creates, updates, renames, deletes = split(arguments.changes, [30, 30, 20, 20])
    kept = max(arguments.changes // 10, 1)
    live, desired, renamed = [], [], []  # live: (collection, value); desired: (collection, value, previousName)
    for collection, prefix, make in (("limits", "lim", limit_value), ("workflows", "wf", workflow_value)):
        share = 70 if collection == "limits" else 30

        def count(n):
            return n * share // 100 if collection == "limits" else n - n * 70 // 100

        for i in range(count(creates)):
            desired.append((collection, make(rng, f"{prefix}_create_{i:04d}"), None))
        for i in range(count(updates)):
            before = make(rng, f"{prefix}_update_{i:04d}")
            live.append((collection, before))
            desired.append((collection, changed(rng, collection, before), None))
        for i in range(count(renames)):
            before = make(rng, f"{prefix}_old_{i:04d}")
            live.append((collection, before))
            after = changed(rng, collection, before) if i % 2 else json.loads(json.dumps(before))
            after["name"] = f"{prefix}_new_{i:04d}"
            desired.append((collection, after, before["name"]))
            renamed.append({"collection": collection, "from": before["name"], "to": after["name"]})
        for i in range(count(deletes)):
            live.append((collection, make(rng, f"{prefix}_delete_{i:04d}")))
        for i in range(count(kept) if collection == "limits" else kept - count(kept)):
            value = make(rng, f"{prefix}_kept_{i:04d}")
            live.append((collection, value))
            desired.append((collection, value, None))

    api = API(arguments.endpoint)

    def create(item):
        collection, value = item
        key = "limit" if collection == "limits" else "workflow"
        return value["name"], api.call("POST", f"/2fa/{collection}", value)[key]["sid"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        sids = dict(pool.map(create, live))
    for rename in renamed:
        rename["sid"] = sids[rename["from"]]

    policy = os.path.join(arguments.project, "policy")
    os.makedirs(policy, exist_ok=True)
    for collection in ("limits", "workflows"):
        items = [(value, previous) for kind, value, previous in desired if kind == collection]
        for start in range(0, len(items), 200):
            path = os.path.join(policy, f"{collection}-{start // 200:02d}.yaml")
            with open(path, "w") as out:
                out.write(manifest(collection, items[start:start + 200]))
    with open(arguments.expected, "w") as out:
        json.dump({"changes": arguments.changes, "creates": creates, "updates": updates, "renames": renames,
                   "deletes": deletes, "kept": kept, "seeded": len(live),
                   "desired": {kind: [value for k, value, _ in desired if k == kind] for kind in ("limits", "workflows")},
                   "renamed": renamed}, out)
    print(f"seeded {len(live)} objects; the manifests declare {len(desired)}: {creates} creates, {updates} updates, "
          f"{renames} renames, {deletes} deletes, {kept} unchanged")


def yaml_text(value):
    return json.dumps(value)  # a JSON string is a valid double-quoted YAML scalar


def manifest(collection, items):
    lines = [f"{collection}:"]
    for value, previous in items:
        lines.append(f"  {value['name']}:")
        if previous:
            lines.append(f"    previousName: {previous}")
        lines.append(f"    description: {yaml_text(value['description'])}")
        if collection == "limits":
            lines.append("    buckets:")
            for bucket in value["buckets"]:
                lines.append(f"      - {{name: {bucket['name']}, max: {bucket['max']}, interval: {bucket['interval']}}}")
        else:
            for field in ("codeLength", "codeTtl", "maxAttempts"):
                lines.append(f"    {field}: {value[field]}")
            lines.append("    steps:")
            for step in value["steps"]:
                fields = ", ".join(f"{key}: {yaml_text(item) if isinstance(item, str) else item}"
                                   for key, item in step.items())
                lines.append(f"      - {{{fields}}}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------- verifying


def same(desired, live):
    """Whether the live object has every declared field, and no other non-empty one."""
    for key, value in desired.items():
        if key == "steps":
            steps = live.get("steps") or []
            if len(steps) != len(value):
                return False
            for want, have in zip(value, steps):
                have = {k: v for k, v in have.items() if v is not None}
                if want != have:
                    return False
        elif live.get(key) != value:
            return False
    return True


def verify(arguments):
    with open(arguments.expected) as source:
        expected = json.load(source)
    api = API(arguments.endpoint)
    result = {"duplicates": [], "lost": [], "undeclared": [], "sidChanged": []}
    live_by_name = {}
    for collection, key in (("limits", "limits"), ("workflows", "workflows")):
        objects = api.list_all(collection, key)
        by_name = {}
        for item in objects:
            by_name.setdefault(item["name"], []).append(item)
        live_by_name[collection] = by_name
        declared = {value["name"]: value for value in expected["desired"][collection]}
        for name, items in sorted(by_name.items()):
            if len(items) > 1:
                result["duplicates"].append(f"{collection}/{name} x{len(items)} ({', '.join(i['sid'] for i in items)})")
            if name not in declared:
                result["undeclared"].append(f"{collection}/{name} ({items[0]['sid']})")
        for name, value in sorted(declared.items()):
            items = by_name.get(name, [])
            if not items:
                result["lost"].append(f"{collection}/{name}: missing")
            elif not any(same(value, item) for item in items):
                result["lost"].append(f"{collection}/{name}: differs ({json.dumps(items[0], sort_keys=True)[:400]})")
    for rename in expected["renamed"]:
        items = live_by_name[rename["collection"]].get(rename["to"], [])
        if items and all(item["sid"] != rename["sid"] for item in items):
            result["sidChanged"].append(
                f"{rename['collection']}/{rename['from']} -> {rename['to']}: was {rename['sid']}, "
                f"now {', '.join(i['sid'] for i in items)}")
    with urllib.request.urlopen(arguments.stats, timeout=30) as response:
        result["proxy"] = json.loads(response.read())
    result["expected"] = {key: expected[key] for key in
                          ("changes", "creates", "updates", "renames", "deletes", "kept", "seeded")}
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    proxy = commands.add_parser("serve")
    proxy.add_argument("--upstream", required=True)
    proxy.add_argument("--seed", type=int, default=7)
    proxy.add_argument("--fault-rate", type=float, default=0.2)
    proxy.add_argument("--port-file", required=True)
    proxy.add_argument("--log", required=True)
    seeding = commands.add_parser("seed")
    seeding.add_argument("--endpoint", required=True)
    seeding.add_argument("--changes", type=int, default=1000)
    seeding.add_argument("--seed", type=int, default=7)
    seeding.add_argument("--project", required=True)
    seeding.add_argument("--expected", required=True)
    checking = commands.add_parser("verify")
    checking.add_argument("--endpoint", required=True)
    checking.add_argument("--expected", required=True)
    checking.add_argument("--stats", required=True)
    arguments = parser.parse_args()
    {"serve": serve, "seed": seed, "verify": verify}[arguments.command](arguments)


if __name__ == "__main__":
    main()
