import MapKit
import SachxanhCore
import SwiftUI
import UIKit

/// A map to place a record (a point, a line along a street or canal, a polygon around a square or
/// a pond) by tapping, over Apple's map tiles, with the area's outline from the core drawn on it.
/// Tiles need a connection; without one the outline, the points and the GPS button still work.
struct PlaceMapView: UIViewRepresentable {
    let shape: SachxanhCore.Shape
    let points: [Coord]
    /// The area's outer ring (`areaOutline`), to show where the place must be.
    let outline: [Coord]
    let onTap: (_ lon: Double, _ lat: Double) -> Void

    func makeCoordinator() -> Coordinator { Coordinator(onTap: onTap) }

    func makeUIView(context: Context) -> MKMapView {
        let map = MKMapView()
        map.delegate = context.coordinator
        map.showsUserLocation = true
        map.pointOfInterestFilter = .excludingAll
        let tap = UITapGestureRecognizer(target: context.coordinator, action: #selector(Coordinator.tapped(_:)))
        map.addGestureRecognizer(tap)
        if let first = points.first {
            map.setRegion(
                MKCoordinateRegion(center: first.location, latitudinalMeters: 400, longitudinalMeters: 400),
                animated: false
            )
        } else if outline.count >= 3 {
            let ring = MKPolygon(coordinates: outline.map(\.location), count: outline.count)
            map.setVisibleMapRect(ring.boundingMapRect, edgePadding: UIEdgeInsets(top: 16, left: 16, bottom: 16, right: 16), animated: false)
        } else {
            map.userTrackingMode = .follow
        }
        return map
    }

    func updateUIView(_ map: MKMapView, context: Context) {
        context.coordinator.onTap = onTap
        map.removeAnnotations(map.annotations.filter { !($0 is MKUserLocation) })
        map.removeOverlays(map.overlays)
        if outline.count >= 3 {
            map.addOverlay(AreaOutline(coordinates: outline.map(\.location), count: outline.count))
        }
        let coords = points.map(\.location)
        for (i, c) in coords.enumerated() {
            let pin = MKPointAnnotation()
            pin.coordinate = c
            pin.title = String(i + 1)
            map.addAnnotation(pin)
        }
        switch shape {
        case .line where coords.count >= 2:
            map.addOverlay(MKPolyline(coordinates: coords, count: coords.count))
        case .polygon where coords.count >= 3:
            map.addOverlay(MKPolygon(coordinates: coords, count: coords.count))
        default:
            break
        }
    }

    final class Coordinator: NSObject, MKMapViewDelegate {
        var onTap: (Double, Double) -> Void

        init(onTap: @escaping (Double, Double) -> Void) {
            self.onTap = onTap
        }

        @objc func tapped(_ gesture: UITapGestureRecognizer) {
            guard let map = gesture.view as? MKMapView else { return }
            let c = map.convert(gesture.location(in: map), toCoordinateFrom: map)
            onTap(c.longitude, c.latitude)
        }

        func mapView(_ mapView: MKMapView, rendererFor overlay: MKOverlay) -> MKOverlayRenderer {
            if let area = overlay as? AreaOutline {
                let r = MKPolygonRenderer(polygon: area)
                r.strokeColor = .systemBlue
                r.lineDashPattern = [6, 4]
                r.lineWidth = 2
                return r
            }
            if let line = overlay as? MKPolyline {
                let r = MKPolylineRenderer(polyline: line)
                r.strokeColor = .systemGreen
                r.lineWidth = 4
                return r
            }
            if let polygon = overlay as? MKPolygon {
                let r = MKPolygonRenderer(polygon: polygon)
                r.strokeColor = .systemGreen
                r.fillColor = UIColor.systemGreen.withAlphaComponent(0.2)
                r.lineWidth = 2
                return r
            }
            return MKOverlayRenderer(overlay: overlay)
        }
    }
}

/// The area's outline, drawn apart from the place's own polygon.
final class AreaOutline: MKPolygon {}

extension Coord {
    /// The core stores longitude first (GeoJSON order); MapKit wants latitude first.
    var location: CLLocationCoordinate2D { CLLocationCoordinate2D(latitude: lat, longitude: lon) }
}
