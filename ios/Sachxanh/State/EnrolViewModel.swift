import Foundation
import SachxanhCore

enum EnrolUiState: Equatable {
    /// App start: looking for a token kept from an earlier enrolment.
    case checking

    /// Typing (or after a scan) the one-time code; `error` is the last problem, if any.
    case entering(code: String = "", error: Message? = nil)

    case enrolling(code: String)

    /// The server could not be reached; the code is kept for another try.
    case offline(code: String, message: Message)

    case enrolled(PersonInfo)

    /// The code as typed, in every state that has one.
    var code: String {
        switch self {
        case .entering(let code, _), .enrolling(let code), .offline(let code, _): return code
        case .checking, .enrolled: return ""
        }
    }

    var canSubmit: Bool {
        if case .entering(let code, _) = self { return !code.isBlank }
        if case .offline = self { return true }
        return false
    }
}

/// The enrolment screen: type or scan the one-time code staff handed out, once per phone. The
/// core reads the code (case, spaces and dashes do not matter) and says what is wrong with it
/// before anything is sent.
@MainActor
final class EnrolViewModel: ObservableObject {
    @Published private(set) var state: EnrolUiState = .checking

    private let core: Sachxanh
    private let tokens: TokenStore
    /// The token was refused (revoked, or the phone changed hands): forget it and ask for a new
    /// code instead of going home with a token the server no longer accepts.
    private let startOver: Bool

    init(core: Sachxanh, tokens: TokenStore, startOver: Bool = false) {
        self.core = core
        self.tokens = tokens
        self.startOver = startOver
        Task { [weak self] in await self?.restore() }
    }

    private func restore() async {
        // The store remembers the person; the token lives in the Keychain. Both are needed.
        let core = self.core
        let tokens = self.tokens
        let startOver = self.startOver
        let restored = await runCore { () -> PersonInfo? in
            if startOver { tokens.clear() }
            guard let token = tokens.read(), let person = core.me() else { return nil }
            core.setToken(token: token)
            return person
        }
        switch restored {
        case .success(let person?): state = .enrolled(person)
        case .success(nil): state = .entering()
        case .failure(let e): state = .entering(error: e.message)
        }
    }

    func onCodeChanged(_ text: String) {
        switch state {
        case .entering, .offline: state = .entering(code: text)
        default: break
        }
    }

    /// A scanned QR code: fills the code and enrols, or says the QR code is something else.
    func onScanned(_ payload: String) {
        switch state {
        case .enrolling, .enrolled: return
        default: break
        }
        guard let code = enrolmentCodeFromQr(payload: payload) else {
            let typed: String
            if case .entering(let c, _) = state { typed = c } else { typed = "" }
            state = .entering(code: typed, error: Texts.notAnEnrolmentQr)
            return
        }
        state = .entering(code: code)
        submit()
    }

    /// Sends the code; a code the core cannot read is said at once, with no network.
    func submit() {
        let typed: String
        switch state {
        case .entering(let c, _), .offline(let c, _): typed = c
        default: return
        }
        let code: String
        do {
            code = try parseEnrolmentCode(text: typed)
        } catch {
            state = .entering(code: typed, error: CoreError(error).words())
            return
        }
        state = .enrolling(code: typed)
        let core = self.core
        let tokens = self.tokens
        Task {
            let result = await runCore { () -> PersonInfo in
                let enrolled = try core.enrol(code: code)
                try tokens.write(enrolled.token)
                return enrolled.person
            }
            switch result {
            case .success(let person): state = .enrolled(person)
            case .failure(.offline(let m)): state = .offline(code: typed, message: m)
            case .failure(let e): state = .entering(code: typed, error: e.words())
            }
        }
    }
}
