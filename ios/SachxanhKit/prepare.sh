#!/usr/bin/env bash
# Copies the core's XCFramework and generated Swift bindings into this Swift package, where
# SwiftPM can see them. Run after bindings/swift/build-xcframework.sh, and again whenever the
# bindings are regenerated; XcodeGen runs it before generating the project (project.yml).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
swift_dir="$here/../../bindings/swift"
framework="$swift_dir/SachxanhCore.xcframework"
if [ ! -d "$framework" ]; then
  echo "prepare.sh: $framework is missing; run bindings/swift/build-xcframework.sh first (on a Mac)" >&2
  exit 1
fi
rm -rf "$here/SachxanhCoreFFI.xcframework" "$here/Sources/SachxanhCore"
cp -R "$framework" "$here/SachxanhCoreFFI.xcframework"
mkdir -p "$here/Sources/SachxanhCore"
cp "$swift_dir/Sources/SachxanhCore.swift" "$here/Sources/SachxanhCore/SachxanhCore.swift"
echo "SachxanhKit is ready: $(basename "$framework") and SachxanhCore.swift copied in."
