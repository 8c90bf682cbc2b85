import CoreLocation
import Foundation

/// One GPS fix on request, for the cleanup's place and a household's location. When-in-use only:
/// nothing is tracked in the background.
@MainActor
final class LocationProvider: NSObject, ObservableObject {
    struct Fix: Equatable {
        let lon: Double
        let lat: Double
        /// Metres; the person judges whether to wait for a better fix.
        let accuracyM: Double?
    }

    enum Failure: Error, Equatable {
        case denied
        case unavailable
    }

    @Published private(set) var authorization: CLAuthorizationStatus = .notDetermined
    @Published private(set) var locating = false

    private let manager = CLLocationManager()
    private var waiting: [CheckedContinuation<Fix, Error>] = []

    override init() {
        super.init()
        authorization = manager.authorizationStatus
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyNearestTenMeters
    }

    var denied: Bool { authorization == .denied || authorization == .restricted }

    /// Asks for permission when needed, then for one fix.
    func currentFix() async throws -> Fix {
        if denied { throw Failure.denied }
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<Fix, Error>) in
            waiting.append(c)
            guard waiting.count == 1 else { return }
            locating = true
            if authorization == .notDetermined {
                manager.requestWhenInUseAuthorization()
            } else {
                manager.requestLocation()
            }
        }
    }

    private func finish(_ result: Result<Fix, Error>) {
        let all = waiting
        waiting = []
        locating = false
        for c in all { c.resume(with: result) }
    }

    fileprivate func authorizationChanged(_ status: CLAuthorizationStatus) {
        authorization = status
        guard !waiting.isEmpty else { return }
        switch status {
        case .authorizedWhenInUse, .authorizedAlways: manager.requestLocation()
        case .denied, .restricted: finish(.failure(Failure.denied))
        default: break
        }
    }

    fileprivate func located(_ location: CLLocation?) {
        guard let location else {
            finish(.failure(Failure.unavailable))
            return
        }
        let accuracy = location.horizontalAccuracy >= 0 ? location.horizontalAccuracy : nil
        finish(.success(Fix(lon: location.coordinate.longitude, lat: location.coordinate.latitude, accuracyM: accuracy)))
    }

    fileprivate func failed() {
        finish(.failure(Failure.unavailable))
    }
}

// The delegate is called on the main thread (the manager was made there); the methods are
// nonisolated to satisfy the protocol and hop back onto the main actor.
extension LocationProvider: CLLocationManagerDelegate {
    nonisolated func locationManagerDidChangeAuthorization(_ manager: CLLocationManager) {
        let status = manager.authorizationStatus
        Task { @MainActor in self.authorizationChanged(status) }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        let last = locations.last
        Task { @MainActor in self.located(last) }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        Task { @MainActor in self.failed() }
    }
}
