import SachxanhCore
import SwiftUI

/// Covenant status per area (hương ước, quy ước: not started → drafting → consultation →
/// approved by the commune → in force), and recording an area's covenant.
struct CovenantScreen: View {
    @StateObject private var vm: CovenantViewModel

    init(vm: @autoclosure @escaping () -> CovenantViewModel) {
        _vm = StateObject(wrappedValue: vm())
    }

    var body: some View {
        StateView(state: vm.state, emptyKey: "covenant.empty", retry: { await vm.refresh() }) { rows in
            List {
                if let saved = vm.saved {
                    Label(saved.submitted ? LocalizedStringKey("common.saved_submitted") : LocalizedStringKey("common.saved"), systemImage: "checkmark.circle")
                        .foregroundStyle(.green)
                }
                GeneralErrors(errors: vm.errors)
                ForEach(rows) { row in
                    Button {
                        Task { await vm.open(areaId: row.areaId) }
                    } label: {
                        CovenantRowView(row: row)
                    }
                    .disabled(!row.canEdit)
                    .foregroundStyle(.primary)
                }
            }
            .refreshable { await vm.refresh() }
        }
        .navigationTitle("covenant.title")
        .task { await vm.refresh() }
        .sheet(item: $vm.editor) { _ in
            NavigationStack {
                CovenantEditorView(vm: vm)
            }
            .interactiveDismissDisabled(vm.saving)
        }
    }
}

struct CovenantRowView: View {
    let row: AreaCovenantRow

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(row.areaName).font(.headline)
                Spacer()
                if let review = row.reviewStatus { StatusBadge(status: review) }
            }
            HStack(spacing: 8) {
                if let status = row.status {
                    Text(status.titleKey)
                } else {
                    Text("covenant.not_recorded").foregroundStyle(.secondary)
                }
                if row.withEnvironment {
                    Label("covenant.with_environment", systemImage: "leaf").foregroundStyle(.green)
                }
            }
            .font(.subheadline)
        }
    }
}

/// The editor sheet for one area's covenant.
struct CovenantEditorView: View {
    @ObservedObject var vm: CovenantViewModel

    var body: some View {
        if let editor = vm.editor {
            Form {
                StandingSection(standing: RecordStanding(
                    recordId: editor.recordId,
                    status: editor.reviewStatus,
                    reviewerReason: editor.reviewerReason
                ))
                GeneralErrors(errors: vm.errors)
                Section {
                    Picker("covenant.status", selection: field(\.status)) {
                        ForEach([CovenantStatus.notStarted, .drafting, .consultation, .approved, .inForce], id: \.self) { s in
                            Text(s.titleKey).tag(s)
                        }
                    }
                    FieldMessage(text: vm.errors[.status])
                    FieldMessage(text: vm.errors[.area])
                }
                Section {
                    TextEditor(text: field(\.clauses))
                        .frame(minHeight: 120)
                    FieldMessage(text: vm.errors[.clauses])
                } header: {
                    Text("covenant.clauses")
                } footer: {
                    Text("covenant.clauses_footer")
                }
                Section("covenant.dates") {
                    OptionalDateRow(titleKey: "covenant.drafting_started", date: field(\.draftingStarted))
                    FieldMessage(text: vm.errors[.draftingStarted])
                    OptionalDateRow(titleKey: "covenant.consultation_date", date: field(\.consultationDate))
                    FieldMessage(text: vm.errors[.consultationDate])
                    OptionalDateRow(titleKey: "covenant.approved_date", date: field(\.approvedDate))
                    FieldMessage(text: vm.errors[.approvedDate])
                    OptionalDateRow(titleKey: "covenant.in_force_date", date: field(\.inForceDate))
                    FieldMessage(text: vm.errors[.inForceDate])
                }
                FieldMessage(text: vm.errors[.document])
                Section("common.note") {
                    TextField("common.note", text: field(\.note), axis: .vertical)
                        .lineLimit(2...6)
                    FieldMessage(text: vm.errors[.note])
                }
                SaveButtons(saving: vm.saving) { submit in await vm.save(submit: submit) }
            }
            .navigationTitle(Text(editor.form.areaName))
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { vm.close() }
                }
            }
        }
    }

    /// A binding into the open editor's form; a write after the editor closed goes nowhere.
    private func field<T>(_ path: WritableKeyPath<CovenantForm, T>) -> Binding<T> {
        let fallback = (vm.editor?.form ?? CovenantForm(areaId: "", areaName: ""))[keyPath: path]
        return Binding(
            get: { vm.editor?.form[keyPath: path] ?? fallback },
            set: { vm.editor?.form[keyPath: path] = $0 }
        )
    }
}
