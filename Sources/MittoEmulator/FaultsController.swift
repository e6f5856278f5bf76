import Foundation
import MittoWire

/// `/_emulator/faults`: lets a test in another process inject failures into later requests.
struct FaultsController: Sendable {
    let faults: FaultInjector

    var routes: [Route] {
        [
            Route(method: .post, pattern: "/_emulator/faults") { request in
                guard let body = request.body else { throw APIError(.badRequest, "A fault body is required") }
                let fault: FaultInjector.Fault
                do {
                    fault = try WireCoding.makeDecoder().decode(
                        FaultInjector.Fault.self, from: Data(body.jsonText.utf8)
                    )
                } catch {
                    throw APIError(.badRequest, "Invalid fault: \(error)")
                }
                if let problem = fault.problem { throw APIError(.badRequest, "Invalid fault: \(problem)") }
                await faults.add(fault)
                return .payload(StatusEnvelope(code: 200, message: "OK"))
            },
            Route(method: .delete, pattern: "/_emulator/faults") { _ in
                await faults.clear()
                return .payload(StatusEnvelope(code: 200, message: "OK"))
            },
        ]
    }
}
