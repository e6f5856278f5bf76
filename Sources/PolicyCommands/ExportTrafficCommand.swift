import ArgumentParser
import Foundation
import MittoClient
import MittoWire
import PolicyModel
import PolicySimulation

/// `mitto-policy export-traffic`: the account's session records, every page, as the JSON lines `simulate` reads.
struct ExportTrafficCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-traffic",
        abstract: "Write the account's session records of a period to a file, for simulate --traffic.",
        discussion: """
            Reads every page of POST /2fa/search for the days --since to --until (a date YYYY-MM-DD, or an RFC 3339 \
            time to cut inside a day; --until defaults to now) and writes one record per line, oldest first, to \
            --out, which must not exist yet. Records hold no codes. The file holds the recipients (phone numbers, \
            e-mail addresses) and limit keys as recorded, so it is readable by its owner only: keep it where such \
            data may be kept.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("The first day (YYYY-MM-DD) or time (RFC 3339) to export.", valueName: "date"))
    var since: String

    @Option(help: ArgumentHelp("The last day (included) or time to export (default: now).", valueName: "date"))
    var until: String?

    @Option(help: ArgumentHelp("The file to write (JSON lines); it must not exist.", valueName: "file"))
    var out: String

    /// The most pages read beyond those the first page announced, while records keep arriving.
    static let extraPages = 100

    func validate() throws {
        let since = try Self.bound(self.since, option: "--since", endOfDay: false)
        if let until {
            let end = try Self.bound(until, option: "--until", endOfDay: true)
            guard since.time <= end.time else {
                throw ValidationError("--since \(self.since) is after --until \(until)")
            }
        }
    }

    func run(_ console: Console) async throws {
        let start = try Self.bound(since, option: "--since", endOfDay: false)
        let end = try until.map { try Self.bound($0, option: "--until", endOfDay: true) }
        guard !FileManager.default.fileExists(atPath: console.path(out)) else {
            throw CommandFailure("\(out) exists; remove it or choose another --out (nothing was read)")
        }
        let workspace = Workspace.resolve(paths: [], options: options, console: console)
        try workspace.requireUsable(noColor: options.noColor)
        let partial = out + ".partial"
        guard !FileManager.default.fileExists(atPath: console.path(partial)) else {
            throw CommandFailure(
                "\(partial) exists (an export that did not finish?); remove it first (nothing was read)")
        }
        // Owner-only: the records hold recipients' phone numbers and addresses.
        guard
            FileManager.default.createFile(
                atPath: console.path(partial), contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: console.path(partial))
        else {
            throw CommandFailure("cannot write \(partial): check that its folder exists and may be written")
        }
        let exported: Export
        do {
            exported = try await Target.with(workspace.environment, console: console) { api in
                try await Self.export(api, start: start, end: end, to: handle)
            }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: console.path(partial))
            if let failure = CommandFailure.reporting(error) { throw failure }
            throw CommandFailure("cannot write \(partial): \(error); nothing was written to \(out)")
        }
        do {
            try FileManager.default.moveItem(atPath: console.path(partial), toPath: console.path(out))
        } catch {
            throw CommandFailure("cannot move \(partial) to \(out): \(error); the records are in \(partial)")
        }
        let range = "\(start.text) to \(end?.text ?? "now")"
        console.error(
            "Exported \(exported.records) session record\(exported.records == 1 ? "" : "s") (\(range)) of "
                + "environment \(workspace.environment.name) to \(out), in \(exported.pages) "
                + "page\(exported.pages == 1 ? "" : "s").\n")
        if exported.records == 0 {
            console.error("mitto-policy: warning: no session records were found for \(range); the file is empty\n")
        }
        if exported.unreadable > 0 {
            console.error(
                "mitto-policy: warning: \(exported.unreadable) records had a dateCreated that is not an RFC 3339 time "
                    + "and were left out\n")
        }
        if exported.expired > 0 {
            console.error(
                "mitto-policy: warning: \(exported.expired) records left the account's retention while it was read, "
                    + "so some older ones may be missing; export again for a complete file\n")
        }
    }

    /// What an export read.
    struct Export: Sendable {
        var records = 0
        var pages = 0
        /// How many fewer records the account held at the end than at the start.
        var expired = 0
        /// Records left out because their time could not be read.
        var unreadable = 0
    }

    /// Reads every page, oldest first, writing the records inside the bounds as JSON lines.
    ///
    /// Pages are read until one is short, so records that arrive meanwhile are included; records are keyed by
    /// request id, so one seen twice (the pages shifted) is written once.
    private static func export(
        _ api: any MittoAPI, start: Bound, end: Bound?, to handle: FileHandle
    ) async throws -> Export {
        let encoder = WireCoding.makeEncoder()
        var seen = Set<String>()
        var export = Export()
        var firstTotal: Int?
        var lastTotal = 0
        var page = 0
        var announced = 1
        while page < announced + extraPages {
            let found = try await api.searchSessions(startDate: start.day, endDate: end?.day, page: page)
            export.pages += 1
            if firstTotal == nil {
                firstTotal = found.total
                announced = found.numPages
            }
            lastTotal = found.total
            var lines = Data()
            for record in found.items where seen.insert(record.requestID).inserted {
                guard let time = Timestamp.parse(record.dateCreated) else {
                    export.unreadable += 1
                    continue
                }
                guard time >= start.time, end.map({ time <= $0.time }) ?? true else { continue }
                lines.append(try encoder.encode(record))
                lines.append(0x0A)
                export.records += 1
            }
            try handle.write(contentsOf: lines)
            if found.items.count < found.pageSize { break }
            page += 1
        }
        export.expired = max(0, (firstTotal ?? 0) - lastTotal)
        return export
    }

    /// One end of the period: the day the API filters by, and the exact time kept.
    struct Bound: Sendable {
        var text: String
        var day: String
        var time: Double
    }

    /// `2026-11-20` (its first second, or for the end its last) or an RFC 3339 time.
    static func bound(_ text: String, option: String, endOfDay: Bool) throws -> Bound {
        let isDay = text.utf8.count == 10 && text.split(separator: "-").count == 3
        let time =
            isDay
            ? Timestamp.parse(text + "T00:00:00Z").map { $0 + (endOfDay ? 86_399.999 : 0) } : Timestamp.parse(text)
        guard let time else {
            throw ValidationError("\(option) \(text) is not a date (YYYY-MM-DD) or an RFC 3339 time")
        }
        return Bound(text: text, day: String(Timestamp.format(time.rounded(.down)).prefix(10)), time: time)
    }
}
