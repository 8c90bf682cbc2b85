import Foundation
import SachxanhCore

/// A record waiting for a reviewer.
struct ReviewItem: Identifiable, Equatable {
    let id: String
    let kind: RecordKind
    let title: String
    let areaId: String?
    /// Awaiting review, or approved once and changed since.
    let status: ReviewStatus
    let inConflict: Bool
}

enum ReviewField: Hashable {
    case reason
}

/// A return or rejection being written: the author will read `reason` on their phone.
struct Deciding: Identifiable, Equatable {
    let item: ReviewItem
    let decision: Decision
    var reason = ""
    var id: String { item.id }
}

/// The last decision, for a short confirmation ("sent at the next sync").
struct Decided: Equatable {
    let item: ReviewItem
    let decision: Decision
}

/// A record's values as lines for the reviewer to read before deciding.
struct RecordPreview: Equatable {
    let lines: [(label: String, value: String)]

    static func == (a: RecordPreview, b: RecordPreview) -> Bool {
        a.lines.map(\.label) == b.lines.map(\.label) && a.lines.map(\.value) == b.lines.map(\.value)
    }
}

/// Commune staff on a phone: approve, return with a reason, or reject with a reason.
@MainActor
final class ReviewQueueViewModel: ObservableObject {
    /// empty: nothing waits for review on this phone (sync to fetch new submissions).
    @Published private(set) var state: UiState<[ReviewItem]> = .loading
    /// Only commune staff review; the entry is hidden for others, this is the guard.
    @Published private(set) var notAllowed = false
    @Published var deciding: Deciding?
    @Published private(set) var errors = FieldErrors<ReviewField>()
    @Published private(set) var saving = false
    @Published private(set) var lastDecided: Decided?
    /// A decision that failed for another reason than the form (storage, role).
    @Published private(set) var problem: String?
    @Published private(set) var previews: [String: RecordPreview] = [:]

    private let core: Sachxanh

    init(core: Sachxanh) {
        self.core = core
    }

    func refresh() async {
        let core = self.core
        let result = await runCore { () -> [ReviewItem]? in
            guard core.me()?.role == .communeStaff else { return nil }
            return try core.reviewQueue().map { r in
                ReviewItem(id: r.id, kind: r.kind, title: r.title, areaId: r.areaId, status: r.status, inConflict: r.inConflict)
            }
        }
        switch result {
        case .success(nil):
            notAllowed = true
            state = .empty
        case .success(let items?):
            notAllowed = false
            state = items.isEmpty ? .empty : .loaded(items)
        case .failure(let e):
            state = e.uiState()
        }
    }

    /// Loads what the reviewer reads before deciding, once per record.
    func preview(_ item: ReviewItem) async {
        guard previews[item.id] == nil else { return }
        let core = self.core
        if case .success(let p) = await runCore({ try RecordPreview.of(core: core, id: item.id, kind: item.kind) }) {
            previews[item.id] = p
        }
    }

    func approve(_ item: ReviewItem) async { await decide(item, .approved, reason: "") }

    /// Opens the reason box; the decision is made by `confirm`.
    func startReturn(_ item: ReviewItem) { startDeciding(item, .returned) }
    func startReject(_ item: ReviewItem) { startDeciding(item, .rejected) }

    private func startDeciding(_ item: ReviewItem, _ decision: Decision) {
        errors = FieldErrors()
        problem = nil
        deciding = Deciding(item: item, decision: decision)
    }

    func dismiss() {
        guard !saving else { return }
        deciding = nil
        errors = FieldErrors()
    }

    func confirm() async {
        guard let d = deciding else { return }
        await decide(d.item, d.decision, reason: d.reason)
    }

    private func decide(_ item: ReviewItem, _ decision: Decision, reason: String) async {
        guard !saving else { return }
        saving = true
        problem = nil
        let core = self.core
        // The review is pinned to the version on this phone: what the reviewer looked at.
        let result = await runCore { try core.review(recordId: item.id, decision: decision, reason: reason) }
        saving = false
        switch result {
        case .success:
            deciding = nil
            errors = FieldErrors()
            lastDecided = Decided(item: item, decision: decision)
            previews[item.id] = nil
            await refresh()
        case .failure(let e):
            if case .invalid(_, let problems) = e {
                errors = FieldErrors<ReviewField>.of(problems) { pathHead($0) == "reason" ? .reason : nil }
                if deciding == nil { deciding = Deciding(item: item, decision: decision, reason: reason) }
            } else {
                problem = e.message.text
            }
        }
    }
}

extension RecordPreview {
    /// Reads the record of a known kind. Blocking: call through `runCore`.
    static func of(core: Sachxanh, id: String, kind: RecordKind) throws -> RecordPreview {
        let yes = AppLanguage.isEnglish ? "yes" : "có"
        let no = AppLanguage.isEnglish ? "no" : "không"
        func yn(_ b: Bool) -> String { b ? yes : no }
        func t(_ key: String) -> String { NSLocalizedString(key, comment: "") }
        switch kind {
        case .household:
            let v = try core.household(id: id).value
            return RecordPreview(lines: [
                (t("household.head_name"), v.headName),
                (t("household.address"), v.address),
                (t("household.members"), String(v.members)),
                (t("common.note"), v.note),
            ])
        case .sortingCheck:
            let v = try core.sortingCheck(id: id).value
            let head = (try? core.household(id: v.householdId).value.headName) ?? v.householdId
            return RecordPreview(lines: [
                (t("sorting.household"), head),
                (t("sorting.date"), Days.display(v.checkDate)),
                (t("sorting.recyclable_sorted"), yn(v.recyclableSorted)),
                (t("sorting.food_sorted"), yn(v.foodSorted)),
                (t("sorting.other_sorted"), yn(v.otherSorted)),
                (t("sorting.hazardous_separated"), yn(v.hazardousSeparated)),
                (t("sorting.served_by_collection"), yn(v.servedByCollection)),
                (t("sorting.burning_seen"), yn(v.burningSeen)),
                (t("sorting.dumping_seen"), yn(v.dumpingSeen)),
                (t("common.note"), v.note),
            ])
        case .cleanup:
            let v = try core.cleanup(id: id).value
            let p = v.participants
            let total = UInt64(p.fatherlandFront) + UInt64(p.womensUnion) + UInt64(p.youthUnion)
                + UInt64(p.farmersUnion) + UInt64(p.veterans) + UInt64(p.residents) + UInt64(p.other)
            var work: [String] = []
            if v.work.sweeping { work.append(t("work.sweeping")) }
            if v.work.waterways { work.append(t("work.waterways")) }
            if v.work.drains { work.append(t("work.drains")) }
            if v.work.trees { work.append(t("work.trees")) }
            return RecordPreview(lines: [
                (t("cleanup.date"), Days.display(v.cleanupDate)),
                (t("cleanup.work"), work.joined(separator: ", ")),
                (t("cleanup.participants"), String(total)),
                (t("cleanup.waste_kg"), Numbers.kgText(v.wasteKg)),
                (t("cleanup.bags"), v.bags.map { String($0) } ?? ""),
                (t("cleanup.place_points"), String(v.place.coords.count)),
                (t("common.note"), v.note),
            ])
        case .covenant:
            let v = try core.covenant(id: id).value
            return RecordPreview(lines: [
                (t("covenant.status"), NSLocalizedString(CovenantLabels.key(v.status), comment: "")),
                (t("covenant.clauses"), v.clauses.joined(separator: "\n")),
                (t("common.note"), v.note),
            ])
        // The core will gain record kinds: the reviewer still sees the list's title.
        default:
            return RecordPreview(lines: [])
        }
    }
}

/// Localisation keys of the covenant ladder, shared by the list, the editor and the preview.
enum CovenantLabels {
    static func key(_ s: CovenantStatus) -> String {
        switch s {
        case .notStarted: return "covenant.status.not_started"
        case .drafting: return "covenant.status.drafting"
        case .consultation: return "covenant.status.consultation"
        case .approved: return "covenant.status.approved"
        case .inForce: return "covenant.status.in_force"
        }
    }
}
