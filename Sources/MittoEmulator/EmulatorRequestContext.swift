public import Hummingbird
public import NIOCore

/// The request context of the emulator: Hummingbird's core storage plus the peer address the IP allowlist checks.
public struct EmulatorRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The connection's remote address, nil when the transport has none (router tests).
    public let remoteAddress: SocketAddress?

    /// Creates the context for a request arriving on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
