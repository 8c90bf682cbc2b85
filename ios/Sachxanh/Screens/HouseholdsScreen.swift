import SachxanhCore
import SwiftUI

/// The households of an area: search (diacritics optional), paging, add, check. With `onPick`,
/// the household picker of a form's Household field: a tapped row is the choice.
struct HouseholdsScreen: View {
    @StateObject private var vm: HouseholdsViewModel
    let navigate: (Route) -> Void
    var onPick: ((HouseholdRow) -> Void)? = nil

    init(vm: @autoclosure @escaping () -> HouseholdsViewModel, navigate: @escaping (Route) -> Void, onPick: ((HouseholdRow) -> Void)? = nil) {
        _vm = StateObject(wrappedValue: vm())
        self.navigate = navigate
        self.onPick = onPick
    }

    var body: some View {
        VStack(spacing: 0) {
            areaPicker
            content
        }
        .searchable(text: Binding(get: { vm.query }, set: { vm.onQueryChanged($0) }), prompt: Text("households.search"))
        .navigationTitle(Text("households.title"))
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                if onPick == nil, let target = vm.add() {
                    Button {
                        navigate(.form(target))
                    } label: {
                        Label("households.add", systemImage: "plus")
                    }
                }
            }
        }
        .onReturn { vm.refresh() }
    }

    @ViewBuilder
    private var areaPicker: some View {
        switch vm.state {
        case .content(let c) where c.areas.count > 1:
            picker(area: c.area, areas: c.areas)
        case .empty(let area, let areas, _) where areas.count > 1:
            picker(area: area, areas: areas)
        default:
            EmptyView()
        }
    }

    private func picker(area: AreaInfo, areas: [AreaInfo]) -> some View {
        Picker("households.area", selection: Binding(get: { area.id }, set: { vm.selectArea($0) })) {
            ForEach(areas, id: \.id) { a in Text(a.name).tag(a.id) }
        }
        .pickerStyle(.menu)
        .padding(.horizontal)
    }

    @ViewBuilder
    private var content: some View {
        switch vm.state {
        case .loading:
            LoadingView()
        case .noAreas:
            MessageView(systemImage: "map", text: Text("households.no_areas"))
        case .error(let m):
            MessageView(systemImage: "exclamationmark.triangle", text: Text(m.text), retry: { vm.refresh() })
        case .empty(let area, _, let query):
            MessageView(systemImage: "house", text: query.isBlank ? Text("households.empty \(area.name)") : Text("households.no_match \(query)"))
        case .content(let c):
            list(c)
        }
    }

    private func list(_ c: HouseholdsUiState.Content) -> some View {
        List {
            ForEach(c.items, id: \.id) { row in
                Button {
                    if let onPick { onPick(row) } else { navigate(.form(vm.open(row))) }
                } label: {
                    HouseholdRowView(row: row)
                }
                .foregroundStyle(.primary)
                .swipeActions {
                    if onPick == nil, let check = vm.check(row) {
                        Button {
                            navigate(.form(check))
                        } label: {
                            Label("households.check", systemImage: "checklist")
                        }
                        .tint(.green)
                    }
                }
            }
            if let error = c.moreError {
                Button(error.text) { vm.loadMore() }
            } else if c.next != nil {
                HStack {
                    Spacer()
                    ProgressView()
                    Spacer()
                }
                // The end of the list came into view: fetch the next page.
                .onAppear { vm.loadMore() }
            }
        }
        .listStyle(.plain)
        .refreshable { vm.refresh() }
    }
}

struct HouseholdRowView: View {
    let row: HouseholdRow

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(row.headName).font(.headline)
                Spacer()
                StatusTag(label: row.statusLabel, status: row.status)
            }
            Text(row.address).font(.subheadline).foregroundStyle(.secondary)
            Text("households.members \(Int(row.members))").font(.caption)
        }
    }
}
