import SachxanhCore
import SwiftUI
import UIKit

/// The form of every record kind, drawn from the core's fields: each field by its input kind,
/// grouped under the core's section headings, with its help, its problems under it and a mark
/// when it must be filled; the reviewer's reason and the record's standing above; "Lưu nháp" and
/// "Lưu và gửi duyệt" below. A kind the core gains gets its form here with no change.
struct RecordFormScreen: View {
    @StateObject private var vm: RecordFormViewModel
    /// The household picker of a Household field, opened on the record's area.
    let householdPicker: (_ areaId: String) -> HouseholdsViewModel
    @Environment(\.dismiss) private var dismiss

    init(vm: @autoclosure @escaping () -> RecordFormViewModel, householdPicker: @escaping (_ areaId: String) -> HouseholdsViewModel) {
        _vm = StateObject(wrappedValue: vm())
        self.householdPicker = householdPicker
    }

    var body: some View {
        content
            .navigationTitle(title)
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .primaryAction) {
                    if case .editing(let e) = vm.state, e.checking || e.saving {
                        ProgressView()
                    }
                }
            }
            // Saved on the phone: back to where the person came from; it goes out at the next sync.
            .onReceive(vm.$state) { state in
                if case .saved = state { dismiss() }
            }
    }

    private var title: String {
        if case .editing(let e) = vm.state { return e.title.text }
        return ""
    }

    @ViewBuilder
    private var content: some View {
        switch vm.state {
        case .loading, .saved:
            LoadingView()
        case .error(let message):
            MessageView(systemImage: "exclamationmark.triangle", text: Text(message.text))
        case .editing(let e):
            EditingForm(vm: vm, e: e, householdPicker: householdPicker)
        }
    }
}

/// Fields under one heading: a new group starts at each field the core gives a section.
private struct FieldGroup: Identifiable {
    let heading: Message?
    var fields: [FieldState]

    var id: String { fields.first?.path ?? "" }

    static func of(_ fields: [FieldState]) -> [FieldGroup] {
        var groups: [FieldGroup] = []
        for f in fields where f.shown {
            if groups.isEmpty || f.section != nil {
                groups.append(FieldGroup(heading: f.section, fields: [f]))
            } else {
                groups[groups.count - 1].fields.append(f)
            }
        }
        return groups
    }
}

private struct EditingForm: View {
    @ObservedObject var vm: RecordFormViewModel
    let e: RecordFormUiState.Editing
    let householdPicker: (_ areaId: String) -> HouseholdsViewModel

    var body: some View {
        Form {
            standing
            if !e.general.isEmpty {
                Section {
                    ProblemLines(problems: e.general)
                }
            }
            if !e.mayWrite {
                Section {
                    Label("form.read_only", systemImage: "lock").foregroundStyle(.secondary)
                }
            }
            ForEach(FieldGroup.of(e.fields)) { group in
                Section {
                    ForEach(group.fields, id: \.path) { field in
                        fieldView(field)
                    }
                } header: {
                    if let heading = group.heading { Text(heading.text) }
                }
            }
            if !e.similar.isEmpty {
                Section {
                    ForEach(e.similar, id: \.id) { h in
                        NavigationLink(value: Route.form(FormTarget(kind: .household, recordId: h.id, areaId: h.areaId))) {
                            Text("\(h.headName) — \(h.address)")
                        }
                    }
                } header: {
                    Text("form.similar_households")
                } footer: {
                    Text("form.similar_save_anyway")
                }
            }
            if e.mayWrite {
                if e.preparingPhotos {
                    Text("photos.wait_to_save").font(.footnote).foregroundStyle(.secondary)
                }
                Section {
                    Button {
                        vm.save(submit: false)
                    } label: {
                        Label("form.save_draft", systemImage: "square.and.arrow.down")
                    }
                    Button {
                        vm.save(submit: true)
                    } label: {
                        Label("form.save_submit", systemImage: "paperplane")
                    }
                    .fontWeight(.semibold)
                } footer: {
                    Text("form.save_footer")
                }
                .disabled(!e.canSave)
            }
        }
        .fullScreenCover(item: Binding(get: { e.viewer }, set: { if $0 == nil { vm.closePhoto() } })) { viewer in
            PhotoViewerView(viewer: viewer, title: viewerTitle(viewer), onRetry: { vm.retryPhoto() }, onClose: { vm.closePhoto() })
        }
    }

    /// Where the record stands: its review standing, the reviewer's reason while it is returned
    /// or rejected, values two phones set differently.
    @ViewBuilder
    private var standing: some View {
        if e.statusLabel != nil || e.reviewerReason != nil || !e.conflicts.isEmpty {
            Section {
                if let recordTitle = e.recordTitle {
                    Text(recordTitle.text).font(.headline)
                }
                if let label = e.statusLabel {
                    LabeledContent {
                        StatusTag(label: label, status: e.status)
                    } label: {
                        Text("form.status")
                    }
                }
                if let reason = e.reviewerReason {
                    VStack(alignment: .leading, spacing: 4) {
                        Text("form.reviewer_reason").font(.caption).foregroundStyle(.secondary)
                        Text(reason)
                    }
                }
                ForEach(Array(e.conflicts.enumerated()), id: \.offset) { _, c in
                    VStack(alignment: .leading, spacing: 4) {
                        Text("form.conflict \(c.label.text)").font(.caption).foregroundStyle(.orange)
                        Text(c.values.map(\.text).joined(separator: " | "))
                    }
                }
            }
        }
    }

    /// One field, drawn by its input kind.
    @ViewBuilder
    private func fieldView(_ f: FieldState) -> some View {
        VStack(alignment: .leading, spacing: 4) {
            input(f)
            if let help = f.help {
                Text(help.text).font(.footnote).foregroundStyle(.secondary)
            }
            ProblemLines(problems: f.problems)
            if e.ladder?.statusPath == f.path, let next = e.ladder?.next, e.canMoveUp {
                Button {
                    vm.moveUp()
                } label: {
                    Label("form.move_up \(next.label.text)", systemImage: "arrow.up.circle")
                }
                .buttonStyle(.borderless)
            }
        }
        .disabled(!e.mayWrite && !f.takesPhotos)
    }

    @ViewBuilder
    private func input(_ f: FieldState) -> some View {
        switch f.input {
        case .text(_, let multiline):
            VStack(alignment: .leading, spacing: 4) {
                FieldLabel(field: f).font(.subheadline)
                TextField(f.label.text, text: text(f), axis: multiline ? .vertical : .horizontal)
                    .lineLimit(multiline ? 2...6 : 1...1)
            }
        case .count:
            numberRow(f, unit: nil, keyboard: .numberPad)
        case .quantity(_, let unit):
            numberRow(f, unit: unit.text, keyboard: .decimalPad)
        case .date:
            DateFieldRow(field: f, enabled: e.mayWrite, onText: { vm.onText(path: f.path, text: $0) }, onPicked: { vm.onDatePicked(path: f.path, date: $0) })
        case .flag:
            Toggle(isOn: Binding(get: { f.on }, set: { vm.onFlag(path: f.path, on: $0) })) {
                FieldLabel(field: f)
            }
        case .choice(let options):
            Picker(selection: Binding(get: { f.code }, set: { vm.onChoice(path: f.path, code: $0) })) {
                if f.code == nil || !f.required {
                    Text("form.none").tag(String?.none)
                }
                ForEach(options, id: \.code) { option in
                    Text(option.label.text).tag(String?.some(option.code))
                }
            } label: {
                FieldLabel(field: f)
            }
        case .area:
            Picker(selection: Binding(get: { f.text }, set: { vm.onText(path: f.path, text: $0) })) {
                if f.text.isBlank {
                    Text("form.none").tag("")
                }
                ForEach(e.areas, id: \.id) { area in
                    Text(area.name).tag(area.id)
                }
            } label: {
                FieldLabel(field: f)
            }
        case .household:
            HouseholdFieldRow(field: f, enabled: e.mayWrite, areaId: e.areaId, picker: householdPicker) { id in
                vm.pickHousehold(path: f.path, householdId: id)
            }
        case .place(let shapes):
            placeEditor(f, shapes: shapes)
        case .point:
            placeEditor(f, shapes: [])
        case .photos(let stages):
            photosEditor(f, stages: stages)
        case .photo:
            photosEditor(f, stages: nil)
        case .lines:
            VStack(alignment: .leading, spacing: 4) {
                FieldLabel(field: f).font(.subheadline)
                TextEditor(text: Binding(get: { f.linesText }, set: { vm.onLinesText(path: f.path, text: $0) }))
                    .frame(minHeight: 100)
                Text("form.lines_hint").font(.caption).foregroundStyle(.secondary)
            }
        // The core may gain inputs: an older app shows the field's name rather than fail.
        default:
            FieldLabel(field: f)
        }
    }

    private func text(_ f: FieldState) -> Binding<String> {
        Binding(get: { f.text }, set: { vm.onText(path: f.path, text: $0) })
    }

    private func numberRow(_ f: FieldState, unit: String?, keyboard: UIKeyboardType) -> some View {
        HStack {
            FieldLabel(field: f)
            Spacer()
            TextField(f.label.text, text: text(f))
                .keyboardType(keyboard)
                .multilineTextAlignment(.trailing)
                .frame(maxWidth: 120)
            if let unit {
                Text(unit).foregroundStyle(.secondary)
            }
        }
    }

    private func placeEditor(_ f: FieldState, shapes: [Choice]) -> some View {
        PlaceEditor(
            field: f,
            shapes: shapes,
            outline: e.outline,
            enabled: e.mayWrite,
            onShape: { vm.onShape(path: f.path, code: $0) },
            onGpsFix: { vm.onGpsFix(path: f.path, lon: $0, lat: $1, accuracyM: $2) },
            onMapTap: { vm.onMapTap(path: f.path, lon: $0, lat: $1) },
            onUndo: { vm.undoLastPoint(path: f.path) },
            onClear: { vm.clearPlace(path: f.path) }
        )
    }

    private func photosEditor(_ f: FieldState, stages: [Choice]?) -> some View {
        PhotosEditor(
            field: f,
            stages: stages,
            enabled: e.mayWrite && !e.saving,
            add: { file, stage in await vm.addPhoto(path: f.path, file: file, stage: stage) },
            onOpen: { vm.openPhoto(sha256: $0) },
            onRemove: { vm.removePhoto(key: $0) }
        )
    }

    /// The viewer's title: the stage's name, or the field's, from the core.
    private func viewerTitle(_ viewer: PhotoViewer) -> String? {
        guard let path = viewer.path, let field = e[path] else { return nil }
        if case .photos(let stages) = field.input, let stage = stages.first(where: { $0.code == viewer.stage }) {
            return stage.label.text
        }
        return field.label.text
    }
}
