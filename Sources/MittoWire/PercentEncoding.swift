import Foundation

/// The URL escaping both sides of the wire use for path segments and query values.
public enum PercentEncoding {
    /// `text` with everything but letters, digits and `- . _ ~` written as `%XX`, for query strings and paths.
    public static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? text
    }
}
