import SachxanhCore
import SwiftUI

/// Everything I recorded on this phone, newest first: its review standing, whether it still
/// waits to be sent, the reviewer's reason; and the versions the server refused, with the
/// server's reason and what was sent.
struct OutboxScreen: View {
    @StateObject private var vm: OutboxViewModel
    let navigate: (Route) -> Void

    init(vm: @autoclosure @escaping () -> OutboxViewModel, navigate: @escaping (Route) -> Void) {
        _vm = StateObject(wrappedValue: vm())
        self.navigate = navigate
    }

    var body: some View {
        content
            .navigationTitle("outbox.title")
            .onReturn { vm.refresh() }
    }

    @ViewBuilder
    private var content: some View {
        switch vm.state {
        case .loading:
            LoadingView()
        case .error(let m):
            MessageView(systemImage: "exclamationmark.triangle", text: Text(m.text), retry: { vm.refresh() })
        case .empty(let offline):
            VStack {
                if let offline { OfflineBanner(message: offline).padding() }
                MessageView(systemImage: "tray", text: Text("outbox.empty"))
            }
        case .content(let c):
            list(c)
        }
    }

    private func list(_ c: OutboxUiState.Content) -> some View {
        List {
            Section {
                if let offline = c.offlineMessage { OfflineBanner(message: offline) }
                if c.unsentCount > 0 {
                    Text("outbox.unsent_count \(c.unsentCount)").font(.footnote)
                }
                SyncActivityRow(activity: c.sync, syncNow: { vm.syncNow() }, cancel: { vm.cancelSync() })
            }
            if !c.refused.isEmpty {
                Section {
                    ForEach(c.refused) { r in
                        RefusedRowView(item: r, onOpen: { vm.openRefused(recordId: r.recordId) }, onDismiss: { vm.dismissRefused(recordId: r.recordId) })
                    }
                } header: {
                    Text("outbox.refused")
                } footer: {
                    Text("outbox.refused_footer")
                }
            }
            Section("outbox.mine") {
                ForEach(c.items) { item in
                    Button {
                        navigate(.form(item.target))
                    } label: {
                        OutboxRowView(item: item)
                    }
                    .foregroundStyle(.primary)
                }
            }
        }
        .refreshable { vm.refresh() }
        .sheet(item: Binding(get: { c.refusedDetail }, set: { if $0 == nil { vm.closeRefused() } })) { detail in
            NavigationStack {
                RefusedDetailView(detail: detail, onDismiss: {
                    vm.dismissRefused(recordId: detail.item.recordId)
                    vm.closeRefused()
                })
                .toolbar {
                    ToolbarItem(placement: .cancellationAction) {
                        Button("common.close") { vm.closeRefused() }
                    }
                }
            }
        }
    }
}

struct OutboxRowView: View {
    let item: OutboxItem

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(item.title.text).font(.headline)
                Spacer()
                StatusTag(label: item.statusLabel, status: item.status)
            }
            HStack(spacing: 8) {
                Text(item.kindLabel.text)
                if let area = item.areaName { Text(area) }
                if item.unsent {
                    Label("outbox.unsent", systemImage: "icloud.slash").foregroundStyle(.orange)
                } else {
                    Label("outbox.sent", systemImage: "checkmark.icloud").foregroundStyle(.secondary)
                }
                if item.inConflict {
                    Label("common.in_conflict", systemImage: "exclamationmark.triangle").foregroundStyle(.orange)
                }
            }
            .font(.caption)
            if let reason = item.reviewerReason {
                Text("common.reason \(reason)").font(.footnote)
            }
        }
    }
}

struct RefusedRowView: View {
    let item: RefusedItem
    let onOpen: () -> Void
    let onDismiss: () -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            if let kind = item.kindLabel {
                Text(kind.text).font(.caption).foregroundStyle(.secondary)
            }
            Text(item.message.text).foregroundStyle(.red)
            ProblemLines(problems: item.problems)
            HStack {
                Text(dateOf(ms: item.refusedAtMs), format: .dateTime.day().month().hour().minute())
                    .font(.caption).foregroundStyle(.secondary)
                Spacer()
                Button("outbox.open_refused", action: onOpen).buttonStyle(.borderless)
                Button("outbox.dismiss_refused", action: onDismiss).buttonStyle(.borderless)
            }
        }
    }
}

/// What was sent in the refused version, field by field in the core's words, under the reason.
struct RefusedDetailView: View {
    let detail: RefusedDetail
    let onDismiss: () -> Void

    var body: some View {
        Form {
            Section {
                Text(detail.item.message.text).foregroundStyle(.red)
                ProblemLines(problems: detail.item.problems)
            }
            ReadFieldsSections(fields: detail.fields)
            Section {
                Button("outbox.dismiss_refused", action: onDismiss)
            }
        }
        .navigationTitle(detail.item.kindLabel.map { Text($0.text) } ?? Text("outbox.refused"))
        .navigationBarTitleDisplayMode(.inline)
    }
}

/// A record's fields and values in words (the core's read-only view), under their headings.
struct ReadFieldsSections: View {
    let fields: [ReadField]

    private struct Heading: Identifiable {
        let id: Int
        let heading: Message?
        var fields: [ReadField]
    }

    private var groups: [Heading] {
        var out: [Heading] = []
        for f in fields {
            if out.isEmpty || f.section != nil {
                out.append(Heading(id: out.count, heading: f.section, fields: [f]))
            } else {
                out[out.count - 1].fields.append(f)
            }
        }
        return out
    }

    var body: some View {
        ForEach(groups) { group in
            Section {
                ForEach(Array(group.fields.enumerated()), id: \.offset) { _, f in
                    VStack(alignment: .leading, spacing: 2) {
                        Text(f.label.text).font(.caption).foregroundStyle(.secondary)
                        Text(f.value.text)
                    }
                }
            } header: {
                if let heading = group.heading { Text(heading.text) }
            }
        }
    }
}
