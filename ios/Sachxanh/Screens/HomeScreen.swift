import SachxanhCore
import SwiftUI

/// Who is recording, the sync line, what needs doing, my areas, and the "new record" menu.
struct HomeScreen: View {
    @StateObject private var vm: HomeViewModel
    let navigate: (Route) -> Void
    /// The token is refused or missing: back to the enrolment screen, which starts over.
    let onEnrolAgain: () -> Void

    init(vm: @autoclosure @escaping () -> HomeViewModel, navigate: @escaping (Route) -> Void, onEnrolAgain: @escaping () -> Void) {
        _vm = StateObject(wrappedValue: vm())
        self.navigate = navigate
        self.onEnrolAgain = onEnrolAgain
    }

    var body: some View {
        content
            .navigationTitle("home.title")
            .onReturn { vm.refresh() }
    }

    @ViewBuilder
    private var content: some View {
        switch vm.state {
        case .loading:
            LoadingView()
        case .notEnrolled(let message):
            VStack(spacing: 12) {
                MessageView(systemImage: "person.crop.circle.badge.exclamationmark", text: message.map { Text($0.text) } ?? Text("home.not_enrolled"))
                Button("home.enrol_again", action: onEnrolAgain)
                    .buttonStyle(.borderedProminent)
            }
            .padding()
        case .error(let message):
            MessageView(systemImage: "exclamationmark.triangle", text: Text(message.text), retry: { vm.refresh() })
        case .ready(let ready):
            ReadyView(ready: ready, vm: vm, navigate: navigate)
        }
    }
}

private struct ReadyView: View {
    let ready: HomeUiState.Ready
    let vm: HomeViewModel
    let navigate: (Route) -> Void

    var body: some View {
        List {
            Section {
                LabeledContent {
                    Text(ready.roleLabel.text)
                } label: {
                    Text(ready.person.name).font(.headline)
                }
            }
            syncSection
            todoSection
            Section("home.new_record") {
                ForEach(ready.newRecord, id: \.kind) { k in
                    Button {
                        navigate(.form(vm.newRecord(kind: k.kind)))
                    } label: {
                        Label(k.label.text, systemImage: "plus.circle")
                    }
                }
            }
            Section("home.my_areas") {
                ForEach(ready.areas) { card in
                    AreaCardView(card: card, newRecord: ready.newRecord, navigate: navigate, newTarget: { vm.newRecord(kind: $0, areaId: card.area.id) })
                }
            }
            Section {
                Button {
                    navigate(.households(areaId: ready.areas.first?.id))
                } label: {
                    Label("home.households", systemImage: "house")
                }
                Button {
                    navigate(.covenants)
                } label: {
                    Label("home.covenants", systemImage: "doc.text")
                }
                Button {
                    navigate(.outbox)
                } label: {
                    Label("home.outbox", systemImage: "tray.full")
                }
                if let waiting = ready.reviewWaiting {
                    Button {
                        navigate(.reviewQueue)
                    } label: {
                        Label("home.review_queue \(waiting)", systemImage: "checkmark.seal")
                    }
                }
            }
        }
        .refreshable { vm.refresh() }
    }

    private var syncSection: some View {
        Section("home.sync") {
            if let message = ready.sync.offlineMessage {
                OfflineBanner(message: message)
            }
            LabeledContent {
                if let ms = ready.sync.lastSyncMs {
                    Text(dateOf(ms: ms), format: .relative(presentation: .named))
                } else {
                    Text("home.never_synced")
                }
            } label: {
                Text("home.last_sync")
            }
            LabeledContent {
                Text(String(ready.sync.waiting))
            } label: {
                Text("home.waiting")
            }
            // Photos go after the records and take longest on 2G: say how many still wait.
            if ready.sync.photosWaiting > 0 {
                LabeledContent {
                    Text(String(ready.sync.photosWaiting))
                } label: {
                    Text("home.photos_waiting")
                }
            }
            // Records are dated by the server's time meanwhile; the person is asked to set the clock.
            if let skew = ready.sync.clockSkew {
                Text(skew.text).font(.footnote).foregroundStyle(.orange)
            }
            // People on prepaid 2G/3G pay by the megabyte: what sync cost this month.
            if let use = ready.sync.dataUse {
                Text(use.text).font(.footnote).foregroundStyle(.secondary)
            }
            if ready.sync.refused > 0 {
                Button {
                    navigate(.outbox)
                } label: {
                    Text("home.refused \(Int(ready.sync.refused))").foregroundStyle(.red)
                }
            }
            SyncActivityRow(activity: ready.sync.activity, syncNow: { vm.syncNow() }, cancel: { vm.cancelSync() })
        }
    }

    private var todoSection: some View {
        Section("home.todo") {
            if ready.nothingToDo {
                Label("home.nothing_to_do", systemImage: "checkmark.circle").foregroundStyle(.green)
            }
            ForEach(ready.todo) { item in
                Button {
                    navigate(.form(item.target))
                } label: {
                    TodoRow(item: item)
                }
                .foregroundStyle(.primary)
            }
        }
    }
}

struct TodoRow: View {
    let item: TodoItem

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(item.title.text).font(.headline)
                Spacer()
                StatusTag(label: item.statusLabel, status: item.status)
            }
            HStack(spacing: 8) {
                Text(item.kindLabel.text)
                if let area = item.areaName {
                    Text(area)
                }
                if item.inConflict {
                    Label("common.in_conflict", systemImage: "exclamationmark.triangle").foregroundStyle(.orange)
                }
            }
            .font(.caption)
            .foregroundStyle(.secondary)
            if let reason = item.reviewerReason {
                Text("common.reason \(reason)").font(.footnote)
            }
        }
    }
}

/// One of my areas: what has been recorded there, and new records in it.
struct AreaCardView: View {
    let card: AreaCard
    let newRecord: [KindCapability]
    let navigate: (Route) -> Void
    let newTarget: (RecordKind) -> FormTarget

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(card.area.name).font(.headline)
            if let f = card.figures {
                Text("home.figures.households \(Int(f.householdsChecked)) \(Int(f.households))")
                Text("home.figures.sorting \(Int(f.householdsSortingAll))")
                Text("home.figures.cleanups \(Int(f.cleanups)) \(Int(f.participants)) \(kilograms(f.wasteKg))")
                Text("home.figures.covenant \(f.covenantLabel.text)")
            }
            HStack(spacing: 16) {
                Button {
                    navigate(.households(areaId: card.area.id))
                } label: {
                    Label("home.households", systemImage: "house")
                }
                if !newRecord.isEmpty {
                    Menu {
                        ForEach(newRecord, id: \.kind) { k in
                            Button(k.label.text) { navigate(.form(newTarget(k.kind))) }
                        }
                    } label: {
                        Label("home.record_here", systemImage: "plus.circle")
                    }
                }
            }
            .buttonStyle(.borderless)
        }
        .font(.subheadline)
    }

    /// Kilograms as the phone's locale writes a number (a decimal comma in Vietnamese).
    private func kilograms(_ kg: Double) -> String {
        kg.formatted(.number.precision(.fractionLength(0...1)))
    }
}
