import Foundation
import SachxanhCore

/// What a screen shows while it works: the same five cases on every screen. The app works
/// without signal, so `offline` is only for what cannot be done on the phone alone (enrolment);
/// elsewhere lists stay readable and the sync line says the network is down.
enum UiState<Value> {
    case loading
    case empty
    case loaded(Value)
    case error(message: String)
    case offline(message: String)

    var value: Value? {
        if case .loaded(let v) = self { return v }
        return nil
    }

    var isLoading: Bool {
        if case .loading = self { return true }
        return false
    }
}

/// Text shown to a person: Vietnamese first (the app's default language), English second.
struct UserText: Equatable, Hashable {
    let vi: String
    let en: String

    /// The text in the language the app is showing (its resolved localisation, not the phone's).
    var text: String { AppLanguage.isEnglish ? en : vi }
}

enum AppLanguage {
    static var isEnglish: Bool { Bundle.main.preferredLocalizations.first?.hasPrefix("en") == true }
}

/// What went wrong in a core call, reduced to what a screen decides on. Never a crash.
enum CoreError: Error, Equatable {
    /// The form has mistakes; `problems` go under their fields.
    case invalid(UserText, problems: [FieldProblem])
    /// No connection or no answer: nothing is lost, try again later.
    case offline(UserText)
    /// The phone must be enrolled again (revoked or missing token).
    case notEnrolled(UserText)
    case cancelled(UserText)
    case notFound(UserText)
    /// The server said no; `code` is stable (e.g. `bad_code`, `forbidden`).
    case refused(code: String, UserText)
    /// The phone's storage failed; what was saved before is safe.
    case storage(UserText)
    /// Anything the bindings threw that is not an `ApiError`.
    case unexpected(UserText)

    init(_ error: Error) {
        guard let api = error as? ApiError else {
            self = .unexpected(Texts.unexpected)
            return
        }
        switch api {
        case let .Invalid(vi, en, problems): self = .invalid(UserText(vi: vi, en: en), problems: problems)
        case let .Offline(vi, en): self = .offline(UserText(vi: vi, en: en))
        case let .NotEnrolled(vi, en): self = .notEnrolled(UserText(vi: vi, en: en))
        case let .Cancelled(vi, en): self = .cancelled(UserText(vi: vi, en: en))
        case let .NotFound(vi, en): self = .notFound(UserText(vi: vi, en: en))
        case let .Server(code, vi, en): self = .refused(code: code, UserText(vi: vi, en: en))
        case let .Storage(vi, en): self = .storage(UserText(vi: vi, en: en))
        // The core may gain error kinds: say something true rather than fail to build or crash.
        default: self = .unexpected(Texts.unexpected)
        }
    }

    var message: UserText {
        switch self {
        case .invalid(let m, _), .offline(let m), .notEnrolled(let m), .cancelled(let m),
             .notFound(let m), .refused(_, let m), .storage(let m), .unexpected(let m):
            return m
        }
    }

    /// The screen state for a failed load: offline is its own case, the rest is an error.
    func uiState<Value>() -> UiState<Value> {
        if case .offline(let m) = self { return .offline(message: m.text) }
        return .error(message: message.text)
    }
}

/// Lets a value cross from the worker back to the main actor; the bindings' records are plain
/// values, only not marked Sendable for compilers before Swift 6.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
}

/// Runs a blocking core call off the main actor and turns its errors into a `CoreError`: the FFI
/// is synchronous (SQLite, HTTP), so it must never run on the UI thread.
func runCore<T>(_ work: @escaping @Sendable () throws -> T) async -> Result<T, CoreError> {
    let box = await Task.detached(priority: .userInitiated) { () -> UncheckedSendable<Result<T, CoreError>> in
        do {
            return UncheckedSendable(value: .success(try work()))
        } catch {
            return UncheckedSendable(value: .failure(CoreError(error)))
        }
    }.value
    return box.value
}

/// Core field problems placed under form fields. A path the form does not know stays visible in
/// `general`, so a rule added to the core later is still shown, just not under a field.
struct FieldErrors<Field: Hashable>: Equatable {
    var byField: [Field: UserText] = [:]
    var general: [UserText] = []

    subscript(_ field: Field) -> UserText? { byField[field] }

    var isEmpty: Bool { byField.isEmpty && general.isEmpty }

    /// Adds a problem found while reading the form's text (a count that is not a number).
    func with(_ field: Field, _ text: UserText) -> FieldErrors {
        var copy = self
        copy.byField[field] = text
        return copy
    }

    /// Clears one field's problem (it was just fixed, e.g. a good photo after a bad one).
    func without(_ field: Field) -> FieldErrors {
        var copy = self
        copy.byField[field] = nil
        return copy
    }

    /// `fieldOf` maps the core's path (`members`, `participants.youth_union`) to a form field.
    static func of(_ problems: [FieldProblem], fieldOf: (String) -> Field?) -> FieldErrors {
        var out = FieldErrors()
        for p in problems {
            let text = UserText(vi: p.messageVi, en: p.messageEn)
            if let field = fieldOf(p.field) {
                // Several rules broken under one field: show them all, in order.
                if let before = out.byField[field] {
                    out.byField[field] = UserText(vi: "\(before.vi); \(text.vi)", en: "\(before.en); \(text.en)")
                } else {
                    out.byField[field] = text
                }
            } else {
                out.general.append(text)
            }
        }
        return out
    }
}

/// The first segment of a core field path: `participants.youth_union` → `participants`.
func pathHead(_ path: String) -> String {
    String(path.split(separator: ".", maxSplits: 1).first ?? Substring(path))
}

/// Reading numbers typed on a phone keyboard, before the core judges their values.
enum Numbers {
    /// A count; blank is zero where the form allows it. `nil` when it is not a whole number.
    static func count(_ text: String, blankIsZero: Bool = true) -> UInt32? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return blankIsZero ? 0 : nil }
        return UInt32(t)
    }

    /// Kilograms: Vietnamese keyboards type a decimal comma ("12,5").
    static func kg(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        guard let v = Double(t), v.isFinite else { return nil }
        return v
    }

    /// Shows a number as the form's text again, with the decimal comma.
    static func kgText(_ value: Double?) -> String {
        guard let value else { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value).replacingOccurrences(of: ".", with: ",")
    }

    static func countText(_ value: UInt32) -> String { value == 0 ? "" : String(value) }
}

/// Calendar days as the core stores them (`YYYY-MM-DD`), in the phone's time zone.
enum Days {
    private static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.calendar = Calendar(identifier: .gregorian)
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = .current
        f.dateFormat = "yyyy-MM-dd"
        return f
    }()

    static func iso(_ date: Date) -> Day { formatter.string(from: date) }

    static func date(_ day: Day?) -> Date? {
        guard let day, !day.isEmpty else { return nil }
        return formatter.date(from: day)
    }

    /// A day as a person reads it (`23/11/2025` in Vietnamese).
    static func display(_ day: Day) -> String {
        guard let d = date(day) else { return day }
        return d.formatted(date: .numeric, time: .omitted)
    }
}

/// The few texts the state layer writes itself; everything else comes from the core or from
/// Localizable.strings.
enum Texts {
    static let unexpected = UserText(
        vi: "Đã xảy ra lỗi không mong muốn; dữ liệu đã lưu không bị ảnh hưởng",
        en: "Something unexpected went wrong; saved data is not affected"
    )
    static let notANumber = UserText(vi: "Hãy nhập một số", en: "Enter a number")
    static let notAWholeNumber = UserText(vi: "Hãy nhập một số nguyên", en: "Enter a whole number")
    static let emptyCode = UserText(vi: "Hãy nhập hoặc quét mã đăng ký", en: "Type or scan the enrolment code")
    static let notAnEnrolmentQr = UserText(
        vi: "Mã QR này không phải mã đăng ký Sạch Xanh",
        en: "This QR code is not a Sạch Xanh enrolment code"
    )
    static let photoAlreadyAdded = UserText(vi: "Ảnh này đã có trong hồ sơ", en: "This photo is already in the record")
    static let noNetwork = UserText(
        vi: "Không có mạng; dữ liệu vẫn được giữ trên máy và sẽ gửi khi có mạng",
        en: "No network; your data stays on the phone and will be sent when there is a connection"
    )
    static let storeFailed = UserText(
        vi: "Không mở được dữ liệu trên máy",
        en: "The data on this phone could not be opened"
    )
}
