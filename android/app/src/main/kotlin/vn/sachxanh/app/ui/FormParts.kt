package vn.sachxanh.app.ui

import android.Manifest
import android.content.ActivityNotFoundException
import android.content.pm.PackageManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.SegmentedButton
import androidx.compose.material3.SegmentedButtonDefaults
import androidx.compose.material3.SingleChoiceSegmentedButtonRow
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.core.content.ContextCompat
import kotlinx.coroutines.launch
import vn.sachxanh.app.LocationSource
import vn.sachxanh.app.PhotoFiles
import vn.sachxanh.app.R
import vn.sachxanh.core.Coord
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.Shape
import vn.sachxanh.state.PlaceDraft
import vn.sachxanh.state.PlaceSource
import vn.sachxanh.state.UserText
import java.io.File

// Pieces the cleanup and black spot forms share: the place (GPS fix or map taps) and the camera
// and gallery for photos.

@Composable
fun FormSection(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 16.dp, bottom = 4.dp))
}

/** What the place editor forwards to its form's state holder. */
class PlaceActions(
    val onShape: (Shape) -> Unit,
    val onGpsFix: (lon: Double, lat: Double, accuracyM: Float?) -> Unit,
    val onMapTap: (lon: Double, lat: Double) -> Unit,
    val onUndo: () -> Unit,
    val onClear: () -> Unit,
)

/**
 * The place: shape, the small map of the hamlet's outline to tap on, what is chosen, and a GPS
 * fix (the location permission is asked first).
 */
@Composable
fun PlaceEditor(
    outline: List<Coord>,
    place: PlaceDraft,
    error: UserText?,
    location: LocationSource,
    actions: PlaceActions,
    enabled: Boolean,
    shapes: List<Pair<Shape, Int>> = listOf(Shape.POINT to R.string.shape_point, Shape.LINE to R.string.shape_line, Shape.POLYGON to R.string.shape_polygon),
) {
    val scope = rememberCoroutineScope()
    var locating by remember { mutableStateOf(false) }
    val locate = {
        locating = true
        scope.launch {
            location.currentFix()?.let { actions.onGpsFix(it.lon, it.lat, it.accuracyM) }
            locating = false
        }
    }
    val askPermission = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) { granted ->
        if (granted.values.any { it }) locate()
    }
    Column {
        if (shapes.size > 1) {
            SingleChoiceSegmentedButtonRow(Modifier.fillMaxWidth()) {
                shapes.forEachIndexed { i, (shape, label) ->
                    SegmentedButton(
                        selected = place.shape == shape,
                        onClick = { actions.onShape(shape) },
                        shape = SegmentedButtonDefaults.itemShape(i, shapes.size),
                        enabled = enabled,
                    ) { Text(stringResource(label)) }
                }
            }
        }
        AreaMap(outline, place.shape, place.points, onTap = { lon, lat -> if (enabled) actions.onMapTap(lon, lat) }, modifier = Modifier.padding(vertical = 8.dp))
        Text(
            when {
                place.points.isEmpty() -> stringResource(R.string.place_none)
                place.source == PlaceSource.GPS && place.gpsAccuracyM != null -> stringResource(R.string.place_gps, place.points.size, place.gpsAccuracyM!!.toInt())
                else -> stringResource(R.string.place_points, place.points.size)
            },
        )
        error?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedButton(
                onClick = {
                    if (location.permitted()) locate()
                    else askPermission.launch(arrayOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION))
                },
                enabled = enabled && !locating,
            ) { Text(stringResource(if (locating) R.string.locating else R.string.use_gps)) }
            TextButton(onClick = actions.onUndo, enabled = enabled && place.points.isNotEmpty()) { Text(stringResource(R.string.undo)) }
            TextButton(onClick = actions.onClear, enabled = enabled && place.points.isNotEmpty()) { Text(stringResource(R.string.clear)) }
        }
    }
}

/** The camera and the gallery for one form's photos; [problem] is a string resource to show. */
class PhotoTaker(val take: (PhotoStage) -> Unit, val pick: (PhotoStage) -> Unit, val problem: Int?)

/**
 * Photos: the camera writes into a cache file; a gallery photo is copied into one; the path goes
 * to [onPhoto] (the state holder's `addPhoto`). Both survive the activity being killed while the
 * camera app is open (cheap phones do that), hence saveable: the stage and the camera's file.
 * Once nothing is [preparing], the core holds its own copies and the cache files can go.
 */
@Composable
fun rememberPhotoTaker(photoFiles: PhotoFiles, preparing: Boolean, onPhoto: (path: String, stage: PhotoStage) -> Unit): PhotoTaker {
    val scope = rememberCoroutineScope()
    val context = LocalContext.current
    var photoStage by rememberSaveable { mutableStateOf(PhotoStage.BEFORE.name) }
    var cameraFile by rememberSaveable { mutableStateOf<String?>(null) }
    var photoProblem by remember { mutableStateOf<Int?>(null) }
    val takePicture = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { taken ->
        val path = cameraFile
        cameraFile = null
        if (taken && path != null) {
            onPhoto(path, PhotoStage.valueOf(photoStage))
        } else if (path != null) {
            File(path).delete() // the person backed out of the camera: an empty file
        }
    }
    val openCamera = {
        val (file, uri) = photoFiles.newCameraTarget()
        cameraFile = file.path
        photoProblem = null
        try {
            takePicture.launch(uri)
        } catch (e: ActivityNotFoundException) {
            cameraFile = null
            photoProblem = R.string.photo_no_camera
        }
    }
    // The manifest declares CAMERA (QR scanning), so Android lets the camera app be asked for a
    // photo only once it is granted.
    val askCamera = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        if (granted) openCamera() else photoProblem = R.string.photo_camera_denied
    }
    val pickPhoto = rememberLauncherForActivityResult(ActivityResultContracts.PickVisualMedia()) { uri ->
        if (uri != null) {
            val stage = PhotoStage.valueOf(photoStage)
            scope.launch {
                val copy = photoFiles.copyFromGallery(uri)
                if (copy != null) onPhoto(copy.path, stage) else photoProblem = R.string.photo_unreadable
            }
        }
    }
    LaunchedEffect(preparing) {
        if (!preparing) photoFiles.cleanUp(keep = cameraFile)
    }
    return PhotoTaker(
        take = { stage ->
            photoStage = stage.name
            if (ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) openCamera()
            else askCamera.launch(Manifest.permission.CAMERA)
        },
        pick = { stage ->
            photoStage = stage.name
            photoProblem = null
            pickPhoto.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageOnly))
        },
        problem = photoProblem,
    )
}
