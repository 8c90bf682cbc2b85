import Foundation
import Network

/// Tells the sync controller when the network comes and goes, so what waits is sent as soon as
/// there is a signal (Android: ConnectivityManager). It reports a plain Bool so that this file,
/// which imports Apple's `Network` module, never names the app's `Network` enum.
final class NetworkMonitor {
    private let monitor = NWPathMonitor()
    private let queue = DispatchQueue(label: "vn.sachxanh.network")

    func start(onChange: @escaping @MainActor (_ connected: Bool) -> Void) {
        monitor.pathUpdateHandler = { path in
            let connected = path.status == .satisfied
            Task { @MainActor in onChange(connected) }
        }
        monitor.start(queue: queue)
    }

    func stop() {
        monitor.cancel()
    }
}
