import HTTPTypes

/// The two response bodies the API speaks.
enum ResponseFormat: Sendable {
    case json
    case xml

    /// Takes a `.json` or `.xml` suffix off the path's last segment; without one, `Accept` decides.
    static func negotiate(path: String, accept: String?) -> (path: String, format: ResponseFormat) {
        if path.hasSuffix(".json") { return (String(path.dropLast(5)), .json) }
        if path.hasSuffix(".xml") { return (String(path.dropLast(4)), .xml) }
        guard let accept = accept?.lowercased() else { return (path, .json) }
        let wantsXML = accept.contains("application/xml") || accept.contains("text/xml")
        return (path, wantsXML && !accept.contains("application/json") ? .xml : .json)
    }

    var contentType: String {
        switch self {
        case .json: "application/json; charset=utf-8"
        case .xml: "application/xml; charset=utf-8"
        }
    }
}
