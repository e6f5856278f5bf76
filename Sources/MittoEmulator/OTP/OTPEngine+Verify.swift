import Foundation
import GRDB
import HTTPTypes
import LimitEngine
import MittoWire
import PolicyModel

/// Verify and cancel: a pending session's code checked, or the session ended.
extension OTPEngine {
    func verify(requestID: String, code: String, caller: String) async throws -> (HTTPResponse.Status, VerifyResponse) {
        let now = environment.now()
        let candidate = hasher.hash(code)
        return try await transaction { db, changed in
            var session = try self.visibleSession(requestID, caller: caller, now: now, in: db, changed: &changed)
            let attemptsBefore = session.attempts.count
            switch session.status {
            case .pending:
                if constantTimeEquals(candidate, session.codeHash) {
                    session.status = .verified
                    session.verifyAttempts += 1
                    session.dateUpdated = now
                    session.nextMessageAt = nil
                    self.queue.drop(requestID)
                    try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
                    changed.append(session)
                    return (
                        .ok, VerifyResponse(code: 200, message: "Verified", requestID: requestID, status: .verified)
                    )
                }
                session.verifyAttempts += 1
                session.dateUpdated = now
                let remaining = session.maxAttempts - session.verifyAttempts
                if remaining <= 0 {
                    session.status = .failed
                    session.nextMessageAt = nil
                    self.queue.drop(requestID)
                    try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
                    changed.append(session)
                    return (
                        .tooManyRequests,
                        VerifyResponse(
                            code: 429, message: "Wrong code; no attempts left", requestID: requestID, status: .failed)
                    )
                }
                try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
                return (
                    .badRequest,
                    VerifyResponse(
                        code: 400, message: "Wrong code", requestID: requestID, status: .pending,
                        attemptsRemaining: remaining
                    )
                )
            case .verified:
                return (
                    .conflict,
                    VerifyResponse(code: 409, message: "Already verified", requestID: requestID, status: .verified)
                )
            case .expired, .cancelled:
                return (
                    .gone,
                    VerifyResponse(
                        code: 410, message: "The request is \(session.status.rawValue)", requestID: requestID,
                        status: session.status)
                )
            case .failed:
                return (
                    .tooManyRequests,
                    VerifyResponse(code: 429, message: "No attempts left", requestID: requestID, status: .failed)
                )
            case .blocked:
                return (
                    .conflict,
                    VerifyResponse(
                        code: 409, message: "The request was blocked by a limit; no code was sent",
                        requestID: requestID, status: .blocked)
                )
            }
        }
    }

    func cancel(requestID: String, caller: String) async throws -> (HTTPResponse.Status, VerifyResponse) {
        let now = environment.now()
        return try await transaction { db, changed in
            var session = try self.visibleSession(requestID, caller: caller, now: now, in: db, changed: &changed)
            guard session.status == .pending else {
                return (
                    .conflict,
                    VerifyResponse(
                        code: 409, message: "The request is \(session.status.rawValue), not pending",
                        requestID: requestID, status: session.status)
                )
            }
            let attemptsBefore = session.attempts.count
            session.status = .cancelled
            session.nextMessageAt = nil
            session.dateUpdated = now
            self.queue.drop(requestID)
            try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
            changed.append(session)
            return (.ok, VerifyResponse(code: 200, message: "Cancelled", requestID: requestID, status: .cancelled))
        }
    }
}
