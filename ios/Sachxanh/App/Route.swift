import Foundation

/// Every screen reachable from the home screen, as a value for NavigationStack.
enum Route: Hashable {
    case households(areaId: String?)
    case householdForm(areaId: String, recordId: String?)
    case sortingCheck(householdId: String, areaId: String, recordId: String?)
    case cleanup(areaId: String?, recordId: String?)
    case blackSpot(areaId: String?, recordId: String?)
    case covenants
    case outbox
    case reviewQueue
}
