// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mitto-policy",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mitto-policy", targets: ["mitto-policy"]),
        .executable(name: "mitto-emulator", targets: ["mitto-emulator"]),
        .library(name: "MittoEmulator", targets: ["MittoEmulator"]),
        .library(name: "MittoClient", targets: ["MittoClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibYAML", path: "Sources/CLibYAML", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "YAMLNodes", dependencies: ["CLibYAML"]),
        .target(name: "PolicyModel"),
        .target(name: "MittoWire", dependencies: ["PolicyModel"]),
        .target(name: "LimitEngine", dependencies: ["PolicyModel"]),
        .target(
            name: "PolicyManifest", dependencies: ["PolicyModel", "YAMLNodes"],
            resources: [
                .copy("Resources/manifest.schema.json"), .copy("Resources/project.schema.json"),
                .copy("Resources/plan.schema.json"),
            ]
        ),
        .target(
            name: "MittoClient",
            dependencies: [
                "MittoWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "MittoEmulator",
            dependencies: [
                "MittoWire",
                "YAMLNodes",
                "LimitEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/mitto-2fa.openapi.yaml")]
        ),
        .target(
            name: "EmulatorCommand",
            dependencies: [
                "MittoEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "mitto-emulator", dependencies: ["EmulatorCommand"]),
        .target(name: "PolicyPlanner", dependencies: ["PolicyModel"]),
        .target(name: "PolicyApplier", dependencies: ["PolicyPlanner", "MittoClient"]),
        .target(
            name: "PolicySimulation", dependencies: ["LimitEngine", "PolicyModel", "PolicyPlanner", "MittoWire"]),
        .target(
            name: "PolicyRendering",
            dependencies: ["PolicyModel", "PolicyPlanner", "PolicyApplier", "PolicySimulation"]
        ),
        .target(
            name: "PolicyCommands",
            dependencies: [
                "PolicyManifest", "PolicyRendering", "PolicyPlanner", "PolicyApplier", "PolicySimulation",
                "MittoClient",
                "MittoEmulator",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "mitto-policy", dependencies: ["PolicyCommands", "CMalloc"]),
        .target(
            name: "MittoTestSupport",
            dependencies: [
                "MittoEmulator", "MittoClient", "MittoWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/MittoTestSupport"
        ),
        .testTarget(name: "YAMLNodesTests", dependencies: ["YAMLNodes"]),
        .testTarget(name: "PolicyModelTests", dependencies: ["PolicyModel"]),
        .testTarget(name: "LimitEngineTests", dependencies: ["LimitEngine"]),
        .testTarget(name: "PolicySimulationTests", dependencies: ["PolicySimulation", "PolicyPlanner"]),
        .testTarget(name: "MittoWireTests", dependencies: ["MittoWire"]),
        .testTarget(
            name: "PolicyRenderingTests", dependencies: ["PolicyRendering", "PolicyManifest", "MittoTestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "PolicyCommandsTests",
            dependencies: ["PolicyCommands", "MittoTestSupport", "MittoClient", "MittoEmulator", "PolicyModel"],
            exclude: ["Golden", "Fixtures"]
        ),
        .testTarget(name: "PolicyPlannerTests", dependencies: ["PolicyPlanner"]),
        .testTarget(
            name: "PolicyApplierTests",
            dependencies: ["PolicyApplier", "MittoTestSupport", "MittoEmulator", "MittoWire"]
        ),
        .testTarget(
            name: "PolicyManifestTests",
            dependencies: ["PolicyManifest", "YAMLNodes", "MittoTestSupport"],
            exclude: ["Corpus"]
        ),
        .testTarget(name: "MittoClientTests", dependencies: ["MittoClient", "MittoTestSupport"]),
        .testTarget(
            name: "MittoEmulatorTests",
            dependencies: [
                "MittoEmulator", "MittoTestSupport", "YAMLNodes",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
