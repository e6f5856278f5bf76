#!/usr/bin/env python3
"""Reference answer for `mitto-policy simulate`: replays recorded sends under two policies, writes expected.json.

Written apart from the Swift code (LimitEngine) on purpose; Python standard library and PyYAML.

Inputs
  A policy is a manifest folder: every `*.yaml` under it (recursively); only `limits:` is read (name ->
  {description, previousName, buckets: [{name, max, interval}]}). `interval` is whole seconds or a duration
  (`90s`, `10m`, `1h30m`, `24h`, `7d`: number-unit parts, largest unit first, each unit once).
  The traffic is traffic.jsonl: one session detail record (SDR) a line, as GET /2fa/search returns them. Every
  record is one send attempt, whatever its recorded status or blockedBy (those say what the live system did; they
  are not read here except for the printed cross-check). Fields the API does not define are ignored. The time of
  a send is its `dateCreated` (RFC 3339 UTC, whole seconds).

Semantics
  1. Events are sorted by time, stably: sends of the same second keep their order in the file.
  2. Each policy is replayed on its own, from empty history (nothing before the first event counts).
  3. For an event at time `now`, each name of its `limits` map resolves to the policy's limit of that name, or
     else to the policy's limit whose previousName is that name, or else to nothing. A name that resolves to
     nothing refuses nothing and counts nothing. The resolved limits are taken in byte order of the name the
     policy gives them (the emulator checks a send's limits by their names, and after a rename the apps send
     the new one).
  4. For each name that resolves to limit L (in the order of 3), with key value K = the event's value for that
     name, and for each bucket B of L in declared order: count the sends already ADMITTED under this policy that
     were counted for L with key value K at times t with now - B.interval < t <= now (so same-second sends
     admitted earlier in the order count). If count >= B.max the event is refused, attributed to this first
     (L, B), reported by L's name in this policy and B's name; no further buckets or names are looked at.
  5. A refused event counts for no limit. An admitted event is counted, at `now`, for every (L, K) its names
     resolve to (once per distinct pair; two names resolving to one limit does not happen in this traffic).
     History is kept by the policy's limit, so under desired a send naming `limit_on_account` and one naming
     `limit_on_tenant` (whose previousName is limit_on_account) share one history per key value.

Output (expected.json, keys sorted, two-space indent)
  events: the number of records.
  live, desired: refused (total), byLimit {limit: {refused, byBucket {bucket: n}}} for every limit and bucket of
    the policy (zeros included), decisions {requestID: null | {"limit", "bucket"}}.
  changes: for each limit name N that the traffic names (keys of the events' limits maps):
    newlyRefusedSends: count of events naming N admitted under live and refused under desired with the refusal
      attributed to the desired limit N resolves to (0 when N resolves to nothing under desired);
    noLongerRefusedSends: count of events naming N refused under live by the live limit N resolves to and
      admitted under desired;
    newlyRefusedKeys / noLongerRefusedKeys: the sorted distinct key values (for N) of those events;
    firstNewlyRefused / firstNoLongerRefused: {key: dateCreated of the earliest such event, in replay order}.
  peaks: under desired, for each desired limit and each of its buckets, the top 5 key values by peak, where a
    key's peak is the maximum, over its admitted sends at time t, of the number of its admitted sends in
    (t - interval, t] (the send itself included): [{"key", "peak", "max"}], peak descending, ties by key
    ascending (byte order); keys with no admitted send are not listed.
  busiest: under desired, for each desired limit, the 5 key values with the largest share peak / max over its
    buckets (ties by key ascending): [{"key", "peaks": [peak per bucket, in bucket order]}].

Usage: python3 reference.py [--live DIR] [--desired DIR] [--traffic FILE] [--out FILE]
"""

import argparse
import json
import os
import re
import sys
from datetime import datetime, timezone

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT_SECONDS = [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)]


def parse_interval(value):
    if isinstance(value, bool):
        raise ValueError(f"interval {value!r} is not a duration")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"interval {value!r} is negative")
        return value
    text = str(value)
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    parts = re.findall(r"([0-9]+)([dhms])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"interval {text!r} is not a duration")
    order = [unit for unit, _ in UNIT_SECONDS]
    positions = [order.index(unit) for _, unit in parts]
    if positions != sorted(set(positions)):
        raise ValueError(f"interval {text!r}: units must be largest first, each once")
    factor = dict(UNIT_SECONDS)
    return sum(int(number) * factor[unit] for number, unit in parts)


class Limit:
    def __init__(self, name, previous_name, buckets):
        self.name = name
        self.previous_name = previous_name
        self.buckets = buckets  # [(bucket name, max, interval seconds)], declared order


def load_policy(folder):
    files = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        files += [os.path.join(root, name) for name in sorted(names) if name.endswith(".yaml")]
    if not files:
        raise SystemExit(f"{folder}: no *.yaml manifest")
    limits = []
    for path in files:
        with open(path, encoding="utf-8") as handle:
            document = yaml.safe_load(handle) or {}
        for name, body in (document.get("limits") or {}).items():
            if any(limit.name == name for limit in limits):
                raise SystemExit(f"{path}: limit {name} declared twice")
            buckets = [(b["name"], int(b["max"]), parse_interval(b["interval"])) for b in body["buckets"]]
            limits.append(Limit(str(name), body.get("previousName"), buckets))
    return limits


def resolve(policy, name):
    for limit in policy:
        if limit.name == name:
            return limit
    for limit in policy:
        if limit.previous_name == name:
            return limit
    return None


def epoch_seconds(text):
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def load_traffic(path):
    events = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            events.append({
                "line": number,
                "id": record["requestID"],
                "created": record["dateCreated"],
                "t": epoch_seconds(record["dateCreated"]),
                "limits": record.get("limits") or {},
                "recorded": record.get("blockedBy"),
            })
    ids = [event["id"] for event in events]
    if len(set(ids)) != len(ids):
        raise SystemExit(f"{path}: a requestID appears twice")
    return events


def replay(policy, ordered):
    """Decisions in replay order: requestID -> None or (limit name, bucket name); admitted times per (limit, key)."""
    admitted = {}  # (limit name, key) -> [times], non-decreasing
    decisions = {}
    for event in ordered:
        now = event["t"]
        resolved = []
        for name in event["limits"]:
            limit = resolve(policy, name)
            if limit is not None:
                resolved.append((limit, str(event["limits"][name])))
        resolved.sort(key=lambda pair: pair[0].name.encode("utf-8"))
        refusal = None
        for limit, key in resolved:
            times = admitted.get((limit.name, key), [])
            for bucket, maximum, interval in limit.buckets:
                count = 0
                for t in reversed(times):
                    if t <= now - interval:
                        break
                    if t <= now:
                        count += 1
                if count >= maximum:
                    refusal = (limit.name, bucket)
                    break
            if refusal:
                break
        decisions[event["id"]] = refusal
        if refusal is None:
            for pair in dict.fromkeys((limit.name, key) for limit, key in resolved):
                admitted.setdefault(pair, []).append(now)
    return decisions, admitted


def summary(policy, decisions):
    by_limit = {limit.name: {"refused": 0, "byBucket": {b[0]: 0 for b in limit.buckets}} for limit in policy}
    for refusal in decisions.values():
        if refusal:
            by_limit[refusal[0]]["refused"] += 1
            by_limit[refusal[0]]["byBucket"][refusal[1]] += 1
    return {
        "refused": sum(1 for refusal in decisions.values() if refusal),
        "byLimit": by_limit,
        "decisions": {rid: (None if r is None else {"limit": r[0], "bucket": r[1]}) for rid, r in decisions.items()},
    }


def changes(live, desired, ordered, live_decisions, desired_decisions):
    names = sorted({name for event in ordered for name in event["limits"]}, key=lambda n: n.encode("utf-8"))
    result = {}
    for name in names:
        live_limit, desired_limit = resolve(live, name), resolve(desired, name)
        newly, no_longer = 0, 0
        first_newly, first_no_longer = {}, {}
        for event in ordered:
            if name not in event["limits"]:
                continue
            key = str(event["limits"][name])
            before, after = live_decisions[event["id"]], desired_decisions[event["id"]]
            if before is None and after is not None and desired_limit is not None and after[0] == desired_limit.name:
                newly += 1
                first_newly.setdefault(key, event["created"])
            if before is not None and live_limit is not None and before[0] == live_limit.name and after is None:
                no_longer += 1
                first_no_longer.setdefault(key, event["created"])
        result[name] = {
            "newlyRefusedSends": newly,
            "newlyRefusedKeys": sorted(first_newly, key=lambda k: k.encode("utf-8")),
            "firstNewlyRefused": first_newly,
            "noLongerRefusedSends": no_longer,
            "noLongerRefusedKeys": sorted(first_no_longer, key=lambda k: k.encode("utf-8")),
            "firstNoLongerRefused": first_no_longer,
        }
    return result


def peaks(policy, admitted):
    result = {}
    for limit in policy:
        result[limit.name] = {}
        for bucket, maximum, interval in limit.buckets:
            rows = []
            for (limit_name, key), times in admitted.items():
                if limit_name != limit.name:
                    continue
                peak = 0
                for t in times:
                    peak = max(peak, sum(1 for other in times if t - interval < other <= t))
                rows.append((-peak, key.encode("utf-8"), key, peak))
            rows.sort()
            result[limit.name][bucket] = [{"key": key, "peak": peak, "max": maximum} for _, _, key, peak in rows[:5]]
    return result


def busiest(policy, admitted):
    """Per desired limit, the 5 key values whose peak came closest to a bucket's max (largest peak / max over the
    limit's buckets, ties by key ascending), each with its peak in every bucket, in bucket order."""
    result = {}
    for limit in policy:
        rows = []
        for (limit_name, key), times in admitted.items():
            if limit_name != limit.name:
                continue
            peaks = []
            for bucket, maximum, interval in limit.buckets:
                peaks.append(max(sum(1 for other in times if t - interval < other <= t) for t in times))
            share = max(peak / maximum for peak, (_, maximum, _) in zip(peaks, limit.buckets))
            rows.append((-share, key.encode("utf-8"), key, peaks))
        rows.sort()
        result[limit.name] = [{"key": key, "peaks": peaks} for _, _, key, peaks in rows[:5]]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", default=os.path.join(HERE, "live"))
    parser.add_argument("--desired", default=os.path.join(HERE, "desired"))
    parser.add_argument("--traffic", default=os.path.join(HERE, "traffic.jsonl"))
    parser.add_argument("--out", default=os.path.join(HERE, "expected.json"))
    args = parser.parse_args()

    live, desired = load_policy(args.live), load_policy(args.desired)
    events = load_traffic(args.traffic)
    ordered = sorted(events, key=lambda event: event["t"])  # stable: ties keep file order
    live_decisions, _ = replay(live, ordered)
    desired_decisions, desired_admitted = replay(desired, ordered)

    expected = {
        "events": len(events),
        "live": summary(live, live_decisions),
        "desired": summary(desired, desired_decisions),
        "changes": changes(live, desired, ordered, live_decisions, desired_decisions),
        "peaks": peaks(desired, desired_admitted),
        "busiest": busiest(desired, desired_admitted),
    }
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write(json.dumps(expected, indent=2, sort_keys=True, ensure_ascii=False) + "\n")

    # Cross-check, printed only: the recording's blockedBy is what the live policy did.
    disagree = [e["line"] for e in events
                if (e["recorded"] and (e["recorded"]["limit"], e["recorded"]["bucket"])) != (live_decisions[e["id"]] or None)]
    print(f"{len(events)} events; live refuses {expected['live']['refused']}, desired {expected['desired']['refused']}; "
          f"recorded blockedBy disagrees with live on {len(disagree)} lines{': ' + str(disagree[:10]) if disagree else ''}")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
