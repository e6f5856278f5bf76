import Foundation
import MittoWire

extension HTTPMittoAPI {
    /// How many times a listing is read from the start when the account changed while it was read.
    static let listReads = 3
    /// How many pages after the first are read at once.
    static let pageReadsAtOnce = 4

    /// Every object of the account (of `name`, when given) across all pages, in the server's order.
    ///
    /// Pages are read by offset, so a create or delete by someone else between two page reads can shift an object
    /// onto a page already read (listed twice) or off the one about to be read (missed). A read whose pages do not
    /// agree (a sid seen twice, `total` changing, fewer or more objects than `total`) is started again, up to
    /// `listReads` times, and then fails with a conflict saying the account kept changing.
    func listAll<Item: PolicyResource>(_ type: Item.Type, name: String? = nil) async throws(MittoAPIError) -> [Item] {
        var problem = ""
        for read in 1...Self.listReads {
            let first = try await listPage(type, page: 0, name: name)
            let pageCount = try checkedPageCount(first)
            let rest = pageCount > 1 ? try await pages(type, 1..<pageCount, name: name) : []
            let pages = [first] + rest
            guard let found = Self.inconsistency(in: pages) else { return pages.flatMap(\.items) }
            problem = found
            logger.info(
                "the account changed while it was listed; reading again",
                metadata: ["path": "\(Item.searchPath)", "read": "\(read)", "problem": "\(found)"]
            )
        }
        throw MittoAPIError(
            method: "GET", path: Item.searchPath,
            reason: .conflict(
                "the account kept changing during the read (\(Self.listReads) reads, the last: \(problem)); "
                    + "try again when nobody else is changing it"
            )
        )
    }

    /// The first page's `numPages`, once it is seen to fit its `total` and `pageSize`.
    private func checkedPageCount<Item: PolicyResource>(_ first: SearchPage<Item>) throws(MittoAPIError) -> Int {
        let expected = first.pageSize > 0 ? (first.total + first.pageSize - 1) / first.pageSize : -1
        guard first.numPages == expected || (first.total == 0 && (0...1).contains(first.numPages)) else {
            throw MittoAPIError(
                method: "GET", path: Item.searchPath,
                reason: .invalidResponse(
                    status: 200,
                    reason: "numPages \(first.numPages) does not fit total \(first.total) at pageSize \(first.pageSize)"
                )
            )
        }
        return first.numPages
    }

    /// Pages `numbers`, at most `pageReadsAtOnce` at a time, in order.
    ///
    /// The concurrent tasks only fetch bytes; pages are decoded here, as they arrive, while the others are read.
    /// (Tasks that decode a generic page and throw a typed error crash this compiler's builds.)
    private func pages<Item: PolicyResource>(
        _ type: Item.Type, _ numbers: Range<Int>, name: String?
    ) async throws(MittoAPIError) -> [SearchPage<Item>] {
        var read = [SearchPage<Item>?](repeating: nil, count: numbers.count)
        var failure: MittoAPIError?
        await withTaskGroup(
            of: (page: Int, path: String, answer: Result<(status: Int, body: Data), MittoAPIError>).self
        ) {
            group in
            var waiting = numbers.makeIterator()
            func start(_ page: Int) {
                let path = pagePath(type, page: page, name: name)
                group.addTask { (page, path, await fetch(path)) }
            }
            for _ in 0..<Self.pageReadsAtOnce {
                guard let page = waiting.next() else { break }
                start(page)
            }
            while let (page, path, answer) = await group.next() {
                do throws(MittoAPIError) {
                    let (status, body) = try answer.get()
                    read[page - numbers.lowerBound] = try decode(
                        SearchPage<Item>.self, from: body, status: status, .GET, path)
                } catch {
                    failure = error
                    group.cancelAll()
                    return
                }
                if let page = waiting.next() { start(page) }
            }
        }
        if let failure { throw failure }
        return read.compactMap { $0 }
    }

    /// One GET, its failure as a value.
    private func fetch(_ path: String) async -> Result<(status: Int, body: Data), MittoAPIError> {
        do throws(MittoAPIError) {
            return .success(try await sendForBody(.GET, path))
        } catch {
            return .failure(error)
        }
    }

    /// What shows that the pages were not read from one state of the account, or nil when they agree.
    static func inconsistency<Item: PolicyResource>(in pages: [SearchPage<Item>]) -> String? {
        guard let total = pages.first?.total else { return nil }
        if let changed = pages.first(where: { $0.total != total }) {
            return "the total went from \(total) to \(changed.total) between pages"
        }
        var seen: Set<String> = []
        for item in pages.lazy.flatMap(\.items) where !seen.insert(item.sid).inserted {
            return "\(Item.noun) \(item.sid) was listed twice"
        }
        if seen.count != total { return "\(seen.count) \(Item.noun)s were listed of a total of \(total)" }
        return nil
    }

    private func listPage<Item: PolicyResource>(
        _ type: Item.Type, page: Int, name: String?
    ) async throws(MittoAPIError) -> SearchPage<Item> {
        try await send(.GET, pagePath(type, page: page, name: name), as: SearchPage<Item>.self)
    }

    private func pagePath<Item: PolicyResource>(_ type: Item.Type, page: Int, name: String?) -> String {
        var query = ["page=\(page)", "pageSize=\(Paging.maxPageSize)"]
        if let name { query.append("name=\(PercentEncoding.encode(name))") }
        if let subAccountSid { query.append("accountSid=\(PercentEncoding.encode(subAccountSid))") }
        return Item.searchPath + "?" + query.joined(separator: "&")
    }
}
