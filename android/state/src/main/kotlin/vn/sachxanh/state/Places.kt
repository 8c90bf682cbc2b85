package vn.sachxanh.state

import vn.sachxanh.core.Coord
import vn.sachxanh.core.Place
import vn.sachxanh.core.Shape

/** Where the place's last point came from, shown next to the map. */
enum class PlaceSource { GPS, MAP }

/**
 * A place being drawn in a form's Place or Point field: GPS fixes or taps on the small map of
 * the area's outline. The core judges it (a valid shape, inside the commune) as it is checked.
 */
data class PlaceDraft(
    /** A point for one spot; a line along a street or canal; a polygon for a square or a pond. */
    val shape: Shape = Shape.POINT,
    val points: List<Coord> = emptyList(),
    val source: PlaceSource? = null,
    /** Metres, from the last GPS fix: the person judges whether to wait for a better one. */
    val gpsAccuracyM: Float? = null,
) {
    /** The shape's code, as in the field's `Input.Place.shapes` choices. */
    val shapeCode: String get() = shape.code()

    fun withShape(shape: Shape) = copy(shape = shape, points = if (shape == Shape.POINT) points.takeLast(1) else points)

    /** A fix from the phone's GPS: the person is standing at the place. */
    fun withGpsFix(lon: Double, lat: Double, accuracyM: Float?) = withPoint(Coord(lon, lat), PlaceSource.GPS).copy(gpsAccuracyM = accuracyM)

    /** A tap on the map over the area's outline. */
    fun withMapTap(lon: Double, lat: Double) = withPoint(Coord(lon, lat), PlaceSource.MAP).copy(gpsAccuracyM = null)

    fun withoutLastPoint() = copy(points = points.dropLast(1))
    fun cleared() = PlaceDraft(shape = shape)

    /** What the form sends: nothing until a point is placed. */
    fun toPlace(): Place? = if (points.isEmpty()) null else Place(shape, points)

    // A point is replaced by the newer one; lines and polygons grow vertex by vertex.
    private fun withPoint(p: Coord, source: PlaceSource) =
        copy(points = if (shape == Shape.POINT) listOf(p) else points + p, source = source)

    companion object {
        fun of(place: Place?) = place?.let { PlaceDraft(it.shape, it.coords) } ?: PlaceDraft()
    }
}

/**
 * A core enum's code as its `Choice` lists carry it (`Shape.POLYGON` ↔ `"polygon"`): the
 * bindings name enum entries by the same Rust variant the code is made from, so this holds for
 * every enum the core lists as choices.
 */
internal fun Enum<*>.code(): String = name.lowercase()

internal inline fun <reified E : Enum<E>> enumOfCode(code: String?): E? =
    code?.let { c -> enumValues<E>().firstOrNull { it.code() == c } }
