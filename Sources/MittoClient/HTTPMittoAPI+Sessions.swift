import Foundation
public import MittoWire

extension HTTPMittoAPI {
    /// One page (0-based) of the session detail records created on the days `startDate` to `endDate`
    /// (`YYYY-MM-DD`, both included; nil: unbounded), oldest first, through `POST /2fa/search`.
    public func searchSessions(startDate: String?, endDate: String?, page: Int) async throws(MittoAPIError)
        -> SearchPage<SessionDetailRecord>
    {
        let body = SessionSearchBody(
            startDate: startDate, endDate: endDate, page: page, pageSize: Paging.maxPageSize,
            accountSid: subAccountSid)
        // A search changes nothing, so it is retried like a GET although it is a POST.
        let path = "/2fa/search"
        let data = try encode(body, .POST, path)
        let (status, bytes) = try await sendForBody(.POST, path, bodyData: data)
        return try decode(SearchPage<SessionDetailRecord>.self, from: bytes, status: status, .POST, path)
    }
}

/// The filters `POST /2fa/search` takes that an export uses.
private struct SessionSearchBody: Encodable {
    var startDate: String?
    var endDate: String?
    var page: Int
    var pageSize: Int
    var accountSid: String?
}
