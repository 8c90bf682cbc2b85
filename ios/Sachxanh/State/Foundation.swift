import Foundation
import SachxanhCore

// The iOS twin of android/state/…/Foundation.kt: what every state holder shares. Nothing here
// knows a record kind, a field or a rule; those are the core's.

/// The language the app is showing: its resolved localisation (Vietnamese by default), not the
/// phone's.
enum AppLanguage {
    static var isEnglish: Bool { Bundle.main.preferredLocalizations.first?.hasPrefix("en") == true }
}

extension Message {
    /// The text in the person's language: Vietnamese is the app's default, English the other.
    func pick(english: Bool) -> String { english ? en : vi }

    /// The text in the language the app is showing.
    var text: String { pick(english: AppLanguage.isEnglish) }
}

extension String {
    /// Empty or only spaces (Kotlin's `isBlank`).
    var isBlank: Bool { trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
}

/// Where the shell keeps the device token: the iOS Keychain (the Android Keystore there), never a
/// plain file. The core only holds it in memory (`Sachxanh.setToken`).
protocol TokenStore: AnyObject, Sendable {
    func read() -> String?
    func write(_ token: String) throws
    func clear()
}

/// Which form to open: the payload of a navigation event (home's "new record" menu, a line of the
/// outbox, a household's "check it") and what a `RecordFormViewModel` is built from.
struct FormTarget: Hashable {
    let kind: RecordKind
    /// `nil` for a new record.
    var recordId: String? = nil
    /// The area a new record starts in; `nil`: the person's first area.
    var areaId: String? = nil
    /// A new record about this household (a sorting check started from the household).
    var householdId: String? = nil
}

/// What went wrong in a core call, reduced to what a screen decides on. Never a crash.
enum CoreError: Error, Equatable {
    /// What was given has mistakes; each of `problems` names its field.
    case invalid(Message, problems: [FieldProblem])
    /// No connection or no answer: nothing is lost, try again later.
    case offline(Message)
    /// The phone must be enrolled again (revoked or missing token).
    case notEnrolled(Message)
    case cancelled(Message)
    case notFound(Message)
    /// The server said no, for the reason `code` names.
    case refused(code: ErrorCode, Message)
    /// The phone's storage failed; what was saved before is safe.
    case storage(Message)
    /// Anything the bindings threw that is not an `ApiError`.
    case unexpected(Message)

    /// The one place that reads the bindings' errors.
    init(_ error: Error) {
        guard let api = error as? ApiError else {
            self = .unexpected(Texts.unexpected)
            return
        }
        switch api {
        case let .Invalid(reason, problems): self = .invalid(reason, problems: problems)
        case let .Offline(reason): self = .offline(reason)
        case let .NotEnrolled(reason): self = .notEnrolled(reason)
        case let .Cancelled(reason): self = .cancelled(reason)
        case let .NotFound(reason): self = .notFound(reason)
        case let .Server(code, reason): self = .refused(code: code, reason)
        case let .Storage(reason): self = .storage(reason)
        }
    }

    /// The core's words, in both languages.
    var message: Message {
        switch self {
        case .invalid(let m, _), .offline(let m), .notEnrolled(let m), .cancelled(let m),
             .notFound(let m), .refused(_, let m), .storage(let m), .unexpected(let m):
            return m
        }
    }

    /// The words to show for a failure: an invalid input's own problems when the core names them.
    func words() -> Message {
        if case .invalid(_, let problems) = self, !problems.isEmpty {
            return Message(
                vi: problems.map(\.message.vi).joined(separator: "; "),
                en: problems.map(\.message.en).joined(separator: "; ")
            )
        }
        return message
    }
}

/// Lets a value cross from the worker back to the main actor; the bindings' records are plain
/// values, only not marked Sendable for compilers before Swift 6.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
}

/// Runs a blocking core call off the main actor and turns its errors into a `CoreError`: the FFI
/// is synchronous (SQLite, HTTP), so it must never run on the UI thread, and its errors are
/// values for the screen (Kotlin's `io.core { … }`).
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

/// A core enum's code as its `Choice` lists and the catalogue carry it (`Shape.polygon` ↔
/// `"polygon"`, `ReviewStatus.awaitingReview` ↔ `"awaiting_review"`): the bindings name each
/// case after the Rust variant the code is made from (Kotlin's `Enum.code()`). For enums without
/// associated values.
func coreCode<E>(_ value: E) -> String {
    var out = ""
    for ch in String(describing: value) {
        if ch.isUppercase {
            out += "_" + ch.lowercased()
        } else {
            out.append(ch)
        }
    }
    return out
}

/// The case of `all` whose code is `code` (Kotlin's `enumOfCode`). Swift cannot list a plain
/// enum's cases from another module, so the caller names them (see Places.swift).
func enumOfCode<E>(_ code: String?, in all: [E]) -> E? {
    guard let code else { return nil }
    return all.first { coreCode($0) == code }
}

/// How the core writes a day in a form and reads it back (DD/MM/YYYY): a day picked in the
/// calendar is written so, and the calendar opens on the day the field holds. The core reads
/// and judges the text; this never does.
enum DayText {
    private static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.calendar = Calendar(identifier: .gregorian)
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = .current
        f.dateFormat = "dd/MM/yyyy"
        return f
    }()

    static func text(_ date: Date) -> String { formatter.string(from: date) }

    /// Only to place the calendar; `nil` starts it on today.
    static func date(_ text: String) -> Date? { formatter.date(from: text.trimmingCharacters(in: .whitespaces)) }
}

/// The few texts the state layer words itself: about the phone and the app, never about the
/// campaign's data (those come from the core).
enum Texts {
    static let unexpected = Message(
        vi: "Đã xảy ra lỗi không mong muốn; dữ liệu đã lưu không bị ảnh hưởng",
        en: "Something unexpected went wrong; saved data is not affected"
    )
    static let notAnEnrolmentQr = Message(
        vi: "Mã QR này không phải mã đăng ký Sạch Xanh",
        en: "This QR code is not a Sạch Xanh enrolment code"
    )
    static let photoAlreadyAdded = Message(
        vi: "Ảnh này đã có trong hồ sơ",
        en: "This photo is already in the record"
    )
    static let noNetwork = Message(
        vi: "Không có mạng; dữ liệu vẫn được giữ trên máy và sẽ gửi khi có mạng",
        en: "No network; your data stays on the phone and will be sent when there is a connection"
    )
    /// iOS only: the store could not be opened at app start (Android opens it in Application).
    static let storeFailed = Message(
        vi: "Không mở được dữ liệu trên máy",
        en: "The data on this phone could not be opened"
    )
}
