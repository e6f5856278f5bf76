import Foundation
import PolicyModel
import PolicySimulation
import Testing

@Suite("Traffic files: JSON lines, a search page and CSV read alike; a bad line is named")
struct TrafficTests {
    static func parse(_ text: String, file: String = "traffic") throws(Traffic.Failure) -> Traffic {
        try Traffic.parse(Data(text.utf8), file: file)
    }

    /// What a replay reads of each event: its time and the limits it names.
    static func shape(_ traffic: Traffic) -> [String] {
        traffic.events.map { event in
            Timestamp.format(event.time) + " " + event.limits.map { "\($0.name)=\($0.key)" }.joined(separator: " ")
        }
    }

    static let expected = [
        "2026-11-20T08:00:00Z limit_on_ip=198.51.100.7 limit_on_phone=+41791234573",
        "2026-11-20T08:00:05Z limit_on_phone=+41791234573",
        "2026-11-20T08:00:05Z limit_on_ip=198.51.100.8",
    ]

    @Test("session records one per line: unknown fields ignored, out of order sorted, ties keep the file's order")
    func jsonLines() throws {
        let traffic = try Self.parse(
            """
            {"requestID":"OTP1","dateCreated":"2026-11-20T08:00:05Z","limits":{"limit_on_phone":"+41791234573"},"status":"pending","extra":[1,{"a":null}]}

            {"requestID":"OTP2","dateCreated":"2026-11-20T08:00:00Z","channel":"sms","to":"+41791234573","limits":{"limit_on_phone":"+41791234573","limit_on_ip":"198.51.100.7"}}
            {"timestamp":"2026-11-20T09:00:05+01:00","limits":{"limit_on_ip":"198.51.100.8"},"workflow":"login"}
            """)
        #expect(Self.shape(traffic) == Self.expected)
        #expect(traffic.events.map(\.line) == [3, 1, 4])
        #expect(traffic.events[0].channel == "sms" && traffic.events[2].workflow == "login")
    }

    @Test("a saved search page: its records array, wherever it sits among the page's fields")
    func searchPage() throws {
        let traffic = try Self.parse(
            """
            {
              "code": 200,
              "message": "OK",
              "records": [
                {"dateCreated": "2026-11-20T08:00:05Z", "limits": {"limit_on_phone": "+41791234573"}},
                {"dateCreated": "2026-11-20T08:00:00Z",
                 "limits": {"limit_on_ip": "198.51.100.7", "limit_on_phone": "+41791234573"}},
                {"dateCreated": "2026-11-20T08:00:05.000Z", "limits": {"limit_on_ip": "198.51.100.8"}}
              ],
              "page": 0, "pageSize": 50, "total": 3, "numPages": 1
            }
            """)
        #expect(Self.shape(traffic) == Self.expected)
        #expect(traffic.events.map(\.line) == [6, 5, 8])
    }

    @Test("a byte-order mark is skipped; a number of seconds is a time in JSON too")
    func markAndNumbers() throws {
        let traffic = try Self.parse(
            "\u{FEFF}{\"timestamp\":1795161600,\"limits\":{\"limit_on_ip\":\"198.51.100.7\",\"limit_on_phone\":\"+41791234573\"}}\n"
        )
        #expect(Self.shape(traffic) == [Self.expected[0]])
    }

    @Test("CSV: a timestamp column, then a column per limit; an empty cell names no key; quotes and CRLF")
    func csv() throws {
        let traffic = try Self.parse(
            "timestamp,limit_on_phone,limit_on_ip\r\n2026-11-20T08:00:05Z,+41791234573,\r\n"
                + "1795161600,\"+41791234573\",198.51.100.7\r\n2026-11-20 08:00:05Z,,\"198.51.100.8\"\r\n")
        #expect(Self.shape(traffic) == Self.expected)
        #expect(traffic.events.map(\.line) == [3, 2, 4])
    }

    @Test(
        "a malformed line is an error with its line number, never skipped",
        arguments: [
            (
                "{\"dateCreated\":\"2026-11-20T08:00:00Z\",\"limits\":{}}\n{\"dateCreated\":\"2026-11-20T08:00:01Z\",\n",
                "traffic:2: not a JSON record (column 39): expected a string"
            ),
            (
                "{\"dateCreated\":\"2026-11-20T08:00:00Z\"}\n{\"limits\":{\"a\":\"b\"}}\n",
                "traffic:2: the record has no dateCreated or timestamp"
            ),
            (
                "{\"dateCreated\":\"20 Nov 2026\"}\n",
                "traffic:1: '20 Nov 2026' is not an RFC 3339 time (years 1 to 9999) or seconds since 1970"
            ),
            (
                "{\"dateCreated\":\"2026-11-20T08:00:00Z\",\"limits\":{\"a\":7}}\n",
                "traffic:1: limits.a is not a string"
            ),
            (
                "timestamp,a\n2026-11-20T08:00:00Z,x\n2026-11-31T08:00:00Z,y\n",
                "traffic:3: '2026-11-31T08:00:00Z' is not an RFC 3339 time (years 1 to 9999) or seconds since 1970"
            ),
            ("timestamp,a\n2026-11-20T08:00:00Z,x,y\n", "traffic:2: 3 cells where the header has 2"),
            (
                "when,a\n",
                "traffic:1: not a traffic file: JSON lines, a JSON search page, or CSV whose header starts with 'timestamp' (found 'when')"
            ),
            (
                "{\"records\":[{\"dateCreated\":\"2026-11-20T08:00:00Z\"},\n{\"limits\":{}}]}",
                "traffic:2: record 2 of records: the record has no dateCreated or timestamp"
            ),
        ])
    func malformed(text: String, message: String) {
        #expect(throws: Traffic.Failure.self) { try Self.parse(text) }
        do {
            _ = try Self.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("a large file is read in two halves at once: the same events, and a bad line still named exactly")
    func largeFile() throws {
        let line =
            #"{"dateCreated":"2026-11-20T08:00:00Z","limits":{"limit_on_phone":"+41791234573"},"padding":"\#(String(repeating: "x", count: 200))"}"#
        let count = 6_000  // well over 1 MB
        var lines = Array(repeating: line, count: count)
        lines[count - 10] = #"{"dateCreated":"2026-11-20T08:00:00Z","limits":{"limit_on_phone":7}}"#
        #expect(throws: Traffic.Failure.self) { try Self.parse(lines.joined(separator: "\n")) }
        do {
            _ = try Self.parse(lines.joined(separator: "\n"))
        } catch {
            #expect(error.description == "traffic:\(count - 9): limits.limit_on_phone is not a string")
        }
        lines[count - 10] = line
        lines[3] = #"{"timestamp":"2026-11-20T07:00:00Z","limits":{}}"#
        let traffic = try Self.parse(lines.joined(separator: "\n"))
        #expect(traffic.events.count == count)
        #expect(traffic.events.first?.line == 4)
        #expect(traffic.events.last?.line == count)
    }

    @Test("a missing file says so")
    func missingFile() {
        do {
            _ = try Traffic.read(path: "/nonexistent/traffic.jsonl")
            Issue.record("read a missing file")
        } catch {
            #expect(error.description == "/nonexistent/traffic.jsonl: no such traffic file")
        }
    }

    @Test("RFC 3339 times: fractions, offsets, leap years; and formatted back in UTC")
    func timestamps() {
        #expect(Timestamp.parse("2026-11-20T08:15:02Z") == 1_795_162_502)
        #expect(Timestamp.parse("2026-11-20T09:15:02.250+01:00") == 1_795_162_502.25)
        #expect(Timestamp.parse("2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parse("2026-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-11-20T08:15:02") == nil)
        #expect(Timestamp.format(1_795_162_502) == "2026-11-20T08:15:02Z")
        #expect(Timestamp.format(1_795_162_502.25) == "2026-11-20T08:15:02.250Z")
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00Z")
    }
}
