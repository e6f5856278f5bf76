import Foundation

/// The OpenAPI 3.1 description of everything the emulator serves; `schemas/mitto-2fa.openapi.yaml` links to the
/// bundled file, so there is one copy.
public enum OpenAPIDocument {
    /// The document's text, as bundled with the emulator.
    public static let text: String = {
        guard let url = Bundle.module.url(forResource: "mitto-2fa.openapi", withExtension: "yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            return "openapi: 3.1.0\ninfo: {title: Mitto 2FA API (document missing from this build), version: '0'}\n"
        }
        return text
    }()

    static var routes: [Route] {
        [
            Route(method: .get, pattern: "/2fa/openapi.yaml", requiresAuth: false) { _ in
                .raw(contentType: "application/yaml; charset=utf-8", body: text)
            }
        ]
    }
}
