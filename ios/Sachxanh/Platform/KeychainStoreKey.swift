import Foundation
import Security

/// The key of the phone's encrypted store: 32 random bytes made by the core on the first start,
/// kept in the Keychain (readable after the first unlock, so background sync works with the
/// phone locked; never carried to another phone by a backup) and passed to the core at every
/// open. Should the Keychain lose it, the old store can never be read again: it is moved aside
/// and a new one starts, rather than the app failing on every start.
enum KeychainStoreKey {
    private static let query: [String: Any] = [
        kSecClass as String: kSecClassGenericPassword,
        kSecAttrService as String: "vn.sachxanh.store-key",
        kSecAttrAccount as String: "store-key",
    ]

    static func forStore(at path: String) throws -> Data {
        var read = query
        read[kSecReturnData as String] = true
        read[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        if SecItemCopyMatching(read as CFDictionary, &item) == errSecSuccess, let key = item as? Data, key.count == 32 {
            return key
        }
        // No key, but an encrypted store: it belonged to a key that is gone.
        if FileManager.default.fileExists(atPath: path), !isPlain(path) {
            let aside = ".unreadable-\(Int(Date().timeIntervalSince1970))"
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: path + aside + suffix)
            }
        }
        let key = newStoreKey()
        var add = query
        add[kSecValueData as String] = key
        add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        SecItemDelete(query as CFDictionary)
        let status = SecItemAdd(add as CFDictionary, nil)
        guard status == errSecSuccess else { throw KeychainError(status: status) }
        return key
    }

    /// A store from before encryption (SQLite's plain header): the new key encrypts it in place.
    private static func isPlain(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return handle.readData(ofLength: 15) == Data("SQLite format 3".utf8)
    }
}
