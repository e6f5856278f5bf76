import Foundation
import MittoWire

extension HTTPMittoAPI {
    /// Creates a resource without ever repeating a POST blindly.
    ///
    /// A POST is sent again freely while every failure surely did nothing (429, 503, no connection made). After a
    /// failure that may have created the object (a lost answer, a timeout, another 5xx), every further POST is
    /// preceded by a lookup of the exact name: an object with the fields sent is the result, one with other fields
    /// is a conflict. Attempts are bounded by the retry policy; when they run out after an ambiguous failure, a
    /// last lookup settles what it can, and the error is `isOutcomeUnknown` otherwise.
    func create<Resource: PolicyResource>(
        _ type: Resource.Type, _ policy: Resource.Policy, name: String, body: some Encodable & Sendable
    ) async throws(MittoAPIError) -> Resource {
        let path = Resource.collectionPath
        let data = try encode(body, .POST, path)
        var schedule = RetrySchedule(policy: retryPolicy)
        var ambiguous: MittoAPIError.Reason?
        while true {
            if let ambiguous, let found = try await settle(type, policy, name: name, after: ambiguous) {
                return found
            }
            schedule.attempts += 1
            switch await attemptOnce(.POST, path, bodyData: data) {
            case .success(let status, let bytes):
                return Resource.unwrap(try decode(Resource.Envelope.self, from: bytes, status: status, .POST, path))
            case .failure(let failure):
                if failure.mayHaveTakenEffect { ambiguous = failure.reason }
                // After an ambiguous attempt, a 409 may be that attempt's own object, stored after the lookup.
                let nameTakenSinceLookup: Bool
                if case .status(409, _, _) = failure.reason {
                    nameTakenSinceLookup = ambiguous != nil
                } else {
                    nameTakenSinceLookup = false
                }
                guard failure.reason.isRetryable || nameTakenSinceLookup else {
                    throw MittoAPIError(
                        method: "POST", path: path, reason: failure.reason, isOutcomeUnknown: ambiguous != nil
                    )
                }
                do {
                    try await pause(after: failure, schedule, .POST, path, isOutcomeUnknown: ambiguous != nil)
                } catch {
                    if let ambiguous, case .retriesExhausted = error.reason,
                        let found = try await settle(type, policy, name: name, after: ambiguous)
                    {
                        return found
                    }
                    throw error
                }
            }
        }
    }

    /// After an ambiguous POST: the object of exactly that name if it has the fields sent, nil when there is none,
    /// and a conflict when the object has other fields.
    private func settle<Resource: PolicyResource>(
        _ type: Resource.Type, _ policy: Resource.Policy, name: String, after ambiguous: MittoAPIError.Reason
    ) async throws(MittoAPIError) -> Resource? {
        let path = Resource.collectionPath
        let named: [Resource]
        do {
            // The search's name filter is not trusted to be exact or unique.
            named = try await listAll(type, name: name).filter { $0.name == name }
        } catch {
            throw MittoAPIError(
                method: "POST", path: path, reason: .unconfirmed(last: ambiguous, check: error.description),
                isOutcomeUnknown: true
            )
        }
        if let same = named.first(where: { $0.policy == policy }) {
            logger.info(
                "create answer lost; the lookup found the object", metadata: ["path": "\(path)", "sid": "\(same.sid)"]
            )
            return same
        }
        if let other = named.first {
            throw MittoAPIError(
                method: "POST", path: path,
                reason: .conflict(
                    "a \(Resource.noun) named '\(name)' exists (\(other.sid)) with other fields than were sent: "
                        + "someone else made or changed it"
                ),
                isOutcomeUnknown: false
            )
        }
        logger.info("create answer lost; nothing of the name exists, sending again", metadata: ["path": "\(path)"])
        return nil
    }
}
