import Foundation
import SachxanhCore

/// Where the place's last point came from, shown next to the map.
enum PlaceSource: Equatable {
    case gps
    case map
}

/// A place being drawn in a form's Place or Point field: GPS fixes or taps on the small map of
/// the area's outline. The core judges it (a valid shape, inside the commune) as it is checked.
struct PlaceDraft: Equatable {
    /// A point for one spot; a line along a street or canal; a polygon for a square or a pond.
    var shape: SachxanhCore.Shape = .point
    var points: [Coord] = []
    var source: PlaceSource? = nil
    /// Metres, from the last GPS fix: the person judges whether to wait for a better one.
    var gpsAccuracyM: Double? = nil

    /// The shape's code, as in the field's `Input.place(shapes:)` choices.
    var shapeCode: String { coreCode(shape) }

    func withShape(_ shape: SachxanhCore.Shape) -> PlaceDraft {
        var d = self
        d.shape = shape
        if shape == .point { d.points = Array(points.suffix(1)) }
        return d
    }

    /// A fix from the phone's GPS: the person is standing at the place.
    func withGpsFix(lon: Double, lat: Double, accuracyM: Double?) -> PlaceDraft {
        var d = withPoint(Coord(lon: lon, lat: lat), .gps)
        d.gpsAccuracyM = accuracyM
        return d
    }

    /// A tap on the map over the area's outline.
    func withMapTap(lon: Double, lat: Double) -> PlaceDraft {
        var d = withPoint(Coord(lon: lon, lat: lat), .map)
        d.gpsAccuracyM = nil
        return d
    }

    func withoutLastPoint() -> PlaceDraft {
        var d = self
        d.points = Array(points.dropLast())
        return d
    }

    func cleared() -> PlaceDraft { PlaceDraft(shape: shape) }

    /// What the form sends: nothing until a point is placed.
    func toPlace() -> Place? { points.isEmpty ? nil : Place(shape: shape, coords: points) }

    // A point is replaced by the newer one; lines and polygons grow vertex by vertex.
    private func withPoint(_ p: Coord, _ source: PlaceSource) -> PlaceDraft {
        var d = self
        d.points = shape == .point ? [p] : points + [p]
        d.source = source
        return d
    }

    static func of(_ place: Place?) -> PlaceDraft {
        guard let place else { return PlaceDraft() }
        return PlaceDraft(shape: place.shape, points: place.coords)
    }
}

// The cases of the two core enums a form writes back from a `Choice` code (Kotlin reads them
// with `enumValues`; Swift has no such list for another module's plain enum). The codes
// themselves are the bindings' case names (`coreCode`), not restated here.

extension SachxanhCore.Shape {
    static let all: [SachxanhCore.Shape] = [.point, .line, .polygon]

    init?(code: String?) {
        guard let s = enumOfCode(code, in: Self.all) else { return nil }
        self = s
    }
}

extension PhotoStage {
    static let all: [PhotoStage] = [.before, .after]

    init?(code: String?) {
        guard let s = enumOfCode(code, in: Self.all) else { return nil }
        self = s
    }
}
