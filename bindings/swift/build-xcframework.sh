#!/usr/bin/env bash
# Builds SachxanhCore.xcframework for the iOS app. Needs a Mac with Xcode and the Rust targets:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
# Run from anywhere; the framework lands in bindings/swift/SachxanhCore.xcframework.
# (Swift cannot be compiled on the Linux machine the project is developed on; this script is
# checked there only for shell syntax.)
set -euo pipefail
cd "$(dirname "$0")/../.."
for t in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
  cargo build --locked --release -p sachxanh-ffi --target "$t"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/headers"
cp bindings/swift/Sources/SachxanhCoreFFI.h "$work/headers/"
# The module map must be called module.modulemap inside an XCFramework's headers.
cp bindings/swift/Sources/SachxanhCoreFFI.modulemap "$work/headers/module.modulemap"
mkdir -p "$work/sim"
lipo -create \
  target/aarch64-apple-ios-sim/release/libsachxanh_ffi.a \
  target/x86_64-apple-ios/release/libsachxanh_ffi.a \
  -output "$work/sim/libsachxanh_ffi.a"
rm -rf bindings/swift/SachxanhCore.xcframework
xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/release/libsachxanh_ffi.a -headers "$work/headers" \
  -library "$work/sim/libsachxanh_ffi.a" -headers "$work/headers" \
  -output bindings/swift/SachxanhCore.xcframework
echo "bindings/swift/SachxanhCore.xcframework is ready; add it with Sources/SachxanhCore.swift to the app's Swift package."
