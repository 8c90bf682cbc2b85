// swift-tools-version:5.9
// The Rust core for the iOS app: the XCFramework built by bindings/swift/build-xcframework.sh
// (the static library and its C header) and the generated Swift bindings over it, as one
// library. SwiftPM only accepts paths inside the package, so prepare.sh copies both in from
// bindings/swift; the copies are not committed (see .gitignore).
import PackageDescription

let package = Package(
    name: "SachxanhKit",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "SachxanhCore", targets: ["SachxanhCore"]),
    ],
    targets: [
        // The module the generated Swift imports (`import SachxanhCoreFFI`), from the
        // XCFramework's module map.
        .binaryTarget(name: "SachxanhCoreFFI", path: "SachxanhCoreFFI.xcframework"),
        .target(
            name: "SachxanhCore",
            dependencies: ["SachxanhCoreFFI"],
            path: "Sources/SachxanhCore",
            linkerSettings: [
                // A static library does not carry its link directives to the app: chrono's time
                // zone lookup (iana-time-zone) calls CoreFoundation.
                .linkedFramework("CoreFoundation"),
            ]
        ),
    ]
)
