import Foundation
import SachxanhCore

/// The enrolment screen: type or scan the one-time code staff handed out, once per phone. It also
/// decides at start whether the phone is enrolled already (token in the Keychain, person in the
/// store): `loaded(person)` means go on to the home screen.
@MainActor
final class EnrolViewModel: ObservableObject {
    /// loading: checking at start, or enrolling; empty: waiting for a code; loaded: enrolled;
    /// error: the last refusal (the code stays for correcting); offline: the server could not be
    /// reached (the code stays for another try).
    @Published private(set) var state: UiState<PersonInfo> = .loading
    @Published var code: String = ""

    private let core: Sachxanh
    private let tokens: TokenStore

    init(core: Sachxanh, tokens: TokenStore) {
        self.core = core
        self.tokens = tokens
    }

    var canSubmit: Bool {
        if state.isLoading { return false }
        return !code.trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// At app start. The store remembers the person; the token lives in the Keychain. Both are
    /// needed.
    func restore() async {
        let core = self.core
        let tokens = self.tokens
        let restored = await runCore { () -> PersonInfo? in
            guard let token = tokens.read(), let person = core.me() else { return nil }
            core.setToken(token: token)
            return person
        }
        switch restored {
        case .success(let person?): state = .loaded(person)
        case .success(nil): state = .empty
        case .failure(let e): state = .error(message: e.message.text)
        }
    }

    /// The token was revoked (or lost): ask for a new code, keeping what is on the phone.
    func enrolAgain(message: UserText?) {
        code = ""
        state = message.map { .error(message: $0.text) } ?? .empty
    }

    /// A scanned QR code: fills the code and enrols, or says the QR code is something else.
    func onScanned(_ payload: String) {
        guard !state.isLoading else { return }
        guard let scanned = EnrolCode.fromQr(payload) else {
            state = .error(message: Texts.notAnEnrolmentQr.text)
            return
        }
        code = scanned
        Task { await submit() }
    }

    func submit() async {
        let typed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !typed.isEmpty else {
            state = .error(message: Texts.emptyCode.text)
            return
        }
        // A typed code in any case, with or without dashes, is sent as staff printed it.
        let normalized = EnrolCode.normalize(typed) ?? typed
        state = .loading
        let core = self.core
        let tokens = self.tokens
        let result = await runCore { () -> PersonInfo in
            let enrolled = try core.enrol(code: normalized)
            try tokens.write(enrolled.token)
            return enrolled.person
        }
        switch result {
        case .success(let person): state = .loaded(person)
        case .failure(let e): state = e.uiState()
        }
    }
}

/// Enrolment codes as staff hand them out: `K7QM-3XPA-TW`, on paper or as a QR code.
enum EnrolCode {
    /// The server's alphabet: no 0/O, 1/I/L, so a code read aloud is typed right.
    private static let alphabet = Set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    private static let length = 10

    /// The code in a QR payload: the bare code, or a link carrying it as `code=` (for example
    /// `sachxanh://enrol?code=K7QM-3XPA-TW`). `nil` for anything else, so a shop's QR code
    /// scanned by mistake is not sent to the server.
    static func fromQr(_ payload: String) -> String? {
        let text = payload.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.contains("://") || text.hasPrefix("sachxanh:") {
            guard let item = URLComponents(string: text)?.queryItems?.first(where: { $0.name == "code" }),
                  let value = item.value else { return nil }
            return normalize(value)
        }
        return normalize(text)
    }

    /// `XXXX-XXXX-XX` when `text` holds exactly a code's letters (case, spaces, dashes ignored).
    static func normalize(_ text: String) -> String? {
        let c = text.filter { $0.isLetter || $0.isNumber }.uppercased()
        guard c.count == length, c.allSatisfy({ alphabet.contains($0) }) else { return nil }
        let chars = Array(c)
        return String(chars[0..<4]) + "-" + String(chars[4..<8]) + "-" + String(chars[8...])
    }
}
