package vn.sachxanh.app.ui

import android.Manifest
import androidx.activity.compose.rememberLauncherForActivityResult
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
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.launch
import vn.sachxanh.app.AreaOutlines
import vn.sachxanh.app.LocationSource
import vn.sachxanh.app.R
import vn.sachxanh.core.Shape
import vn.sachxanh.state.CleanupField
import vn.sachxanh.state.CleanupUiState
import vn.sachxanh.state.CleanupViewModel
import vn.sachxanh.state.Organisation
import vn.sachxanh.state.PlaceSource
import vn.sachxanh.state.WorkKind
import vn.sachxanh.state.field

@Composable
fun CleanupScreen(vm: CleanupViewModel, outlines: AreaOutlines, location: LocationSource, onSaved: () -> Unit, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    val scope = rememberCoroutineScope()
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
                FormTextField(stringResource(R.string.field_note), f.note, s.errors[CleanupField.NOTE], vm::onNoteChanged, enabled, singleLine = false)
                FormActions(s.saving, onDraft = { vm.save(submit = false) }, onSubmit = { vm.save(submit = true) })
            }
        }
    }
}

@Composable
private fun Section(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 16.dp, bottom = 4.dp))
}
