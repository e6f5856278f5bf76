/// A resource that list endpoints return, naming the JSON key its list is under.
public protocol ListedResource: Codable, Hashable, Sendable {
    /// `limits` or `workflows`.
    static var listKey: String { get }
}

extension LimitResource: ListedResource {
    /// Limits are listed under `limits`.
    public static var listKey: String { "limits" }
}

extension WorkflowResource: ListedResource {
    /// Workflows are listed under `workflows`.
    public static var listKey: String { "workflows" }
}

/// The paging rules every list endpoint shares.
public enum Paging {
    /// Page size when the request names none.
    public static let defaultPageSize = 50
    /// The largest page size a request may ask for.
    public static let maxPageSize = 1_000
}

/// One page of a search: the items and where the next page is.
public struct SearchPage<Item: ListedResource>: Hashable, Sendable, Codable {
    /// Always 200.
    public var code: Int
    /// Always `OK`.
    public var message: String
    /// The items on this page.
    public var items: [Item]
    /// This page's number, 0-based.
    public var page: Int
    /// The page size used.
    public var pageSize: Int
    /// Items across all pages.
    public var total: Int
    /// How many pages there are.
    public var numPages: Int
    /// The path and query of the next page, `null` on the last.
    public var nextPageUri: String?

    /// Creates a page.
    public init(items: [Item], page: Int, pageSize: Int, total: Int, numPages: Int, nextPageUri: String?) {
        self.code = 200
        self.message = "OK"
        self.items = items
        self.page = page
        self.pageSize = pageSize
        self.total = total
        self.numPages = numPages
        self.nextPageUri = nextPageUri
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { self.stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        self.code = try container.decode(Int.self, forKey: Key("code"))
        self.message = try container.decode(String.self, forKey: Key("message"))
        self.items = try container.decode([Item].self, forKey: Key(Item.listKey))
        self.page = try container.decode(Int.self, forKey: Key("page"))
        self.pageSize = try container.decode(Int.self, forKey: Key("pageSize"))
        self.total = try container.decode(Int.self, forKey: Key("total"))
        self.numPages = try container.decode(Int.self, forKey: Key("numPages"))
        self.nextPageUri = try container.decodeIfPresent(String.self, forKey: Key("nextPageUri"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(code, forKey: Key("code"))
        try container.encode(message, forKey: Key("message"))
        try container.encode(items, forKey: Key(Item.listKey))
        try container.encode(page, forKey: Key("page"))
        try container.encode(pageSize, forKey: Key("pageSize"))
        try container.encode(total, forKey: Key("total"))
        try container.encode(numPages, forKey: Key("numPages"))
        try container.encode(nextPageUri, forKey: Key("nextPageUri"))
    }
}
