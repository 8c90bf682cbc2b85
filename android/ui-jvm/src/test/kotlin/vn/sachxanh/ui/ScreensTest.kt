package vn.sachxanh.ui

import androidx.compose.ui.geometry.Rect
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.DynamicContainer.dynamicContainer
import org.junit.jupiter.api.DynamicNode
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import androidx.compose.foundation.layout.size
import androidx.compose.ui.unit.dp
import java.io.File
import javax.imageio.ImageIO

/** A language and a font size a person may set on the phone. */
data class Variant(val english: Boolean, val fontScale: Float) {
    val suffix: String get() = "${if (english) "en" else "vi"}.${(fontScale * 100).toInt()}"
    override fun toString() = "${if (english) "English" else "Vietnamese"}, font ×$fontScale"

    companion object {
        val all = listOf(Variant(false, 1f), Variant(false, 1.3f), Variant(true, 1f), Variant(true, 1.3f))
    }
}

/** Shots of Vietnamese at the normal font size, kept for the accessibility tests. */
object ShotCache {
    private val shots = HashMap<String, Shot>()

    @Synchronized
    fun get(case: Case, v: Variant): Shot {
        val key = "${case.name}.${v.suffix}"
        shots[key]?.let { return it }
        return shoot(v.english, v.fontScale, heightDp = case.heightDp, content = case.content).also { if (!v.english && v.fontScale == 1f) shots[key] = it }
    }
}

/**
 * Every screen in every state, in Vietnamese and English, at the normal font size and at 1.3:
 * rendered at 360×640 dp and compared with the committed reference
 * (src/test/resources/screens/<screen>/<state>.<lang>.<scale>.png), and no text cut off or
 * drawn over another. `scripts/update-screens` rewrites the references on purpose.
 */
class ScreensTest {
    private val update = System.getProperty("sachxanh.updateScreens") == "true"

    /** Up to this share of the pixels may differ (anti-aliasing on another CPU); a changed screen differs by far more. */
    private val tolerance = 0.002

    private fun file(case: Case, v: Variant) = File(Paths.screens, "${case.name}.${v.suffix}.png")

    @TestFactory
    fun `every screen in every state matches its reference and cuts no text off`(): List<DynamicNode> =
        cases().map { case ->
            dynamicContainer(case.name, case.variants.map { v -> dynamicTest(v.toString()) { check(case, v) } })
        }

    private fun check(case: Case, v: Variant) {
        val shot = ShotCache.get(case, v)
        val problems = shot.textProblems
        val picture = Pictures.palette(shot.image)
        val ref = file(case, v)
        if (update) {
            Pictures.write(picture, ref)
        } else {
            if (!ref.exists()) fail<Unit>("no reference picture ${ref.name} for ${case.name}: run scripts/update-screens and look at it")
            val expected = ImageIO.read(ref)
            val differing = Pictures.differing(expected, picture)
            if (differing > tolerance * picture.width * picture.height) {
                val out = File("target/screens-diff/${case.name}.${v.suffix}.png")
                Pictures.write(Pictures.diff(expected, picture), out)
                fail<Unit>("${case.name} (${v}) changed: $differing pixels differ; reference | difference | now in ${out.absolutePath}")
            }
        }
        assertTrue(problems.isEmpty(), "${case.name} ($v): ${problems.joinToString("; ")}")
    }

    @Test
    fun `no reference is left over from a screen or state that is gone`() {
        val expected = cases().flatMap { c -> c.variants.map { v -> file(c, v).canonicalFile } }.toSet()
        val found = Paths.screens.walk().filter { it.isFile && it.name.endsWith(".png") }.map { it.canonicalFile }.toSet()
        val stale = found - expected
        if (update) stale.forEach { it.delete() } else assertEquals(emptySet<File>(), stale, "references of no screen state: delete them (scripts/update-screens does)")
    }
}

/** The text checks themselves: a cut-off text and two texts drawn over each other are found. */
class TextChecksTest {
    @Test
    fun `a text cut off and two texts on top of each other are found`() {
        val shot = shoot(english = false, fontScale = 1.3f) {
            androidx.compose.foundation.layout.Box(androidx.compose.ui.Modifier.size(120.dp, 60.dp)) {
                androidx.compose.material3.Text("Lưu và gửi duyệt hồ sơ này", maxLines = 1, overflow = androidx.compose.ui.text.style.TextOverflow.Ellipsis)
                androidx.compose.material3.Text("Đồng bộ ngay")
            }
        }
        val problems = shot.textProblems
        assertTrue(problems.any { it.startsWith("cut off") }, problems.toString())
        assertTrue(problems.any { it.startsWith("overlap") }, problems.toString())
    }
}
