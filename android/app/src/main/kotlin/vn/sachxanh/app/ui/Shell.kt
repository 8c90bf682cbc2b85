package vn.sachxanh.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.runtime.staticCompositionLocalOf
import androidx.compose.ui.graphics.ImageBitmap
import vn.sachxanh.core.Message
import vn.sachxanh.state.pick

// What the screens need from the platform they run on, behind small interfaces: the Android app
// provides them (vn.sachxanh.app.AndroidShell: string resources, the camera, the photo picker,
// LocationManager, the ZXing scanner, BitmapFactory), the JVM test harness its own
// (android/ui-jvm). The screens in this folder use only androidx.compose.* APIs that Compose for
// Desktop also has, the state layer and the bindings, so the same source compiles on both.

/**
 * The app's own words (button captions, "no network"): Android's string resources
 * (res/values, res/values-en), by resource name. Words about the campaign's data never come from
 * here but from the core (`Message`).
 */
interface UiStrings {
    /** The person reads English (the phone is set to it); Vietnamese otherwise. */
    val english: Boolean

    /** The string named [key] in res/values*\/strings.xml, formatted with [args] like `getString`. */
    fun get(key: String, args: Array<out Any>): String

    /** A byte count for people ("240 kB"). */
    fun bytes(count: Long): String
}

/** One position fix from the phone's location service. */
data class Fix(val lon: Double, val lat: Double, val accuracyM: Float?)

/** The camera and the photo picker of one form: each hands a file to the form's `addPhoto`. */
class PhotoSource(
    /** Takes a photo with the camera for the field at [path], under [stage] (a code of its stages, or null). */
    val take: (path: String, stage: String?) -> Unit,
    /** Picks a photo already on the phone. */
    val pick: (path: String, stage: String?) -> Unit,
    /** What went wrong getting a photo (no camera, permission refused), in the app's words. */
    val problem: String?,
)

/** What only the device has: location, camera and gallery, the QR scanner, image decoding. */
interface Devices {
    /**
     * A button's action that finds where the phone is (asking for the permission first) and
     * hands the fix, or `null` when none came, to [onFix].
     */
    @Composable
    fun rememberLocate(onFix: (Fix?) -> Unit): () -> Unit

    /**
     * The camera and the gallery; [onPhoto] gets the field's path, the file written and its
     * stage. Files handed over may be deleted once nothing is [preparing] any more.
     */
    @Composable
    fun rememberPhotoSource(preparing: Boolean, onPhoto: (path: String, file: String, stage: String?) -> Unit): PhotoSource

    /** Starts the QR scanner; `null` when the phone cannot scan. */
    @Composable
    fun rememberQrScanner(onScanned: (payload: String) -> Unit): (() -> Unit)?

    /** A JPEG or PNG decoded for display, at most about [maxPx] on its shorter edge. */
    fun decodePhoto(bytes: ByteArray, maxPx: Int): ImageBitmap?
}

val LocalUiStrings = staticCompositionLocalOf<UiStrings> { error("no UiStrings provided: wrap the screens in ProvideShell") }
val LocalDevices = staticCompositionLocalOf<Devices> { error("no Devices provided: wrap the screens in ProvideShell") }

/** The app's string named [key] (res/values*\/strings.xml), in the person's language. */
@Composable
@ReadOnlyComposable
fun tr(key: String, vararg args: Any): String = LocalUiStrings.current.get(key, args)

/** A message from the core or the state layer, in the person's language. */
@Composable
@ReadOnlyComposable
fun Message.show(): String = pick(LocalUiStrings.current.english)
