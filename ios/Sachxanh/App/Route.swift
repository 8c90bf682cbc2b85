import Foundation

/// Every screen reachable from the home screen, as a value for NavigationStack. Every record of
/// every kind opens in the one generic form (`form`).
enum Route: Hashable {
    case households(areaId: String?)
    case form(FormTarget)
    case covenants
    case outbox
    case reviewQueue
}
