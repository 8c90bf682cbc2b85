import SachxanhCore
import SwiftUI

/// Commune staff on a phone: read a submitted record, then approve it, return it with a reason
/// (to be fixed and sent again) or reject it with a reason. The decision is pinned to the version
/// on this phone and reaches the author at their next sync.
struct ReviewQueueScreen: View {
    @StateObject private var vm: ReviewQueueViewModel

    init(vm: @autoclosure @escaping () -> ReviewQueueViewModel) {
        _vm = StateObject(wrappedValue: vm())
    }

    var body: some View {
        StateView(state: vm.state, emptyKey: vm.notAllowed ? "review.not_allowed" : "review.empty", retry: { await vm.refresh() }) { items in
            List {
                if let decided = vm.lastDecided {
                    Label("review.decided \(decided.item.title)", systemImage: "checkmark.circle")
                        .foregroundStyle(.green)
                }
                if let problem = vm.problem {
                    Label(problem, systemImage: "exclamationmark.circle").foregroundStyle(.red)
                }
                ForEach(items) { item in
                    ReviewItemView(item: item, preview: vm.previews[item.id])
                        .task { await vm.preview(item) }
                        .swipeActions(edge: .leading) {
                            Button {
                                Task { await vm.approve(item) }
                            } label: {
                                Label("review.approve", systemImage: "checkmark")
                            }
                            .tint(.green)
                        }
                        .swipeActions(edge: .trailing) {
                            Button {
                                vm.startReject(item)
                            } label: {
                                Label("review.reject", systemImage: "xmark")
                            }
                            .tint(.red)
                            Button {
                                vm.startReturn(item)
                            } label: {
                                Label("review.return", systemImage: "arrow.uturn.backward")
                            }
                            .tint(.orange)
                        }
                        .contextMenu {
                            Button("review.approve") { Task { await vm.approve(item) } }
                            Button("review.return") { vm.startReturn(item) }
                            Button("review.reject", role: .destructive) { vm.startReject(item) }
                        }
                }
            }
            .refreshable { await vm.refresh() }
            .disabled(vm.saving)
        }
        .navigationTitle("review.title")
        .task { await vm.refresh() }
        .sheet(item: $vm.deciding) { _ in
            NavigationStack {
                DecidingView(vm: vm)
            }
            .interactiveDismissDisabled(vm.saving)
        }
    }
}

struct ReviewItemView: View {
    let item: ReviewItem
    let preview: RecordPreview?

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            HStack {
                Image(systemName: item.kind.systemImage)
                Text(item.title).font(.headline)
                Spacer()
                StatusBadge(status: item.status)
            }
            Text(item.kind.titleKey).font(.caption).foregroundStyle(.secondary)
            if item.inConflict {
                Label("review.in_conflict", systemImage: "exclamationmark.triangle")
                    .font(.caption).foregroundStyle(.orange)
            }
            if let preview {
                ForEach(Array(preview.lines.enumerated()), id: \.offset) { _, line in
                    if !line.value.isEmpty {
                        HStack(alignment: .top) {
                            Text(line.label).foregroundStyle(.secondary)
                            Spacer()
                            Text(line.value).multilineTextAlignment(.trailing)
                        }
                        .font(.footnote)
                    }
                }
            }
        }
    }
}

/// The reason box for a return or a rejection.
struct DecidingView: View {
    @ObservedObject var vm: ReviewQueueViewModel

    var body: some View {
        if let d = vm.deciding {
            Form {
                Section {
                    Text(d.item.title).font(.headline)
                    Text(d.item.kind.titleKey).foregroundStyle(.secondary)
                }
                Section {
                    TextField("review.reason_placeholder", text: Binding(
                        get: { vm.deciding?.reason ?? "" },
                        set: { vm.deciding?.reason = $0 }
                    ), axis: .vertical)
                    .lineLimit(3...8)
                    FieldMessage(text: vm.errors[.reason])
                    GeneralErrors(errors: vm.errors)
                } header: {
                    Text("review.reason")
                } footer: {
                    Text("review.reason_footer")
                }
                Section {
                    Button(role: d.decision == .rejected ? .destructive : nil) {
                        Task { await vm.confirm() }
                    } label: {
                        HStack {
                            Text(d.decision == .rejected ? LocalizedStringKey("review.reject") : LocalizedStringKey("review.return"))
                                .fontWeight(.semibold)
                            Spacer()
                            if vm.saving { ProgressView() }
                        }
                    }
                    .disabled(vm.saving)
                }
            }
            .navigationTitle(d.decision == .rejected ? LocalizedStringKey("review.reject") : LocalizedStringKey("review.return"))
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { vm.dismiss() }
                }
            }
        }
    }
}
