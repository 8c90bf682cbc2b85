package vn.sachxanh.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.remember
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.toComposeImageBitmap
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.platform.Font
import androidx.compose.ui.unit.Density
import org.jetbrains.skia.Image
import org.w3c.dom.Element
import vn.sachxanh.app.ui.Devices
import vn.sachxanh.app.ui.Fix
import vn.sachxanh.app.ui.LocalDevices
import vn.sachxanh.app.ui.LocalUiStrings
import vn.sachxanh.app.ui.PhotoSource
import vn.sachxanh.app.ui.SachxanhTheme
import vn.sachxanh.app.ui.UiStrings
import java.io.File
import java.util.Locale
import java.util.concurrent.ConcurrentLinkedQueue
import javax.xml.parsers.DocumentBuilderFactory

/** Where the app's sources and resources are (set by the pom for surefire). */
object Paths {
    val res = File(System.getProperty("sachxanh.res") ?: "../app/src/main/res")
    val ui = File(System.getProperty("sachxanh.ui") ?: "../app/src/main/kotlin/vn/sachxanh/app/ui")
    val screens = File(System.getProperty("sachxanh.screens") ?: "src/test/resources/screens")
}

/**
 * The Android string resources read from the same res/values*\/strings.xml the app is built
 * with (one copy of each string), formatted like Android's `getString`.
 */
class ResourceStrings(override val english: Boolean) : UiStrings {
    val table: Map<String, String> = read(File(Paths.res, if (english) "values-en/strings.xml" else "values/strings.xml"))
    private val locale = if (english) Locale.ENGLISH else Locale.forLanguageTag("vi")

    override fun get(key: String, args: Array<out Any>): String {
        val s = table[key] ?: error("no string named $key in ${if (english) "values-en" else "values"}/strings.xml")
        return if (args.isEmpty()) s else String.format(locale, s, *args)
    }

    // Android's Formatter.formatShortFileSize: kB = 1000 bytes, one decimal under 100.
    override fun bytes(count: Long): String = when {
        count < 1000 -> "$count B"
        count < 1_000_000 -> String.format(locale, if (count < 100_000) "%.1f kB" else "%.0f kB", count / 1000.0)
        else -> String.format(locale, "%.1f MB", count / 1_000_000.0)
    }

    companion object {
        val vi by lazy { ResourceStrings(english = false) }
        val en by lazy { ResourceStrings(english = true) }

        /** Name → text of one strings.xml, with Android's escapes undone. */
        fun read(file: File): Map<String, String> {
            val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file)
            val nodes = doc.getElementsByTagName("string")
            return (0 until nodes.length).associate { i ->
                val e = nodes.item(i) as Element
                e.getAttribute("name") to unescape(e.textContent)
            }
        }

        private fun unescape(s: String): String {
            val t = s.trim().removeSurrounding("\"")
            val out = StringBuilder()
            var i = 0
            while (i < t.length) {
                val c = t[i]
                if (c == '\\' && i + 1 < t.length) {
                    out.append(
                        when (val n = t[i + 1]) {
                            'n' -> '\n'
                            't' -> '\t'
                            else -> n
                        },
                    )
                    i += 2
                } else {
                    out.append(c)
                    i++
                }
            }
            return out.toString()
        }
    }
}

/**
 * The phone's devices in tests: a GPS that answers with [fix], a camera that hands out the files
 * queued in [photos] (camera-like JPEGs made by the test), a QR scanner reading [qr].
 */
class TestDevices : Devices {
    @Volatile
    var fix: Fix? = null
    val photos = ConcurrentLinkedQueue<File>()

    @Volatile
    var qr: String? = null

    @Composable
    override fun rememberLocate(onFix: (Fix?) -> Unit): () -> Unit = { onFix(fix) }

    @Composable
    override fun rememberPhotoSource(preparing: Boolean, onPhoto: (path: String, file: String, stage: String?) -> Unit): PhotoSource =
        PhotoSource(
            take = { path, stage -> photos.poll()?.let { onPhoto(path, it.path, stage) } },
            pick = { path, stage -> photos.poll()?.let { onPhoto(path, it.path, stage) } },
            problem = null,
        )

    @Composable
    override fun rememberQrScanner(onScanned: (payload: String) -> Unit): (() -> Unit)? = { qr?.let(onScanned) }

    override fun decodePhoto(bytes: ByteArray, maxPx: Int): ImageBitmap? =
        runCatching { Image.makeFromEncoded(bytes).toComposeImageBitmap() }.getOrNull()
}

/** Roboto (Android's own font, with every Vietnamese letter), bundled: no system font is used. */
object Fonts {
    private fun font(name: String, weight: FontWeight) =
        Font("roboto-$name", Fonts::class.java.getResourceAsStream("/fonts/Roboto-$name.ttf")!!.readBytes(), weight)

    val roboto: FontFamily by lazy {
        FontFamily(font("Regular", FontWeight.Normal), font("Medium", FontWeight.Medium), font("Bold", FontWeight.Bold))
    }
}

/**
 * The screens as the app shows them: the theme with the bundled font, the strings of one
 * language, the test's devices, a phone's density (1 px per dp in screenshots) and font scale.
 */
@Composable
fun Phone(
    english: Boolean = false,
    fontScale: Float = 1f,
    density: Float = 1f,
    devices: Devices = remember { TestDevices() },
    content: @Composable () -> Unit,
) {
    CompositionLocalProvider(
        LocalUiStrings provides if (english) ResourceStrings.en else ResourceStrings.vi,
        LocalDevices provides devices,
        LocalDensity provides Density(density, fontScale),
    ) {
        SachxanhTheme(Fonts.roboto, content)
    }
}
