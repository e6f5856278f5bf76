import NIOCore
import NIOHTTPTypes

/// Why a request's body stopped being read: the whole request did not arrive within the read timeout.
struct RequestReadTimeout: Error {}

/// Gives each request a deadline from its head to its last body byte, so a body dribbled a byte at a time cannot
/// hold a connection open for ever (the idle timeout only sees whether bytes arrive, not how fast).
///
/// When the deadline passes, the request stream fails with `RequestReadTimeout`: a handler reading the body answers
/// 408, and the server then closes the connection instead of waiting for the rest.
final class RequestReadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                deadline = nil
                context.fireErrorCaught(RequestReadTimeout())
            }
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
