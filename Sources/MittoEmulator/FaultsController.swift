import Foundation
import MittoWire

/// `/_emulator/faults`: lets a test in another process inject failures into its own later requests.
///
/// A fault belongs to the account that added it: it fires only on requests authenticated as that account, and
/// `DELETE` clears only that account's faults, so neither another account nor a sub-account can reach them.
struct FaultsController: Sendable {
    let faults: FaultInjector

    static let knownFields = ["method", "path", "status", "retryAfter", "delay", "when", "times"]

    var routes: [Route] {
        [
            Route(method: .post, pattern: "/_emulator/faults") { request in
                let fault = try Self.read(request.body)
                await faults.add(fault, for: request.account.account.sid)
                return .payload(StatusEnvelope(code: 200, message: "OK"))
            },
            Route(method: .delete, pattern: "/_emulator/faults") { request in
                await faults.clear(for: request.account.account.sid)
                return .payload(StatusEnvelope(code: 200, message: "OK"))
            },
        ]
    }

    /// The fault in `body`, or a 400 with one detail per problem.
    static func read(_ body: WireValue?) throws -> FaultInjector.Fault {
        guard let body else { throw APIError(.badRequest, "A fault body is required") }
        guard case .object(let pairs) = body else {
            throw invalid([ErrorDetail(field: "", problem: "must be an object, got \(body.typeName)")])
        }
        let unknown = pairs.map(\.key).filter { !knownFields.contains($0) }
        guard unknown.isEmpty else {
            throw invalid(unknown.map { ErrorDetail(field: $0, problem: "is not a known field") })
        }
        let fault: FaultInjector.Fault
        do {
            fault = try WireCoding.makeDecoder().decode(FaultInjector.Fault.self, from: Data(body.jsonText.utf8))
        } catch let error as DecodingError {
            throw invalid([detail(error)])
        }
        let problems = fault.problems
        guard problems.isEmpty else { throw invalid(problems) }
        return fault
    }

    private static func invalid(_ details: [ErrorDetail]) -> APIError {
        APIError(
            .badRequest, "Invalid fault: \(details.count) problem\(details.count == 1 ? "" : "s")", details: details
        )
    }

    private static func detail(_ error: DecodingError) -> ErrorDetail {
        func field(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context):
            return ErrorDetail(field: field(context.codingPath + [key]), problem: "is required")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let expected = type == String.self ? "a string" : type == Int.self ? "an integer" : "a number"
            return ErrorDetail(field: field(context.codingPath), problem: "must be \(expected)")
        case .dataCorrupted(let context):
            if context.codingPath.last?.stringValue == "when" {
                return ErrorDetail(field: "when", problem: "must be beforeHandling or afterHandling")
            }
            return ErrorDetail(field: field(context.codingPath), problem: context.debugDescription)
        @unknown default:
            return ErrorDetail(field: "", problem: "\(error)")
        }
    }
}
