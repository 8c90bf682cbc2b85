import SachxanhCore
import SwiftUI

/// Commune staff on a phone: read a submitted record, then approve it, return it with a reason
/// (to be fixed and sent again) or reject it with a reason. The decision is pinned to the version
/// on this phone and reaches the author at their next sync.
struct ReviewQueueScreen: View {
    @StateObject private var vm: ReviewQueueViewModel
    @EnvironmentObject private var sync: SyncController

    init(vm: @autoclosure @escaping () -> ReviewQueueViewModel) {
        _vm = StateObject(wrappedValue: vm())
    }

    var body: some View {
        content
            .navigationTitle("review.title")
            .onReturn { vm.refresh() }
    }

    @ViewBuilder
    private var content: some View {
        switch vm.state {
        case .loading:
            LoadingView()
        case .notAllowed:
            MessageView(systemImage: "lock", text: Text("review.not_allowed"))
        case .error(let m):
            MessageView(systemImage: "exclamationmark.triangle", text: Text(m.text), retry: { vm.refresh() })
        case .empty(let lastDecided):
            List {
                syncSection
                if let decided = lastDecided { DecidedRow(decided: decided) }
                Text("review.empty").foregroundStyle(.secondary)
            }
            .refreshable { vm.refresh() }
        case .content(let c):
            list(c)
        }
    }

    private var syncSection: some View {
        Section {
            Text("review.leaves_with_sync").font(.footnote).foregroundStyle(.secondary)
            SyncActivityRow(activity: sync.state, syncNow: { vm.syncNow() }, cancel: { vm.cancelSync() })
        }
    }

    private func list(_ c: ReviewQueueUiState.Content) -> some View {
        List {
            syncSection
            if let decided = c.lastDecided { DecidedRow(decided: decided) }
            if let problem = c.problem {
                Label(problem.text, systemImage: "exclamationmark.circle").foregroundStyle(.red)
            }
            ForEach(c.items) { item in
                Button {
                    vm.open(id: item.id)
                } label: {
                    ReviewItemView(item: item)
                }
                .foregroundStyle(.primary)
                .swipeActions(edge: .leading) {
                    Button {
                        vm.approve(id: item.id)
                    } label: {
                        Label("review.approve", systemImage: "checkmark")
                    }
                    .tint(.green)
                }
                .swipeActions(edge: .trailing) {
                    Button {
                        vm.startReject(id: item.id)
                    } label: {
                        Label("review.reject", systemImage: "xmark")
                    }
                    .tint(.red)
                    Button {
                        vm.startReturn(id: item.id)
                    } label: {
                        Label("review.return", systemImage: "arrow.uturn.backward")
                    }
                    .tint(.orange)
                }
            }
        }
        .refreshable { vm.refresh() }
        // The reading sheet; a reason box opened from it is shown over it.
        .sheet(item: Binding(get: { c.reading.map { ReadingSheet(reading: $0) } }, set: { if $0 == nil { vm.closeReading() } })) { _ in
            NavigationStack {
                ReadingView(vm: vm)
            }
        }
        // A reason box opened from the list (swipe), while no record is open.
        .sheet(item: Binding(get: { c.reading == nil ? c.deciding : nil }, set: { if $0 == nil { vm.dismiss() } })) { _ in
            NavigationStack {
                DecidingView(vm: vm)
            }
            .interactiveDismissDisabled(c.deciding?.saving == true)
        }
    }
}

/// The reading sheet's identity: the record it shows.
private struct ReadingSheet: Identifiable {
    let reading: Reading
    var id: String { reading.item.id }
}

struct DecidedRow: View {
    let decided: Decided

    var body: some View {
        Label("review.decided \(decided.item.title.text)", systemImage: "checkmark.circle")
            .foregroundStyle(.green)
    }
}

struct ReviewItemView: View {
    let item: ReviewItem

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
            }
            .font(.caption).foregroundStyle(.secondary)
            if item.inConflict {
                Label("common.in_conflict", systemImage: "exclamationmark.triangle")
                    .font(.caption).foregroundStyle(.orange)
            }
        }
    }
}

/// A record opened before deciding: its fields in the core's words, and the three decisions.
struct ReadingView: View {
    @ObservedObject var vm: ReviewQueueViewModel

    private var content: ReviewQueueUiState.Content? {
        if case .content(let c) = vm.state { return c }
        return nil
    }

    var body: some View {
        if let c = content, let reading = c.reading {
            Form {
                Section {
                    Text(reading.item.title.text).font(.headline)
                    Text(reading.item.kindLabel.text).foregroundStyle(.secondary)
                    if let area = reading.item.areaName { Text(area).foregroundStyle(.secondary) }
                }
                switch reading {
                case .loading:
                    ProgressView().frame(maxWidth: .infinity)
                case .failed(_, let message):
                    Text(message.text).foregroundStyle(.red)
                case .shown(_, let fields):
                    ReadFieldsSections(fields: fields)
                }
                if let problem = c.problem {
                    Text(problem.text).foregroundStyle(.red)
                }
                Section {
                    Button {
                        vm.approve(id: reading.item.id)
                    } label: {
                        Label("review.approve", systemImage: "checkmark")
                    }
                    Button {
                        vm.startReturn(id: reading.item.id)
                    } label: {
                        Label("review.return", systemImage: "arrow.uturn.backward")
                    }
                    Button(role: .destructive) {
                        vm.startReject(id: reading.item.id)
                    } label: {
                        Label("review.reject", systemImage: "xmark")
                    }
                }
                .disabled(c.deciding?.saving == true)
            }
            .navigationTitle("review.read_title")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.close") { vm.closeReading() }
                }
            }
            .sheet(item: Binding(get: { c.deciding }, set: { if $0 == nil { vm.dismiss() } })) { _ in
                NavigationStack {
                    DecidingView(vm: vm)
                }
                .interactiveDismissDisabled(c.deciding?.saving == true)
            }
        }
    }
}

/// The reason box for a return or a rejection.
struct DecidingView: View {
    @ObservedObject var vm: ReviewQueueViewModel

    private var deciding: Deciding? {
        if case .content(let c) = vm.state { return c.deciding }
        return nil
    }

    var body: some View {
        if let d = deciding {
            Form {
                Section {
                    Text(d.item.title.text).font(.headline)
                    Text(d.item.kindLabel.text).foregroundStyle(.secondary)
                }
                Section {
                    TextField("review.reason_placeholder", text: Binding(get: { deciding?.reason ?? "" }, set: { vm.onReasonChanged($0) }), axis: .vertical)
                        .lineLimit(3...8)
                    ProblemLines(problems: d.problems)
                } header: {
                    Text("review.reason")
                } footer: {
                    Text("review.reason_footer")
                }
                Section {
                    Button(role: d.decision == .rejected ? .destructive : nil) {
                        vm.confirm()
                    } label: {
                        HStack {
                            Text(title(d)).fontWeight(.semibold)
                            Spacer()
                            if d.saving { ProgressView() }
                        }
                    }
                    .disabled(d.saving)
                }
            }
            .navigationTitle(title(d))
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { vm.dismiss() }
                }
            }
        }
    }

    private func title(_ d: Deciding) -> LocalizedStringKey {
        d.decision == .rejected ? LocalizedStringKey("review.reject") : LocalizedStringKey("review.return")
    }
}
