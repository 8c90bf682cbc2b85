import SachxanhCore
import SwiftUI

/// A black spot: reported (kind, place, what was seen, photos before), then moved up the ladder —
/// verified, cleaned (an after photo), closed — each step with its date.
struct BlackSpotScreen: View {
    @StateObject private var vm: BlackSpotViewModel
    @Environment(\.dismiss) private var dismiss

    init(vm: @autoclosure @escaping () -> BlackSpotViewModel) {
        _vm = StateObject(wrappedValue: vm())
    }

    var body: some View {
        StateView(state: vm.state, emptyKey: "common.not_found", retry: { await vm.load() }) { standing in
            Form {
                StandingSection(standing: standing)
                GeneralErrors(errors: vm.errors)
                Section {
                    if vm.areas.count > 1 {
                        Picker("cleanup.area", selection: $vm.form.areaId) {
                            ForEach(vm.areas, id: \.id) { a in Text(a.name).tag(a.id) }
                        }
                    }
                    FieldMessage(text: vm.errors[.area])
                    Picker("blackspot.kind", selection: $vm.form.kind) {
                        ForEach([SpotKind.spontaneousDump, .pollutionSpot, .burning, .violation], id: \.self) { k in
                            Text(k.titleKey).tag(k)
                        }
                    }
                    FieldMessage(text: vm.errors[.kind])
                    TextField("blackspot.description", text: $vm.form.description, axis: .vertical)
                        .lineLimit(2...6)
                    FieldMessage(text: vm.errors[.description])
                }
                // A pile or a fire is a point; a polluted ditch may be a line or an area.
                PlaceSection(
                    place: vm.form.place,
                    error: vm.errors[.place],
                    header: "blackspot.place",
                    footer: "blackspot.place_footer",
                    onShape: { vm.onShapeChanged($0) },
                    onGpsFix: { vm.onGpsFix(lon: $0, lat: $1, accuracyM: $2) },
                    onMapTap: { vm.onMapTap(lon: $0, lat: $1) },
                    onUndo: { vm.undoLastPoint() },
                    onClear: { vm.clearPlace() }
                )
                progressSection
                PhotosSection(
                    photos: { vm.photos($0) },
                    enabled: !vm.saving,
                    error: vm.errors[.photos],
                    header: "blackspot.photos",
                    footer: "cleanup.photos_footer",
                    addPhoto: { await vm.addPhoto(path: $0, stage: $1) },
                    onOpen: { await vm.openPhoto(sha256: $0) },
                    onRemove: { vm.removePhoto(key: $0) }
                )
                Section("common.note") {
                    TextField("common.note", text: $vm.form.note, axis: .vertical)
                        .lineLimit(2...6)
                    FieldMessage(text: vm.errors[.note])
                }
                if vm.preparingPhotos {
                    Text("photos.wait_to_save").font(.footnote).foregroundStyle(.secondary)
                }
                SaveButtons(saving: !vm.canSave) { submit in await vm.save(submit: submit) }
            }
            .fullScreenCover(item: Binding(get: { vm.viewer }, set: { if $0 == nil { vm.closePhoto() } })) { viewer in
                PhotoViewerView(viewer: viewer, onRetry: { await vm.retryPhoto() }, onClose: { vm.closePhoto() })
            }
        }
        .navigationTitle("blackspot.title")
        .task { await vm.load() }
        .onChange(of: vm.saved) { saved in
            if saved != nil { dismiss() }
        }
    }

    /// The ladder: the status, the date of each step reached, and the next step a tap away.
    private var progressSection: some View {
        Section("blackspot.progress") {
            Picker("blackspot.status", selection: Binding(get: { vm.form.status }, set: { vm.onStatusChanged($0) })) {
                ForEach(SpotStatus.ladder, id: \.self) { st in
                    Text(st.titleKey).tag(st)
                }
            }
            FieldMessage(text: vm.errors[.status])
            ForEach(SpotStatus.ladder.filter { $0.step <= vm.form.status.step }, id: \.self) { step in
                DatePicker(
                    step.dateKey,
                    selection: Binding(get: { vm.form.dates[step] ?? Date() }, set: { vm.onDateChanged(step, $0) }),
                    in: ...Date(),
                    displayedComponents: .date
                )
                FieldMessage(text: vm.errors[step.dateField])
            }
            if let next = vm.nextStep {
                Button {
                    vm.onStatusChanged(next)
                } label: {
                    Text("blackspot.next \(Text(next.titleKey))")
                }
            }
        }
    }
}

extension SpotKind {
    var titleKey: LocalizedStringKey {
        switch self {
        case .spontaneousDump: return "spot_kind.spontaneous_dump"
        case .pollutionSpot: return "spot_kind.pollution_spot"
        case .burning: return "spot_kind.burning"
        case .violation: return "spot_kind.violation"
        }
    }
}

extension SpotStatus {
    var titleKey: LocalizedStringKey {
        switch self {
        case .reported: return "spot_status.reported"
        case .verified: return "spot_status.verified"
        case .cleaned: return "spot_status.cleaned"
        case .closed: return "spot_status.closed"
        }
    }

    /// The label of the date this step needs.
    var dateKey: LocalizedStringKey {
        switch self {
        case .reported: return "blackspot.reported_date"
        case .verified: return "blackspot.verified_date"
        case .cleaned: return "blackspot.cleaned_date"
        case .closed: return "blackspot.closed_date"
        }
    }
}
