import SachxanhCore
import SwiftUI

/// The covenant (hương ước, quy ước) of each of my areas, in the core's words; area heads and
/// staff open one to record it in the generic form, volunteers read.
struct CovenantScreen: View {
    @StateObject private var vm: CovenantViewModel
    let navigate: (Route) -> Void

    init(vm: @autoclosure @escaping () -> CovenantViewModel, navigate: @escaping (Route) -> Void) {
        _vm = StateObject(wrappedValue: vm())
        self.navigate = navigate
    }

    var body: some View {
        content
            .navigationTitle("covenant.title")
            .onReturn { vm.refresh() }
    }

    @ViewBuilder
    private var content: some View {
        switch vm.state {
        case .loading:
            LoadingView()
        case .empty:
            MessageView(systemImage: "doc.text", text: Text("covenant.empty"))
        case .error(let m):
            MessageView(systemImage: "exclamationmark.triangle", text: Text(m.text), retry: { vm.refresh() })
        case .content(let rows):
            List {
                ForEach(rows) { row in
                    Button {
                        if let target = vm.edit(areaId: row.areaId) { navigate(.form(target)) }
                    } label: {
                        CovenantRowView(row: row)
                    }
                    .disabled(!row.canEdit)
                    .foregroundStyle(.primary)
                }
            }
            .refreshable { vm.refresh() }
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
                if let review = row.reviewStatus, let label = row.reviewStatusLabel {
                    StatusTag(label: label, status: review)
                }
            }
            HStack(spacing: 8) {
                Text(row.statusLabel.text)
                if row.withEnvironment {
                    Label("covenant.with_environment", systemImage: "leaf").foregroundStyle(.green)
                }
            }
            .font(.subheadline)
        }
    }
}
