package vn.sachxanh.app.ui

import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
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
import vn.sachxanh.state.CleanupField
import vn.sachxanh.state.CleanupUiState
import vn.sachxanh.state.CleanupViewModel
import vn.sachxanh.state.Organisation
import vn.sachxanh.state.WorkKind
import vn.sachxanh.state.field

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
    val photos = rememberPhotoTaker(photoFiles, preparing = (state as? CleanupUiState.Editing)?.preparingPhotos == true, onPhoto = vm::addPhoto)
    val placeActions = remember(vm) { PlaceActions(vm::onShapeChanged, vm::onGpsFix, vm::onMapTap, vm::undoLastPoint, vm::clearPlace) }

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

                FormSection(stringResource(R.string.cleanup_place))
                PlaceEditor(outlines.of(f.areaId), f.place, s.errors[CleanupField.PLACE], location, placeActions, enabled)

                FormSection(stringResource(R.string.cleanup_work))
                WorkKind.entries.forEach { w -> CheckRow(stringResource(w.label()), w in f.work, { vm.onWork(w, it) }, enabled) }
                s.errors[CleanupField.WORK]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }

                FormSection(stringResource(R.string.cleanup_participants, s.totalParticipants))
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

                FormSection(stringResource(R.string.cleanup_waste))
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    FormTextField(stringResource(R.string.field_waste_kg), f.wasteKg, s.errors[CleanupField.WASTE_KG], vm::onWasteKgChanged, enabled, decimal = true, modifier = Modifier.weight(1f))
                    FormTextField(stringResource(R.string.field_bags), f.bags, s.errors[CleanupField.BAGS], vm::onBagsChanged, enabled, number = true, modifier = Modifier.weight(1f))
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
                s.errors[CleanupField.PHOTOS]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }
                photos.problem?.let { Text(stringResource(it), color = MaterialTheme.colorScheme.error) }

                FormTextField(stringResource(R.string.field_note), f.note, s.errors[CleanupField.NOTE], vm::onNoteChanged, enabled, singleLine = false)
                if (s.preparingPhotos) Text(stringResource(R.string.photo_wait_to_save), style = MaterialTheme.typography.bodySmall)
                FormActions(s.saving, onDraft = { vm.save(submit = false) }, onSubmit = { vm.save(submit = true) }, enabled = s.canSave)
                s.viewer?.let { PhotoViewerDialog(it, onRetry = vm::retryPhoto, onClose = vm::closePhoto) }
            }
        }
    }
}
