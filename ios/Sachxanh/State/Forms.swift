import Foundation
import SachxanhCore

/// Where the device token is kept: the iOS Keychain (the Android Keystore there), never a plain
/// file. The core only holds it in memory (`Sachxanh.setToken`).
protocol TokenStore: AnyObject, Sendable {
    func read() -> String?
    func write(_ token: String) throws
    func clear()
}

/// A record saved on the phone (and sent for review if `submitted`): it goes out at the next sync.
struct SavedRecord: Equatable {
    let id: String
    let submitted: Bool
}

/// Where an opened record stands, shown above its form.
struct RecordStanding: Equatable {
    /// `nil` for a new record.
    var recordId: String?
    var status: ReviewStatus?
    /// Why staff returned or rejected it, shown while fixing it.
    var reviewerReason: String?
    var conflicts: [Conflict] = []

    static let new = RecordStanding(recordId: nil, status: nil, reviewerReason: nil)
}

/// The save path every form shares: create or update on the phone, then (if asked) submit for
/// review, as one step for the person. Returns the record's id.
func saveRecord(
    core: Sachxanh,
    existingId: String?,
    submit: Bool,
    create: @escaping @Sendable () throws -> String,
    update: @escaping @Sendable (String) throws -> Void
) async -> Result<String, CoreError> {
    await runCore {
        let id: String
        if let existingId {
            try update(existingId)
            id = existingId
        } else {
            id = try create()
        }
        if submit { try core.submit(id: id) }
        return id
    }
}
