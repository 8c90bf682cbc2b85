package vn.sachxanh.app.ui

import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.sachxanh.app.AreaOutlines
import vn.sachxanh.app.LocationSource
import vn.sachxanh.app.PhotoFiles
import vn.sachxanh.app.R
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.SpotKind
import vn.sachxanh.core.SpotStatus
import vn.sachxanh.state.BlackSpotField
import vn.sachxanh.state.BlackSpotUiState
import vn.sachxanh.state.BlackSpotViewModel
import vn.sachxanh.state.dateField

/**
 * A black spot: reported (kind, place, what was seen, photos before), then moved up the ladder —
 * verified, cleaned (an after photo), closed — each step with its date.
 */
@Composable
fun BlackSpotScreen(
    vm: BlackSpotViewModel,
    outlines: AreaOutlines,
    location: LocationSource,
    photoFiles: PhotoFiles,
    onSaved: () -> Unit,
    onBack: () -> Unit,
) {
    val state by vm.state.collectAsStateWithLifecycle()
    val photos = rememberPhotoTaker(photoFiles, preparing = (state as? BlackSpotUiState.Editing)?.preparingPhotos == true, onPhoto = vm::addPhoto)
    val placeActions = remember(vm) { PlaceActions(vm::onShapeChanged, vm::onGpsFix, vm::onMapTap, vm::undoLastPoint, vm::clearPlace) }

    LaunchedEffect(state is BlackSpotUiState.Saved) {
        if (state is BlackSpotUiState.Saved) onSaved()
    }
    Screen(title = stringResource(R.string.blackspot_title), onBack = onBack) { padding ->
        when (val s = state) {
            BlackSpotUiState.Loading, is BlackSpotUiState.Saved -> Loading(padding)
            is BlackSpotUiState.Error -> ErrorMessage(s.message, onRetry = null, padding = padding)
            is BlackSpotUiState.Editing -> Column(
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
                s.errors[BlackSpotField.AREA]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }

                FormSection(stringResource(R.string.blackspot_kind))
                Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    SpotKind.entries.forEach { k ->
                        FilterChip(selected = f.kind == k, onClick = { vm.onKindChanged(k) }, label = { Text(stringResource(k.label())) }, enabled = enabled)
                    }
                }
                s.errors[BlackSpotField.KIND]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }

                FormSection(stringResource(R.string.blackspot_place))
                // A pile or a fire is a point; a polluted ditch may be a line or an area.
                PlaceEditor(outlines.of(f.areaId), f.place, s.errors[BlackSpotField.PLACE], location, placeActions, enabled)
                FormTextField(stringResource(R.string.field_description), f.description, s.errors[BlackSpotField.DESCRIPTION], vm::onDescriptionChanged, enabled, singleLine = false)

                FormSection(stringResource(R.string.blackspot_progress))
                Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    SpotStatus.entries.forEach { st ->
                        FilterChip(selected = f.status == st, onClick = { vm.onStatusChanged(st) }, label = { Text(stringResource(st.label())) }, enabled = enabled)
                    }
                }
                s.errors[BlackSpotField.STATUS]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }
                // Only the steps reached are dated; the next one is a tap away.
                SpotStatus.entries.filter { it <= f.status }.forEach { step ->
                    DateField(stringResource(step.dateLabel()), f.date(step), s.errors[step.dateField], { vm.onDateChanged(step, it) }, enabled)
                }
                s.nextStep?.let { next ->
                    Button(onClick = { vm.onStatusChanged(next) }, enabled = enabled) {
                        Text(stringResource(R.string.blackspot_next, stringResource(next.label())))
                    }
                }

                FormSection(stringResource(R.string.cleanup_photos))
                Text(stringResource(R.string.photo_hint), style = MaterialTheme.typography.bodySmall)
                listOf(PhotoStage.BEFORE, PhotoStage.AFTER).forEach { stage ->
                    PhotoStageRow(
                        stage = stage,
                        photos = s.photos(stage),
                        enabled = enabled,
                        onTake = { photos.take(stage) },
                        onPick = { photos.pick(stage) },
                        onOpen = vm::openPhoto,
                        onRemove = vm::removePhoto,
                    )
                }
                s.errors[BlackSpotField.PHOTOS]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }
                photos.problem?.let { Text(stringResource(it), color = MaterialTheme.colorScheme.error) }

                FormTextField(stringResource(R.string.field_note), f.note, s.errors[BlackSpotField.NOTE], vm::onNoteChanged, enabled, singleLine = false)
                if (s.preparingPhotos) Text(stringResource(R.string.photo_wait_to_save), style = MaterialTheme.typography.bodySmall)
                FormActions(s.saving, onDraft = { vm.save(submit = false) }, onSubmit = { vm.save(submit = true) }, enabled = s.canSave)
                s.viewer?.let { PhotoViewerDialog(it, onRetry = vm::retryPhoto, onClose = vm::closePhoto) }
            }
        }
    }
}
