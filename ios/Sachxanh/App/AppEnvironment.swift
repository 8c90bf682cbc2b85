import Foundation
import SachxanhCore

/// The app's one store and what hangs off it: opened once, shared by the screens and the
/// background task.
@MainActor
final class AppEnvironment: ObservableObject {
    static let shared = AppEnvironment()

    enum Phase {
        case opening
        case ready(core: Sachxanh, sync: SyncController)
        case failed(message: Message)
    }

    @Published private(set) var phase: Phase = .opening

    let tokens: TokenStore = KeychainTokenStore()
    private let network = NetworkMonitor()

    private init() {}

    /// The sync controller once the store is open (the background task asks for it).
    var sync: SyncController? {
        if case .ready(_, let sync) = phase { return sync }
        return nil
    }

    private var opening: Task<Void, Never>?

    /// Opens the store once, off the main thread (migrations can take a moment on an old phone);
    /// the app's first screen and a background launch may both ask, and both wait for the same.
    func open() async {
        if let opening {
            await opening.value
            return
        }
        let task = Task { await self.openStore() }
        opening = task
        await task.value
    }

    private func openStore() async {
        let result = await runCore { () -> Sachxanh in
            let path = try AppEnvironment.storePath()
            // Encrypted at rest with a key the Keychain keeps; a store from before encryption
            // is encrypted in place on this first keyed open.
            let settings = DeviceSettings(
                serverUrl: Self.serverUrl, referenceGeojson: nil, photo: nil,
                storeKey: try KeychainStoreKey.forStore(at: path)
            )
            return try Sachxanh.open(path: path, settings: settings)
        }
        switch result {
        case .success(let core):
            let sync = SyncController(core: core)
            phase = .ready(core: core, sync: sync)
            // Wi-Fi is unmetered; mobile data, or a network iOS marks expensive or constrained
            // (a hotspot, Low Data Mode), is metered. The core decides what goes over which.
            network.start { connected, metered in
                sync.onNetworkChanged(!connected ? Network.none : (metered ? Network.metered : Network.unmetered))
            }
            watchLowPowerMode(sync)
        case .failure(let e):
            phase = .failed(message: e.message == Texts.unexpected ? Texts.storeFailed : e.message)
        }
    }

    private var powerObserver: NSObjectProtocol?

    /// Low Power Mode is the phone's battery saver: the core sends only records then.
    private func watchLowPowerMode(_ sync: SyncController) {
        sync.onBatterySaverChanged(ProcessInfo.processInfo.isLowPowerModeEnabled)
        powerObserver = NotificationCenter.default.addObserver(
            forName: .NSProcessInfoPowerStateDidChange,
            object: nil,
            queue: .main
        ) { _ in
            let on = ProcessInfo.processInfo.isLowPowerModeEnabled
            Task { @MainActor in sync.onBatterySaverChanged(on) }
        }
    }

    /// The server, from Info.plist (`SachxanhServerURL`, set per build configuration).
    nonisolated static var serverUrl: String {
        (Bundle.main.object(forInfoDictionaryKey: "SachxanhServerURL") as? String) ?? "http://127.0.0.1:8080"
    }

    /// Application Support/sachxanh/store.db: readable after the first unlock so that background
    /// sync works with the phone locked, and left out of iCloud backups because it holds
    /// households' personal data (Decree 13/2023) and a restored copy could not sync anyway
    /// (the token stays on the old phone).
    nonisolated static func storePath() throws -> String {
        let fm = FileManager.default
        var dir = try fm.url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
            .appendingPathComponent("sachxanh", isDirectory: true)
        try fm.createDirectory(
            at: dir,
            withIntermediateDirectories: true,
            attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication]
        )
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try dir.setResourceValues(values)
        return dir.appendingPathComponent("store.db").path
    }
}
