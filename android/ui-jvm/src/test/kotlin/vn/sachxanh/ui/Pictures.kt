package vn.sachxanh.ui

import java.awt.image.BufferedImage
import java.awt.image.IndexColorModel
import java.io.File
import javax.imageio.ImageIO
import kotlin.math.abs

/**
 * Screenshots as committed: 8-bit palette PNGs (a phone screen has few colours; anti-aliased text
 * keeps its look with 256), about a third of the size of full-colour ones. The palette is the
 * 256 most used colours, each pixel the nearest of them: the same picture gives the same file.
 */
object Pictures {
    fun palette(image: BufferedImage): BufferedImage {
        val w = image.width
        val h = image.height
        val argb = image.getRGB(0, 0, w, h, null, 0, w)
        val counts = HashMap<Int, Int>()
        for (p in argb) counts.merge(p and 0xFFFFFF, 1, Int::plus)
        val colours = counts.entries.sortedWith(compareByDescending<Map.Entry<Int, Int>> { it.value }.thenBy { it.key }).take(256).map { it.key }.toIntArray()
        val r = ByteArray(colours.size) { (colours[it] shr 16).toByte() }
        val g = ByteArray(colours.size) { (colours[it] shr 8).toByte() }
        val b = ByteArray(colours.size) { colours[it].toByte() }
        val model = IndexColorModel(8, colours.size, r, g, b)
        val out = BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, model)
        val index = HashMap<Int, Int>()
        colours.forEachIndexed { i, c -> index[c] = i }
        val raster = out.raster
        for (y in 0 until h) {
            for (x in 0 until w) {
                val c = argb[y * w + x] and 0xFFFFFF
                val i = index.getOrPut(c) { nearest(c, colours) }
                raster.setSample(x, y, 0, i)
            }
        }
        return out
    }

    private fun nearest(c: Int, colours: IntArray): Int {
        var best = 0
        var bestD = Int.MAX_VALUE
        for (i in colours.indices) {
            val d = dist(c, colours[i])
            if (d < bestD) {
                bestD = d
                best = i
            }
        }
        return best
    }

    private fun dist(a: Int, b: Int): Int {
        val dr = ((a shr 16) and 0xFF) - ((b shr 16) and 0xFF)
        val dg = ((a shr 8) and 0xFF) - ((b shr 8) and 0xFF)
        val db = (a and 0xFF) - (b and 0xFF)
        return dr * dr + dg * dg + db * db
    }

    fun write(image: BufferedImage, file: File) {
        file.parentFile.mkdirs()
        check(ImageIO.write(image, "png", file)) { "no PNG writer" }
    }

    /** Pixels whose colour differs by more than [channel] in any of red, green, blue. */
    fun differing(a: BufferedImage, b: BufferedImage, channel: Int = 24): Int {
        if (a.width != b.width || a.height != b.height) return a.width * a.height
        var n = 0
        for (y in 0 until a.height) {
            for (x in 0 until a.width) {
                val p = a.getRGB(x, y)
                val q = b.getRGB(x, y)
                if (abs(((p shr 16) and 0xFF) - ((q shr 16) and 0xFF)) > channel ||
                    abs(((p shr 8) and 0xFF) - ((q shr 8) and 0xFF)) > channel ||
                    abs((p and 0xFF) - (q and 0xFF)) > channel
                ) {
                    n++
                }
            }
        }
        return n
    }

    /** The two pictures side by side with the differing pixels in red between them. */
    fun diff(expected: BufferedImage, actual: BufferedImage): BufferedImage {
        val w = maxOf(expected.width, actual.width)
        val h = maxOf(expected.height, actual.height)
        val out = BufferedImage(w * 3, h, BufferedImage.TYPE_INT_RGB)
        val g = out.createGraphics()
        g.drawImage(expected, 0, 0, null)
        g.drawImage(actual, w * 2, 0, null)
        g.dispose()
        for (y in 0 until h) {
            for (x in 0 until w) {
                val p = if (x < expected.width && y < expected.height) expected.getRGB(x, y) else 0
                val q = if (x < actual.width && y < actual.height) actual.getRGB(x, y) else 0
                out.setRGB(w + x, y, if ((p xor q) and 0xFFFFFF == 0) 0xFFFFFF else 0xFF0000)
            }
        }
        return out
    }
}
