import Foundation
import Network

/// Tells the sync controller when the network comes and goes, so what waits is sent as soon as
/// there is a signal (Android: ConnectivityManager). It reports plain Bools so that this file,
/// which imports Apple's `Network` module, never names the core's `Network` enum.
final class NetworkMonitor {
    private let monitor = NWPathMonitor()
    private let queue = DispatchQueue(label: "vn.sachxanh.network")

    /// `metered`: mobile data, or a path iOS marks expensive (a hotspot) or constrained (Low
    /// Data Mode).
    func start(onChange: @escaping @MainActor (_ connected: Bool, _ metered: Bool) -> Void) {
        monitor.pathUpdateHandler = { path in
            let connected = path.status == .satisfied
            let metered = path.isExpensive || path.isConstrained
            Task { @MainActor in onChange(connected, metered) }
        }
        monitor.start(queue: queue)
    }

    func stop() {
        monitor.cancel()
    }
}
