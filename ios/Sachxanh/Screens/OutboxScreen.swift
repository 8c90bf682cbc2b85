import SachxanhCore
import SwiftUI

/// Everything I recorded on this phone: its review standing, whether it still waits to be sent,
/// the reviewer's reason; and the versions the server refused, with the server's reason.
struct OutboxScreen: View {
    @StateObject private var vm: OutboxViewModel
    @EnvironmentObject private var sync: SyncController

    init(vm: @autoclosure @escaping () -> OutboxViewModel) {
        _vm = StateObject(wrappedValue: vm())
    }

    var body: some View {
        StateView(state: vm.state, emptyKey: "outbox.empty", retry: { await vm.refresh() }) { content in
            List {
                if let problem = vm.problem {
                    Label(problem, systemImage: "exclamationmark.circle").foregroundStyle(.red)
                }
                if !content.refused.isEmpty {
                    Section {
                        ForEach(content.refused) { r in
                            RefusedRowView(item: r) {
                                Task { await vm.dismissRefused(recordId: r.recordId) }
                            }
                        }
                    } header: {
                        Text("outbox.refused")
                    } footer: {
                        Text("outbox.refused_footer")
                    }
                }
                Section("outbox.mine") {
                    ForEach(content.items) { item in
                        let route = RecordRoute.route(kind: item.kind, id: item.id, areaId: item.areaId)
                        NavigationLink(value: route) {
                            OutboxRowView(item: item)
                        }
                        .disabled(route == nil)
                        .swipeActions {
                            if item.canSubmit {
                                Button {
                                    Task { await vm.submit(id: item.id) }
                                } label: {
                                    Label("outbox.submit", systemImage: "paperplane")
                                }
                                .tint(.blue)
                            }
                        }
                    }
                }
            }
            .refreshable { await vm.refresh() }
        }
        .navigationTitle("outbox.title")
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                if sync.activity.isRunning {
                    ProgressView()
                } else {
                    Button {
                        vm.syncNow()
                    } label: {
                        Label("home.sync_now", systemImage: "arrow.triangle.2.circlepath")
                    }
                }
            }
        }
        .task { await vm.refresh() }
    }
}

struct OutboxRowView: View {
    let item: OutboxItem

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Image(systemName: item.kind.systemImage)
                Text(item.title).font(.headline)
                Spacer()
                StatusBadge(status: item.status)
            }
            HStack(spacing: 8) {
                Text(item.kind.titleKey)
                if item.unsent {
                    Label("outbox.unsent", systemImage: "icloud.slash").foregroundStyle(.orange)
                } else {
                    Label("outbox.sent", systemImage: "checkmark.icloud").foregroundStyle(.secondary)
                }
                if item.inConflict {
                    Label("outbox.conflict", systemImage: "exclamationmark.triangle").foregroundStyle(.orange)
                }
            }
            .font(.caption)
            if let reason = item.reviewerReason {
                Text("outbox.reason \(reason)").font(.footnote)
            }
        }
    }
}

struct RefusedRowView: View {
    let item: RefusedItem
    let dismiss: () -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(item.message.text).foregroundStyle(.red)
            if !item.fields.isEmpty {
                Text(item.fields.joined(separator: ", ")).font(.caption.monospaced())
            }
            HStack {
                Text(item.refusedAt, format: .dateTime.day().month().hour().minute())
                    .font(.caption).foregroundStyle(.secondary)
                Spacer()
                Button("outbox.dismiss_refused", action: dismiss).buttonStyle(.borderless)
            }
        }
    }
}
