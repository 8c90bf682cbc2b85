package vn.sachxanh.app

import android.Manifest
import android.content.ActivityNotFoundException
import android.content.Context
import android.content.pm.PackageManager
import android.graphics.BitmapFactory
import android.text.format.Formatter
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.asImageBitmap
import androidx.core.content.ContextCompat
import com.journeyapps.barcodescanner.ScanContract
import com.journeyapps.barcodescanner.ScanOptions
import kotlinx.coroutines.launch
import vn.sachxanh.app.ui.Devices
import vn.sachxanh.app.ui.Fix
import vn.sachxanh.app.ui.PhotoSource
import vn.sachxanh.app.ui.UiStrings
import java.io.File

/**
 * The app's string resources by name, for the screens' `tr(key)`: the same res/values*\/strings.xml
 * the JVM harness reads. res/raw/keep.xml keeps every string when resources are shrunk.
 */
class AndroidStrings(private val context: Context) : UiStrings {
    private val ids = HashMap<String, Int>()

    override val english: Boolean
        get() = context.resources.configuration.locales[0].language == "en"

    override fun get(key: String, args: Array<out Any>): String {
        val id = synchronized(ids) {
            ids.getOrPut(key) { context.resources.getIdentifier(key, "string", context.packageName) }
        }
        require(id != 0) { "no string resource named $key" }
        return if (args.isEmpty()) context.getString(id) else context.getString(id, *args)
    }

    override fun bytes(count: Long): String = Formatter.formatShortFileSize(context, count)
}

/** Location, camera, gallery, QR scanning and image decoding on an Android phone. */
class AndroidDevices(private val context: Context) : Devices {
    private val location = LocationSource(context)
    private val photoFiles = PhotoFiles(context)

    @Composable
    override fun rememberLocate(onFix: (Fix?) -> Unit): () -> Unit {
        val scope = rememberCoroutineScope()
        val locate = {
            scope.launch { onFix(location.currentFix()) }
            Unit
        }
        val askPermission = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) { granted ->
            if (granted.values.any { it }) locate() else onFix(null)
        }
        return {
            if (location.permitted()) {
                locate()
            } else {
                askPermission.launch(arrayOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION))
            }
        }
    }

    /**
     * The camera writes into a cache file; a gallery photo is copied into one; the path goes to
     * [onPhoto] (the form's `addPhoto`). Both survive the activity being killed while the camera
     * app is open (cheap phones do that), hence saveable: the field, the stage and the camera's
     * file. Once nothing is [preparing], the core holds its own copies and the cache files go.
     */
    @Composable
    override fun rememberPhotoSource(preparing: Boolean, onPhoto: (path: String, file: String, stage: String?) -> Unit): PhotoSource {
        val scope = rememberCoroutineScope()
        var field by rememberSaveable { mutableStateOf("") }
        var stage by rememberSaveable { mutableStateOf<String?>(null) }
        var cameraFile by rememberSaveable { mutableStateOf<String?>(null) }
        var problem by remember { mutableStateOf<String?>(null) }
        val takePicture = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { taken ->
            val path = cameraFile
            cameraFile = null
            if (taken && path != null) {
                onPhoto(field, path, stage)
            } else if (path != null) {
                File(path).delete() // the person backed out of the camera: an empty file
            }
        }
        val openCamera = {
            val (file, uri) = photoFiles.newCameraTarget()
            cameraFile = file.path
            problem = null
            try {
                takePicture.launch(uri)
            } catch (e: ActivityNotFoundException) {
                cameraFile = null
                problem = context.getString(R.string.photo_no_camera)
            }
        }
        // The manifest declares CAMERA (QR scanning), so Android lets the camera app be asked for
        // a photo only once it is granted.
        val askCamera = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
            if (granted) openCamera() else problem = context.getString(R.string.photo_camera_denied)
        }
        val pickPhoto = rememberLauncherForActivityResult(ActivityResultContracts.PickVisualMedia()) { uri ->
            if (uri != null) {
                val (f, s) = field to stage
                scope.launch {
                    val copy = photoFiles.copyFromGallery(uri)
                    if (copy != null) onPhoto(f, copy.path, s) else problem = context.getString(R.string.photo_unreadable)
                }
            }
        }
        LaunchedEffect(preparing) {
            if (!preparing) photoFiles.cleanUp(keep = cameraFile)
        }
        return PhotoSource(
            take = { path, st ->
                field = path
                stage = st
                if (ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) {
                    openCamera()
                } else {
                    askCamera.launch(Manifest.permission.CAMERA)
                }
            },
            pick = { path, st ->
                field = path
                stage = st
                problem = null
                pickPhoto.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageOnly))
            },
            problem = problem,
        )
    }

    /** ZXing's scanner (no Google Play services); it asks for the camera itself. */
    @Composable
    override fun rememberQrScanner(onScanned: (payload: String) -> Unit): (() -> Unit)? {
        val prompt = context.getString(R.string.enrol_scan_prompt)
        val scan = rememberLauncherForActivityResult(ScanContract()) { result -> result.contents?.let(onScanned) }
        return {
            scan.launch(
                ScanOptions()
                    .setDesiredBarcodeFormats(ScanOptions.QR_CODE)
                    .setPrompt(prompt)
                    .setBeepEnabled(false)
                    .setOrientationLocked(false),
            )
        }
    }

    // Decoded at a power-of-two reduction: a 1600 px photo is 7 MB as a bitmap.
    override fun decodePhoto(bytes: ByteArray, maxPx: Int): ImageBitmap? {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        BitmapFactory.decodeByteArray(bytes, 0, bytes.size, bounds)
        var sample = 1
        while (bounds.outWidth / (sample * 2) >= maxPx && bounds.outHeight / (sample * 2) >= maxPx) sample *= 2
        return BitmapFactory.decodeByteArray(bytes, 0, bytes.size, BitmapFactory.Options().apply { inSampleSize = sample })?.asImageBitmap()
    }
}
