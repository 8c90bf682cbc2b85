import SachxanhCore
import SwiftUI

/// The households of an area: search (diacritics optional), paging, add.
struct HouseholdsScreen: View {
    @StateObject private var vm: HouseholdsViewModel
    @State private var query = ""

    init(vm: @autoclosure @escaping () -> HouseholdsViewModel) {
        _vm = StateObject(wrappedValue: vm())
    }

    var body: some View {
        VStack(spacing: 0) {
            if vm.areas.count > 1, let area = vm.area {
                Picker("households.area", selection: Binding(get: { area.id }, set: { vm.selectArea($0) })) {
                    ForEach(vm.areas, id: \.id) { a in Text(a.name).tag(a.id) }
                }
                .pickerStyle(.menu)
                .padding(.horizontal)
            }
            StateView(state: vm.state, emptyKey: vm.query.isEmpty ? "households.empty" : "households.no_match", retry: { await vm.refresh() }) { content in
                List {
                    ForEach(content.items, id: \.id) { row in
                        NavigationLink(value: Route.householdForm(areaId: row.areaId, recordId: row.id)) {
                            HouseholdRowView(row: row, latest: content.latest[row.id])
                        }
                    }
                    if content.canLoadMore {
                        HStack {
                            Spacer()
                            if let error = vm.moreError {
                                Button(error) { Task { await vm.loadMore() } }
                            } else {
                                ProgressView()
                            }
                            Spacer()
                        }
                        // The end of the list came into view: fetch the next page.
                        .task(id: content.items.count) { await vm.loadMore() }
                    }
                }
                .listStyle(.plain)
                .refreshable { await vm.refresh() }
            }
        }
        .searchable(text: $query, prompt: Text("households.search"))
        .onChange(of: query) { vm.onQueryChanged($0) }
        .navigationTitle(vm.area?.name ?? "")
        .toolbar {
            if let area = vm.area {
                ToolbarItem(placement: .primaryAction) {
                    NavigationLink(value: Route.householdForm(areaId: area.id, recordId: nil)) {
                        Label("households.add", systemImage: "plus")
                    }
                }
            }
        }
        .task { await vm.start() }
    }
}

struct HouseholdRowView: View {
    let row: HouseholdRow
    let latest: LatestCheck?

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(row.headName).font(.headline)
                Spacer()
                StatusBadge(status: row.status)
            }
            Text(row.address).font(.subheadline).foregroundStyle(.secondary)
            HStack(spacing: 12) {
                Text("households.members \(Int(row.members))")
                if let latest {
                    Label {
                        Text(Days.display(latest.checkDate))
                    } icon: {
                        Image(systemName: latest.allSorted ? "checkmark.circle.fill" : "exclamationmark.circle")
                            .foregroundStyle(latest.allSorted ? Color.green : Color.orange)
                    }
                }
            }
            .font(.caption)
        }
    }
}
