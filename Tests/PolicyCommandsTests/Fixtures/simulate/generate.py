#!/usr/bin/env python3
"""Writes the recorded traffic of the `mitto-policy simulate` fixture, deterministically.

Outputs, next to this script:
  traffic.jsonl      3,000 session detail records (SDRs), one JSON object a line, as GET /2fa/search returns
                     them (keys sorted, compact), a few carrying fields the API does not define;
  traffic.csv        the same sends, one row each in the same order: timestamp and the key value per limit name;
  traffic-page.json  the first 200 records as page 0 of a GET /2fa/search answer (pageSize 200), pretty-printed.

Python standard library only; one fixed seed, no clock, no hash-ordered iteration, so every run writes the same
bytes. The recorded outcome of each send (status, blockedBy) is what the live policy in live/policy.yaml does to
the traffic (LIVE_POLICY below mirrors that file), computed here on its own so that reference.py's "live"
decisions can be checked against the recording.
"""

import bisect
import csv
import json
import os
import random
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261120
TOTAL = 3000
PAGE_SIZE = 200
START = datetime(2026, 11, 19, 20, 0, 0, tzinfo=timezone.utc)
SPAN = 36 * 3600
ACCOUNT_SID = "AC" + "5d1f0c2a9e7b4c3d8a6f1e2b3c4d5e6f"
LIMIT_NAMES = ["limit_on_phone", "limit_on_ip", "limit_on_email", "limit_on_account"]

# live/policy.yaml, as (name -> [(bucket, max, interval seconds)]).
LIVE_POLICY = {
    "limit_on_phone": [("burst", 5, 600), ("daily", 10, 86400)],
    "limit_on_ip": [("minute", 8, 60), ("hourly", 40, 3600)],
    "limit_on_email": [("hourly", 4, 3600)],
    "limit_on_account": [("hourly", 60, 3600)],
}

rng = random.Random(SEED)


def stamp(t):
    return (START + timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------------------------
# Key pools

BG_IPS = [f"198.51.100.{n}" for n in range(20, 255)] + [f"203.0.113.{n}" for n in range(20, 255)]
BG_IPS6 = []
while len(BG_IPS6) < 30:
    address = f"2001:db8:{rng.randrange(1, 0xFFFF):x}::{rng.randrange(1, 0xFFFF):x}"
    if address not in BG_IPS6:
        BG_IPS6.append(address)
TENANTS = [f"tenant-{n:04d}" for n in range(1, 41)]

used_phones = set()


def new_phone():
    while True:
        if rng.random() < 0.15:
            phone = "+49" + rng.choice(["151", "160", "176"]) + "".join(rng.choice("0123456789") for _ in range(8))
        else:
            phone = "+41" + rng.choice(["76", "77", "78", "79"]) + "".join(rng.choice("0123456789") for _ in range(7))
        if phone not in used_phones:
            used_phones.add(phone)
            return phone


RETURNING = [new_phone() for _ in range(300)]


def bg_ip():
    return rng.choice(BG_IPS6) if rng.random() < 0.06 else rng.choice(BG_IPS)


def bg_phone():
    return rng.choice(RETURNING) if rng.random() < 0.15 else new_phone()


# ---------------------------------------------------------------------------------------------------------------
# Sends: {"t": seconds from START, "to": ..., "kind": "phone" | "email", "limits": {...}}

events = []


def send(t, to, limits, kind="phone", hot=True):
    assert 0 <= t < SPAN, t
    events.append({"t": t, "to": to, "kind": kind, "limits": dict(limits), "hot": hot})


def spread(t0, count, gap_low, gap_high, same_second=0.0):
    """`count` times from t0, gaps drawn from [gap_low, gap_high]; with probability same_second a gap of 0."""
    times, t = [], t0
    for index in range(count):
        if index:
            t += 0 if rng.random() < same_second else rng.randint(gap_low, gap_high)
        times.append(t)
    return times


def maybe_tenant(limits, share):
    if rng.random() < share:
        limits["limit_on_account"] = rng.choice(TENANTS)
    return limits


H = 3600

# A. Phones sending bursts (a user pressing "resend"), from one device IP each.
burst_phones = [
    ("+41791234581", "198.51.100.11", [2 * H + 600, 14 * H + 120]),
    ("+41765550123", "198.51.100.12", [9 * H + 300]),
    ("+4915112345678", "198.51.100.13", [13 * H + 1500, 20 * H]),
    ("+41789990001", "198.51.100.14", [15 * H + 200]),
    ("+41774441212", "2001:db8::bad:1", [26 * H + 900]),
]
for phone, ip, starts in burst_phones:
    used_phones.add(phone)
    for t0 in starts:
        for t in spread(t0, rng.randint(6, 8), 15, 70, same_second=0.2):
            send(t, phone, maybe_tenant({"limit_on_phone": phone, "limit_on_ip": ip}, 0.5))

# A'. Three bursts of 5 in the morning (live: 5+5 admitted, daily full; desired: 3+3+3), then single sends later.
phone = "+41791234573"
used_phones.add(phone)
for t0 in [12 * H, 12 * H + 1500, 12 * H + 3000]:
    for t in spread(t0, 5, 10, 40, same_second=0.25):
        send(t, phone, {"limit_on_phone": phone, "limit_on_ip": "198.51.100.15"})
for t in [17 * H, 18 * H + 600, 19 * H + 1200, 21 * H, 23 * H + 300]:
    send(t, phone, {"limit_on_phone": phone, "limit_on_ip": "198.51.100.15"})

# B. Phones sending steadily all day: the daily bucket refuses, no burst does.
for phone, ip, t0 in [("+41798887766", "198.51.100.16", 8 * H), ("+41762223344", "203.0.113.9", 11 * H),
                      ("+4917612345678", "203.0.113.8", 6 * H)]:
    used_phones.add(phone)
    t = t0
    while t < t0 + 15 * H:
        send(t, phone, maybe_tenant({"limit_on_phone": phone, "limit_on_ip": ip}, 0.3))
        t += rng.randint(25 * 60, 55 * 60)

# C. IP bursts (SMS pumping to many numbers): the minute bucket refuses.
pumped = iter(f"+4176555{n:04d}" for n in range(1000))
for ip, t0, count, gap_high in [("198.51.100.7", 3 * H + 200, 10, 8), ("198.51.100.7", 16 * H + 50, 15, 4),
                                ("198.51.100.7", 30 * H + 700, 20, 5), ("203.0.113.5", 5 * H + 900, 11, 6),
                                ("203.0.113.5", 22 * H + 1800, 14, 4), ("2001:db8::bad:1", 10 * H + 2400, 13, 7)]:
    for t in spread(t0, count, 1, gap_high, same_second=0.3):
        to = next(pumped)
        used_phones.add(to)
        send(t, to, {"limit_on_phone": to, "limit_on_ip": ip})

# D. IPs sending steadily for over an hour: the hourly bucket refuses, the minute bucket does not.
for ip, t0, count in [("203.0.113.66", 19 * H + 400, 90), ("2001:db8:0:42::7", 27 * H + 100, 55)]:
    for t in spread(t0, count, 30, 75, same_second=0.05):
        to = new_phone()
        send(t, to, maybe_tenant({"limit_on_phone": to, "limit_on_ip": ip}, 0.2))

# D'. An IP sending bursts of 11 within the hour: live refuses by the minute bucket (8 admitted a burst), desired
# admits whole bursts (12 a minute) and so fills the hourly bucket (40) during the fourth.
for t0 in [33 * H + 60, 33 * H + 900, 33 * H + 1800, 33 * H + 2700]:
    for t in spread(t0, 11, 1, 4, same_second=0.3):
        to = new_phone()
        send(t, to, {"limit_on_phone": to, "limit_on_ip": "203.0.113.10"})

# D''. Sends exactly one interval after an earlier one: the window is (now - interval, now], so the earlier send
# has left it. Phone: 5 sends in 40 s, then one at +600 s (live: 4 in the window, admitted; desired: 2, admitted).
phone = "+41791230000"
used_phones.add(phone)
for t in [31 * H + 100, 31 * H + 110, 31 * H + 120, 31 * H + 130, 31 * H + 140, 31 * H + 700, 31 * H + 710]:
    send(t, phone, {"limit_on_phone": phone, "limit_on_ip": "198.51.100.17"})
# IP: 13 sends in one second (live admits 8, desired 12), then 2 sends 60 s later (both admitted under both).
for t in [34 * H + 1000] * 13 + [34 * H + 1060] * 2:
    to = new_phone()
    send(t, to, {"limit_on_phone": to, "limit_on_ip": "203.0.113.17"})

# E. Email addresses asking again and again.
for address, ip, t0, count in [("alice@example.org", "203.0.113.4", 4 * H + 100, 7),
                               ("bob.smith@example.net", "198.51.100.12", 18 * H + 2000, 6),
                               ("carol+otp@example.com", "2001:db8::bad:1", 25 * H + 300, 9)]:
    for t in spread(t0, count, 60, 420, same_second=0.15):
        send(t, address, {"limit_on_email": address, "limit_on_ip": ip}, kind="email")

# F. Tenants surging: the account bucket refuses (live 60/h, desired 50/h under the new name).
for tenant, t0, count, gap_high in [("tenant-0007", 7 * H + 300, 75, 64), ("tenant-0013", 20 * H + 900, 56, 80),
                                    ("tenant-0021", 28 * H + 1200, 62, 100)]:
    for t in spread(t0, count, 2, gap_high, same_second=0.08):
        to = new_phone()
        send(t, to, {"limit_on_phone": to, "limit_on_ip": bg_ip(), "limit_on_account": tenant})

# G. Sends that two limits refuse at once: tenant-0033 is full (live 60, desired 50 in the hour) and IP
# 203.0.113.18 has just used its minute (live 8, desired 12). The refusal is the first limit by the name the send
# wrote: limit_on_account (limit_on_tenant under desired, though that name sorts after limit_on_ip).
t0 = 24 * H + 600
for t in spread(t0, 70, 10, 45, same_second=0.05):
    to = new_phone()
    send(t, to, {"limit_on_phone": to, "limit_on_ip": bg_ip(), "limit_on_account": "tenant-0033"})
t1 = t + 120
for index, t in enumerate(spread(t1, 15, 1, 2, same_second=0.2)):
    to = new_phone()
    limits = {"limit_on_phone": to, "limit_on_ip": "203.0.113.18"}
    if index >= 12:
        limits["limit_on_account"] = "tenant-0033"
    send(t, to, limits)

# Background: ordinary users, quieter at night (UTC hours 23-06).
scenario_count = len(events)
while len(events) < TOTAL:
    t = rng.randrange(SPAN)
    hour = (START + timedelta(seconds=t)).hour
    if (hour >= 23 or hour < 6) and rng.random() < 0.7:
        continue
    roll = rng.random()
    if roll < 0.01:
        send(t, bg_phone(), {}, hot=False)
    elif roll < 0.09:
        address = f"user{rng.randrange(1, 400)}@example.com"
        send(t, address, maybe_tenant({"limit_on_email": address, "limit_on_ip": bg_ip()}, 0.3), kind="email", hot=False)
    else:
        to = bg_phone()
        send(t, to, maybe_tenant({"limit_on_phone": to, "limit_on_ip": bg_ip()}, 0.35), hot=False)

# File order: by time, same-second sends in a random order, then some lines moved a few places (out of order).
rng.shuffle(events)
events.sort(key=lambda e: e["t"])


def lines_out_of_order(items):
    late, latest = 0, -1
    for item in items:
        if item["t"] < latest:
            late += 1
        latest = max(latest, item["t"])
    return late


def apply_live_policy(items):
    """Sets each event's blockedBy to what the live policy does, replaying in time order (ties in list order)."""
    history = {}  # (limit, key) -> sorted admitted times
    for event in sorted(items, key=lambda e: e["t"]):
        refusal = None
        for name in sorted(event["limits"]):
            if name not in LIVE_POLICY:
                continue
            times = history.get((name, event["limits"][name]), [])
            for bucket, maximum, interval in LIVE_POLICY[name]:
                inside = bisect.bisect_right(times, event["t"]) - bisect.bisect_right(times, event["t"] - interval)
                if inside >= maximum:
                    refusal = {"bucket": bucket, "limit": name}
                    break
            if refusal:
                break
        event["blockedBy"] = refusal
        if refusal is None:
            for name in event["limits"]:
                if name in LIVE_POLICY:
                    bisect.insort(history.setdefault((name, event["limits"][name]), []), event["t"])


# Lines moved a few places. Five moves swap an admitted and a refused send of one key one to three lines apart, so
# that replaying in file order instead of time order changes decisions; the rest are anywhere.
apply_live_policy(events)
touched = set()


def swap(i, j):
    if events[i]["t"] == events[j]["t"] or any(k in touched for k in range(i - 2, j + 3)):
        return False
    events[i], events[j] = events[j], events[i]
    touched.update(range(i, j + 1))
    return True


candidates = []
for i in range(2, len(events) - 6):
    for j in range(i + 1, i + 4):
        shared = [n for n in events[i]["limits"] if events[j]["limits"].get(n) == events[i]["limits"][n]]
        if shared and (events[i]["blockedBy"] is None) != (events[j]["blockedBy"] is None):
            candidates.append((i, j))
moved = 0
while moved < 5:
    moved += swap(*rng.choice(candidates))
while lines_out_of_order(events) < 20:
    i = rng.randrange(2, len(events) - 6)
    swap(i, i + rng.randint(1, 3))

# What the live policy did to each send, as recorded.
apply_live_policy(events)

# ---------------------------------------------------------------------------------------------------------------
# Records

seen_ids = set()
records = []
last_t = max(e["t"] for e in events)
for event in events:
    while True:
        request_id = "OTP%032x" % rng.getrandbits(128)
        if request_id not in seen_ids:
            seen_ids.add(request_id)
            break
    t = event["t"]
    record = {"accountSid": ACCOUNT_SID, "limits": dict(sorted(event["limits"].items())), "requestID": request_id,
              "to": event["to"], "uri": "/2fa/search/" + request_id}
    if rng.random() < 0.95:
        record["service"] = rng.choice(["acme-login", "acme-login", "acme-login", "acme-checkout"])
    if event["kind"] == "email":
        record["channel"], record["from"], first = "email", "no-reply@acme.example", "email"
    else:
        roll = rng.random()
        if roll < 0.6:
            record["channel"], record["from"], first = "sms", "ACME", "sms"
        elif roll < 0.7:
            record["channel"], record["from"], first = "call", "+41445550000", "call"
        else:
            record["workflow"], record["from"], first = "login", "ACME", "sms"
    attempts, verifies, updated = [], 0, t
    if event["blockedBy"]:
        status = "blocked"
        record["blockedBy"] = event["blockedBy"]
    else:
        delivered = "delivered" if rng.random() < 0.97 else "failed"
        attempts.append({"channel": first, "deliveryStatus": delivered, "sentAt": stamp(t)})
        if last_t - t < 600:
            status = "pending"
        else:
            status = rng.choices(["verified", "expired", "failed", "cancelled"], [80, 12, 5, 3])[0]
            if status == "verified":
                verifies, updated = rng.choice([1, 1, 1, 2]), t + rng.randint(8, 110)
            elif status == "expired":
                verifies, updated = rng.choice([0, 0, 1]), t + 600
            elif status == "failed":
                verifies, updated = 5, t + rng.randint(40, 300)
            else:
                updated = t + rng.randint(5, 50)
        # A workflow's second step (a call) goes out when the code is not used within 60 s.
        if "workflow" in record and status != "cancelled" and (status == "pending" and last_t - t > 60
                                                                  or status != "pending" and updated - t > 60):
            attempts.append({"channel": "call", "deliveryStatus": "delivered", "sentAt": stamp(t + 60)})
            updated = max(updated, t + 60)
    record.update({"attempts": attempts, "dateCreated": stamp(t), "dateUpdated": stamp(updated), "status": status,
                   "verifyAttempts": verifies})
    # Fields the API does not define, as a newer server might add.
    roll = rng.random()
    if roll < 0.04:
        record["region"] = rng.choice(["eu-central-1", "eu-west-1"])
    elif roll < 0.05:
        record["carrier"] = {"mcc": "228", "mnc": rng.choice(["01", "02", "03"]), "name": "Example Mobile"}
    records.append(dict(sorted(record.items())))

with open(os.path.join(HERE, "traffic.jsonl"), "w", encoding="utf-8", newline="\n") as out:
    for record in records:
        out.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")

with open(os.path.join(HERE, "traffic.csv"), "w", encoding="utf-8", newline="") as out:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["timestamp"] + LIMIT_NAMES)
    for record in records:
        writer.writerow([record["dateCreated"]] + [record["limits"].get(name, "") for name in LIMIT_NAMES])

num_pages = (len(records) + PAGE_SIZE - 1) // PAGE_SIZE
page = {
    "code": 200,
    "message": "OK",
    "nextPageUri": f"/2fa/search?page=1&pageSize={PAGE_SIZE}" if num_pages > 1 else None,
    "numPages": num_pages,
    "page": 0,
    "pageSize": PAGE_SIZE,
    "records": records[:PAGE_SIZE],
    "total": len(records),
}
with open(os.path.join(HERE, "traffic-page.json"), "w", encoding="utf-8", newline="\n") as out:
    out.write(json.dumps(page, indent=2, sort_keys=True, ensure_ascii=False) + "\n")

blocked = sum(1 for record in records if record["status"] == "blocked")
print(f"{len(records)} records ({scenario_count} from hot scenarios), {blocked} blocked by the live policy, "
      f"{lines_out_of_order(events)} lines out of time order")
