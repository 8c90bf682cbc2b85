import SachxanhCore
import SwiftUI

/// The five states every screen shares; `content` draws the loaded value.
struct StateView<Value, Content: View>: View {
    let state: UiState<Value>
    let emptyKey: LocalizedStringKey
    var retry: (() async -> Void)?
    @ViewBuilder let content: (Value) -> Content

    var body: some View {
        switch state {
        case .loading:
            ProgressView().frame(maxWidth: .infinity, maxHeight: .infinity)
        case .empty:
            MessageView(systemImage: "tray", text: Text(emptyKey), retry: nil)
        case .loaded(let value):
            content(value)
        case .error(let message):
            MessageView(systemImage: "exclamationmark.triangle", text: Text(message), retry: retry)
        case .offline(let message):
            MessageView(systemImage: "wifi.slash", text: Text(message), retry: retry)
        }
    }
}

struct MessageView: View {
    let systemImage: String
    let text: Text
    let retry: (() async -> Void)?

    var body: some View {
        VStack(spacing: 12) {
            Image(systemName: systemImage).font(.largeTitle).foregroundStyle(.secondary)
            text.multilineTextAlignment(.center)
            if let retry {
                Button("common.retry") { Task { await retry() } }
                    .buttonStyle(.bordered)
            }
        }
        .padding()
        .frame(maxWidth: .infinity, maxHeight: .infinity)
    }
}

/// A problem under a form field.
struct FieldMessage: View {
    let text: UserText?

    var body: some View {
        if let text {
            Text(text.text).font(.footnote).foregroundStyle(.red)
        }
    }
}

/// Problems the form could not place under a field, and failures that are not about the form.
struct GeneralErrors<Field: Hashable>: View {
    let errors: FieldErrors<Field>

    var body: some View {
        if !errors.general.isEmpty {
            Section {
                ForEach(errors.general, id: \.self) { m in
                    Label(m.text, systemImage: "exclamationmark.circle").foregroundStyle(.red)
                }
            }
        }
    }
}

/// A number typed on the phone's keypad, kept as text until saved (so "12," is not lost).
struct NumberField: View {
    let titleKey: LocalizedStringKey
    @Binding var text: String
    var decimal = false

    var body: some View {
        HStack {
            Text(titleKey)
            Spacer()
            TextField("0", text: $text)
                .keyboardType(decimal ? .decimalPad : .numberPad)
                .multilineTextAlignment(.trailing)
                .frame(maxWidth: 120)
        }
    }
}

/// A date that may not be known yet (a covenant's stages).
struct OptionalDateRow: View {
    let titleKey: LocalizedStringKey
    @Binding var date: Date?

    var body: some View {
        if let value = date {
            HStack {
                DatePicker(
                    titleKey,
                    selection: Binding(get: { value }, set: { date = $0 }),
                    in: ...Date(),
                    displayedComponents: .date
                )
                Button {
                    date = nil
                } label: {
                    Image(systemName: "xmark.circle.fill").foregroundStyle(.secondary)
                }
                .buttonStyle(.borderless)
                .accessibilityLabel(Text("common.clear"))
            }
        } else {
            Button {
                date = Date()
            } label: {
                HStack {
                    Text(titleKey).foregroundStyle(.primary)
                    Spacer()
                    Text("common.add_date")
                }
            }
        }
    }
}

/// Above a form: where the record stands, the reviewer's reason, values in conflict.
struct StandingSection: View {
    let standing: RecordStanding

    var body: some View {
        if standing.status != nil || standing.reviewerReason != nil || !standing.conflicts.isEmpty {
            Section {
                if let status = standing.status {
                    LabeledContent {
                        StatusBadge(status: status)
                    } label: {
                        Text("record.status")
                    }
                }
                if let reason = standing.reviewerReason {
                    VStack(alignment: .leading, spacing: 4) {
                        Text("record.reviewer_reason").font(.caption).foregroundStyle(.secondary)
                        Text(reason)
                    }
                }
                ForEach(standing.conflicts, id: \.field) { c in
                    VStack(alignment: .leading, spacing: 4) {
                        Text("record.conflict \(c.field)").font(.caption).foregroundStyle(.orange)
                        Text(c.values.joined(separator: " | "))
                    }
                }
            }
        }
    }
}

/// Save on the phone, or save and send for review, in one step.
struct SaveButtons: View {
    let saving: Bool
    let save: (_ submit: Bool) async -> Void

    var body: some View {
        Section {
            Button {
                Task { await save(false) }
            } label: {
                Label("common.save_draft", systemImage: "square.and.arrow.down")
            }
            Button {
                Task { await save(true) }
            } label: {
                Label("common.save_submit", systemImage: "paperplane")
            }
            .fontWeight(.semibold)
        } footer: {
            Text("common.save_footer")
        }
        .disabled(saving)
        .overlay {
            if saving { ProgressView() }
        }
    }
}

struct StatusBadge: View {
    let status: ReviewStatus

    var body: some View {
        Text(status.titleKey)
            .font(.caption.weight(.semibold))
            .padding(.horizontal, 8)
            .padding(.vertical, 2)
            .background(status.tint.opacity(0.15), in: Capsule())
            .foregroundStyle(status.tint)
    }
}

extension ReviewStatus {
    var titleKey: LocalizedStringKey {
        switch self {
        case .draft: return "status.draft"
        case .awaitingReview: return "status.awaiting_review"
        case .approved: return "status.approved"
        case .returned: return "status.returned"
        case .rejected: return "status.rejected"
        case .changedSinceApproval: return "status.changed_since_approval"
        }
    }

    var tint: Color {
        switch self {
        case .approved: return .green
        case .returned, .changedSinceApproval: return .orange
        case .rejected: return .red
        case .awaitingReview: return .blue
        case .draft: return .gray
        }
    }
}

extension RecordKind {
    var titleKey: LocalizedStringKey {
        switch self {
        case .household: return "kind.household"
        case .sortingCheck: return "kind.sorting_check"
        case .cleanup: return "kind.cleanup"
        case .covenant: return "kind.covenant"
        case .collectionPoint: return "kind.collection_point"
        case .blackSpot: return "kind.black_spot"
        case .briefing: return "kind.briefing"
        case .selfManagedModel: return "kind.self_managed_model"
        case .review: return "kind.review"
        // The core gains record kinds: list them under a plain label rather than fail.
        default: return "kind.other"
        }
    }

    var systemImage: String {
        switch self {
        case .household: return "house"
        case .sortingCheck: return "trash"
        case .cleanup: return "leaf"
        case .covenant: return "doc.text"
        case .collectionPoint: return "mappin.and.ellipse"
        case .blackSpot: return "exclamationmark.octagon"
        case .briefing: return "person.3"
        case .selfManagedModel: return "person.2.circle"
        default: return "doc"
        }
    }
}

extension Role {
    var titleKey: LocalizedStringKey {
        switch self {
        case .volunteer: return "role.volunteer"
        case .areaHead: return "role.area_head"
        case .communeStaff: return "role.commune_staff"
        case .provinceViewer: return "role.province_viewer"
        }
    }
}

extension CovenantStatus {
    var titleKey: LocalizedStringKey { LocalizedStringKey(CovenantLabels.key(self)) }
}

extension Organisation {
    var titleKey: LocalizedStringKey {
        switch self {
        case .fatherlandFront: return "org.fatherland_front"
        case .womensUnion: return "org.womens_union"
        case .youthUnion: return "org.youth_union"
        case .farmersUnion: return "org.farmers_union"
        case .veterans: return "org.veterans"
        case .residents: return "org.residents"
        case .other: return "org.other"
        }
    }
}

extension WorkKind {
    var titleKey: LocalizedStringKey {
        switch self {
        case .sweeping: return "work.sweeping"
        case .waterways: return "work.waterways"
        case .drains: return "work.drains"
        case .trees: return "work.trees"
        }
    }
}

extension SortingAnswer {
    var titleKey: LocalizedStringKey {
        switch self {
        case .recyclableSorted: return "sorting.recyclable_sorted"
        case .foodSorted: return "sorting.food_sorted"
        case .otherSorted: return "sorting.other_sorted"
        case .hazardousSeparated: return "sorting.hazardous_separated"
        case .servedByCollection: return "sorting.served_by_collection"
        case .burningSeen: return "sorting.burning_seen"
        case .dumpingSeen: return "sorting.dumping_seen"
        }
    }

    /// Burning or dumping seen is the bad answer: shown apart from the good ones.
    var isProblem: Bool { self == .burningSeen || self == .dumpingSeen }
}

extension SachxanhCore.Shape {
    var titleKey: LocalizedStringKey {
        switch self {
        case .point: return "place.point"
        case .line: return "place.line"
        case .polygon: return "place.polygon"
        }
    }
}
