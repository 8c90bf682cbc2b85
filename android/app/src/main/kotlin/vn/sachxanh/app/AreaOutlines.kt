package vn.sachxanh.app

import org.json.JSONArray
import org.json.JSONObject
import vn.sachxanh.core.Coord

/**
 * Area outlines for the cleanup map, read from the same GeoJSON the core is opened with (the FFI
 * does not hand geometry out yet). Drawing only: whether a place lies in the commune is the core's
 * judgement.
 */
class AreaOutlines(private val rings: Map<String, List<Coord>>) {
    fun of(areaId: String): List<Coord> = rings[areaId].orEmpty()

    companion object {
        fun parse(geojson: String): AreaOutlines {
            val features = JSONObject(geojson).optJSONArray("features") ?: JSONArray()
            val rings = buildMap {
                for (i in 0 until features.length()) {
                    val f = features.getJSONObject(i)
                    val props = f.optJSONObject("properties") ?: continue
                    if (props.optString("level") != "area") continue
                    val geometry = f.optJSONObject("geometry") ?: continue
                    val outer = when (geometry.optString("type")) {
                        "Polygon" -> geometry.getJSONArray("coordinates").optJSONArray(0)
                        "MultiPolygon" -> geometry.getJSONArray("coordinates").optJSONArray(0)?.optJSONArray(0)
                        else -> null
                    } ?: continue
                    put(props.getString("id"), (0 until outer.length()).map { j ->
                        val p = outer.getJSONArray(j)
                        Coord(p.getDouble(0), p.getDouble(1))
                    })
                }
            }
            return AreaOutlines(rings)
        }
    }
}
