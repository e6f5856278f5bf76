import MittoClient
import PolicySimulation

/// How a command ends other than with success: the one error commands throw.
///
/// Commands never print an error or exit themselves; ``MittoPolicy/run(_:console:)`` prints `message` (as
/// `mitto-policy: error: …` on standard error) and returns `status`, so what a command says and how it exits are
/// decided in one place and a test sees both.
struct CommandFailure: Error, Equatable {
    /// Said on standard error; nil when the command already showed why (a drift report, validation errors).
    var message: String?
    /// The exit status.
    var status: Int32

    /// A failure said in one line; exit status 1.
    init(_ message: String) {
        self.message = message
        status = 1
    }

    private init(message: String?, status: Int32) {
        self.message = message
        self.status = status
    }

    /// An exit status alone: what it means was already shown (drift 2, a failed apply 1, an interrupt 130).
    static func exit(_ status: Int32) -> CommandFailure {
        CommandFailure(message: nil, status: status)
    }

    /// The failure an error from the layers below stands for, when it is one the user is told as is: an API or
    /// transport failure, an unusable target. Nil for the others.
    static func reporting(_ error: any Error) -> CommandFailure? {
        switch error {
        case let failure as CommandFailure: failure
        case let error as MittoAPIError: CommandFailure(error.description)
        case let error as Target.Failure: CommandFailure(error.description)
        default: nil
        }
    }
}
