package vn.sachxanh.app.ui

import android.Manifest
import android.content.ActivityNotFoundException
import android.content.pm.PackageManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.FilterChip
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
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.launch
import vn.sachxanh.app.AreaOutlines
import vn.sachxanh.app.LocationSource
import vn.sachxanh.app.PhotoFiles
import vn.sachxanh.app.R
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.Shape
import vn.sachxanh.state.CleanupField
import vn.sachxanh.state.CleanupUiState
import vn.sachxanh.state.CleanupViewModel
import vn.sachxanh.state.Organisation
import vn.sachxanh.state.PlaceSource
import vn.sachxanh.state.WorkKind
import vn.sachxanh.state.field
import java.io.File

@Composable
fun CleanupScreen(
    vm: CleanupViewModel,
    outlines: AreaOutlines,
    location: LocationSource,
    photoFiles: PhotoFiles,
    onSaved: () -> Unit,
    onBack: () -> Unit,
) {
    val state by vm.state.collectAsStateWithLifecycle()
    val scope = rememberCoroutineScope()
    val context = LocalContext.current
    var locating by remember { mutableStateOf(false) }
    val locate = {
        locating = true
        scope.launch {
            location.currentFix()?.let { vm.onGpsFix(it.lon, it.lat, it.accuracyM) }
            locating = false
        }
    }
    val askPermission = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) { granted ->
        if (granted.values.any { it }) locate()
    }

    // Photos: the camera writes into a cache file; a gallery photo is copied into one. Both
    // survive the activity being killed while the camera app is open (cheap phones do that),
    // hence saveable: the stage and the camera's file.
    var photoStage by rememberSaveable { mutableStateOf(PhotoStage.BEFORE.name) }
    var cameraFile by rememberSaveable { mutableStateOf<String?>(null) }
    var photoProblem by remember { mutableStateOf<Int?>(null) }
    val takePicture = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { taken ->
        val path = cameraFile
        cameraFile = null
        if (taken && path != null) {
            vm.addPhoto(path, PhotoStage.valueOf(photoStage))
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
    val takePhoto = { stage: PhotoStage ->
        photoStage = stage.name
        if (ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) openCamera()
        else askCamera.launch(Manifest.permission.CAMERA)
    }
    val pickPhoto = rememberLauncherForActivityResult(ActivityResultContracts.PickVisualMedia()) { uri ->
        if (uri != null) {
            val stage = PhotoStage.valueOf(photoStage)
            scope.launch {
                val copy = photoFiles.copyFromGallery(uri)
                if (copy != null) vm.addPhoto(copy.path, stage) else photoProblem = R.string.photo_unreadable
            }
        }
    }
    val choosePhoto = { stage: PhotoStage ->
        photoStage = stage.name
        photoProblem = null
        pickPhoto.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageOnly))
    }
    // The core keeps its own copy once a photo is prepared: the cache files can go then (and
    // whatever an earlier visit left).
    val preparing = (state as? CleanupUiState.Editing)?.preparingPhotos == true
    LaunchedEffect(preparing) {
        if (!preparing) photoFiles.cleanUp(keep = cameraFile)
    }

    LaunchedEffect(state is CleanupUiState.Saved) {
        if (state is CleanupUiState.Saved) onSaved()
    }
    Screen(title = stringResource(R.string.cleanup_title), onBack = onBack) { padding ->
        when (val s = state) {
            CleanupUiState.Loading, is CleanupUiState.Saved -> Loading(padding)
            is CleanupUiState.Error -> ErrorMessage(s.message, onRetry = null, padding = padding)
            is CleanupUiState.Editing -> Column(
                Modifier.fillMaxSize().padding(padding).padding(16.dp).verticalScroll(rememberScrollState()),
            ) {
                val f = s.form
                val enabled = !s.saving
                ReviewerReason(s.reviewerReason)
                s.status?.let { Text(stringResource(it.label()), style = MaterialTheme.typography.labelLarge) }
                GeneralErrors(s.errors.general)

                if (s.areas.size > 1) {
                    Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        s.areas.forEach { a ->
                            FilterChip(selected = a.id == f.areaId, onClick = { vm.onAreaChanged(a.id) }, label = { Text(a.name) }, enabled = enabled)
                        }
                    }
                }
                s.errors[CleanupField.AREA]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }
                DateField(stringResource(R.string.field_cleanup_date), f.date, s.errors[CleanupField.DATE], vm::onDateChanged, enabled)

                Section(stringResource(R.string.cleanup_place))
                SingleChoiceSegmentedButtonRow(Modifier.fillMaxWidth()) {
                    val shapes = listOf(Shape.POINT to R.string.shape_point, Shape.LINE to R.string.shape_line, Shape.POLYGON to R.string.shape_polygon)
                    shapes.forEachIndexed { i, (shape, label) ->
                        SegmentedButton(
                            selected = f.shape == shape,
                            onClick = { vm.onShapeChanged(shape) },
                            shape = SegmentedButtonDefaults.itemShape(i, shapes.size),
                            enabled = enabled,
                        ) { Text(stringResource(label)) }
                    }
                }
                AreaMap(outlines.of(f.areaId), f.shape, f.points, onTap = { lon, lat -> if (enabled) vm.onMapTap(lon, lat) }, modifier = Modifier.padding(vertical = 8.dp))
                Text(
                    when {
                        f.points.isEmpty() -> stringResource(R.string.place_none)
                        f.placeSource == PlaceSource.GPS && f.gpsAccuracyM != null -> stringResource(R.string.place_gps, f.points.size, f.gpsAccuracyM!!.toInt())
                        else -> stringResource(R.string.place_points, f.points.size)
                    },
                )
                s.errors[CleanupField.PLACE]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedButton(
                        onClick = {
                            if (location.permitted()) locate()
                            else askPermission.launch(arrayOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION))
                        },
                        enabled = enabled && !locating,
                    ) { Text(stringResource(if (locating) R.string.locating else R.string.use_gps)) }
                    TextButton(onClick = vm::undoLastPoint, enabled = enabled && f.points.isNotEmpty()) { Text(stringResource(R.string.undo)) }
                    TextButton(onClick = vm::clearPlace, enabled = enabled && f.points.isNotEmpty()) { Text(stringResource(R.string.clear)) }
                }

                Section(stringResource(R.string.cleanup_work))
                WorkKind.entries.forEach { w -> CheckRow(stringResource(w.label()), w in f.work, { vm.onWork(w, it) }, enabled) }
                s.errors[CleanupField.WORK]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }

                Section(stringResource(R.string.cleanup_participants, s.totalParticipants))
                Organisation.entries.forEach { org ->
                    FormTextField(
                        stringResource(org.label()),
                        f.participants[org].orEmpty(),
                        s.errors[org.field],
                        { vm.onParticipants(org, it) },
                        enabled,
                        number = true,
                    )
                }
                s.errors[CleanupField.PARTICIPANTS]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }

                Section(stringResource(R.string.cleanup_waste))
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    FormTextField(stringResource(R.string.field_waste_kg), f.wasteKg, s.errors[CleanupField.WASTE_KG], vm::onWasteKgChanged, enabled, decimal = true, modifier = Modifier.weight(1f))
                    FormTextField(stringResource(R.string.field_bags), f.bags, s.errors[CleanupField.BAGS], vm::onBagsChanged, enabled, number = true, modifier = Modifier.weight(1f))
                }

                Section(stringResource(R.string.cleanup_photos))
                Text(stringResource(R.string.photo_hint), style = MaterialTheme.typography.bodySmall)
                listOf(PhotoStage.BEFORE, PhotoStage.AFTER).forEach { stage ->
                    PhotoStageRow(
                        stage = stage,
                        photos = s.photos(stage),
                        enabled = enabled,
                        onTake = { takePhoto(stage) },
                        onPick = { choosePhoto(stage) },
                        onOpen = vm::openPhoto,
                        onRemove = vm::removePhoto,
                    )
                }
                s.errors[CleanupField.PHOTOS]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }
                photoProblem?.let { Text(stringResource(it), color = MaterialTheme.colorScheme.error) }

                FormTextField(stringResource(R.string.field_note), f.note, s.errors[CleanupField.NOTE], vm::onNoteChanged, enabled, singleLine = false)
                if (s.preparingPhotos) Text(stringResource(R.string.photo_wait_to_save), style = MaterialTheme.typography.bodySmall)
                FormActions(s.saving, onDraft = { vm.save(submit = false) }, onSubmit = { vm.save(submit = true) }, enabled = s.canSave)
                s.viewer?.let { PhotoViewerDialog(it, onRetry = vm::retryPhoto, onClose = vm::closePhoto) }
            }
        }
    }
}

@Composable
private fun Section(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 16.dp, bottom = 4.dp))
}
