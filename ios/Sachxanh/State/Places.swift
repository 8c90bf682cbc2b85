import Foundation
import SachxanhCore

/// Where the place's last point came from, shown next to the map.
enum PlaceSource: Equatable {
    case gps
    case map
}

/// A place being recorded on a form (a cleanup, a black spot): a GPS fix or taps on the map. The
/// core judges it when the record is saved (inside the commune, a valid shape).
struct PlaceDraft: Equatable {
    /// A point for one spot; a line along a street or canal; a polygon for a square or a pond.
    var shape: SachxanhCore.Shape = .point
    var points: [Coord] = []
    var source: PlaceSource?
    /// Metres, from the last GPS fix: the person judges whether to wait for a better one.
    var gpsAccuracyM: Double?

    init(shape: SachxanhCore.Shape = .point, points: [Coord] = []) {
        self.shape = shape
        self.points = points
    }

    init(_ place: Place) {
        self.init(shape: place.shape, points: place.coords)
    }

    var place: Place { Place(shape: shape, coords: points) }

    mutating func setShape(_ newShape: SachxanhCore.Shape) {
        shape = newShape
        // A point keeps only the last vertex; a line or polygon starts from what is there.
        if newShape == .point, let last = points.last { points = [last] }
    }

    /// A fix from the phone's GPS: the person is standing at the place.
    mutating func addGpsFix(lon: Double, lat: Double, accuracyM: Double?) {
        add(Coord(lon: lon, lat: lat), from: .gps)
        gpsAccuracyM = accuracyM
    }

    /// A tap on the map.
    mutating func addMapTap(lon: Double, lat: Double) {
        add(Coord(lon: lon, lat: lat), from: .map)
        gpsAccuracyM = nil
    }

    mutating func undoLastPoint() {
        guard !points.isEmpty else { return }
        points.removeLast()
    }

    mutating func clear() {
        points = []
        source = nil
        gpsAccuracyM = nil
    }

    /// A point replaces the place; a line or polygon grows by one vertex.
    private mutating func add(_ c: Coord, from newSource: PlaceSource) {
        if shape == .point { points = [c] } else { points.append(c) }
        source = newSource
    }
}
