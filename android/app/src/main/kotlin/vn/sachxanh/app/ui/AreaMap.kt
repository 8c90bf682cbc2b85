package vn.sachxanh.app.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.gestures.detectTapGestures
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.MaterialTheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.IntSize
import vn.sachxanh.core.Coord
import vn.sachxanh.core.Shape
import kotlin.math.cos
import kotlin.math.max

/**
 * A tap-to-place map without tiles (no data plan spent, works with no signal): the area's outline,
 * the place drawn so far, and the tap turned back into longitude and latitude.
 */
@Composable
fun AreaMap(
    outline: List<Coord>,
    shape: Shape,
    points: List<Coord>,
    description: String,
    onTap: (lon: Double, lat: Double) -> Unit,
    modifier: Modifier = Modifier,
) {
    if (outline.size < 3) return
    val line = MaterialTheme.colorScheme.primary
    val mark = MaterialTheme.colorScheme.error
    val projection = Projection(outline)
    Canvas(
        modifier
            .fillMaxWidth()
            .aspectRatio(1.4f)
            .semantics { contentDescription = description }
            .pointerInput(outline) {
                detectTapGestures { offset ->
                    val c = projection.unproject(offset, size)
                    onTap(c.lon, c.lat)
                }
            },
    ) {
        val canvas = IntSize(size.width.toInt(), size.height.toInt())
        val area = Path().apply {
            outline.forEachIndexed { i, c ->
                val p = projection.project(c, canvas)
                if (i == 0) moveTo(p.x, p.y) else lineTo(p.x, p.y)
            }
            close()
        }
        drawPath(area, line, style = Stroke(width = 4f))
        val drawn = points.map { projection.project(it, canvas) }
        if (shape != Shape.POINT && drawn.size > 1) {
            val path = Path().apply {
                drawn.forEachIndexed { i, p -> if (i == 0) moveTo(p.x, p.y) else lineTo(p.x, p.y) }
                if (shape == Shape.POLYGON) close()
            }
            drawPath(path, mark, style = Stroke(width = 6f))
        }
        drawn.forEach { drawCircle(mark, radius = 12f, center = it) }
    }
}

/** Equirectangular, fitted to the outline with a margin: accurate enough inside one hamlet. */
private class Projection(outline: List<Coord>) {
    private val minLon = outline.minOf { it.lon }
    private val maxLon = outline.maxOf { it.lon }
    private val minLat = outline.minOf { it.lat }
    private val maxLat = outline.maxOf { it.lat }
    private val lonScale = cos(Math.toRadians((minLat + maxLat) / 2))
    private val spanX = (maxLon - minLon) * lonScale
    private val spanY = maxLat - minLat
    private val span = max(spanX, spanY) * 1.1

    fun project(c: Coord, size: IntSize): Offset {
        val side = minOf(size.width, size.height).toDouble()
        val s = side / span
        val x = ((c.lon - minLon) * lonScale + (span - spanX) / 2) * s + (size.width - side) / 2
        val y = ((maxLat - c.lat) + (span - spanY) / 2) * s + (size.height - side) / 2
        return Offset(x.toFloat(), y.toFloat())
    }

    fun unproject(o: Offset, size: IntSize): Coord {
        val side = minOf(size.width, size.height).toDouble()
        val s = side / span
        val lon = ((o.x - (size.width - side) / 2) / s - (span - spanX) / 2) / lonScale + minLon
        val lat = maxLat - ((o.y - (size.height - side) / 2) / s - (span - spanY) / 2)
        return Coord(lon, lat)
    }
}
