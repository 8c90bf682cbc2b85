package vn.sachxanh.app.ui

import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
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
import vn.sachxanh.app.LocationSource
import vn.sachxanh.app.R
import vn.sachxanh.state.HouseholdField
import vn.sachxanh.state.HouseholdFormUiState
import vn.sachxanh.state.HouseholdFormViewModel

@Composable
fun HouseholdFormScreen(vm: HouseholdFormViewModel, location: LocationSource, onSaved: () -> Unit, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    val scope = rememberCoroutineScope()
    var locating by remember { mutableStateOf(false) }
    val locate = {
        locating = true
        scope.launch {
            location.currentFix()?.let { vm.onLocation(it.lon, it.lat) }
            locating = false
        }
    }
    val askPermission = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) { granted ->
        if (granted.values.any { it }) locate()
    }
    LaunchedEffect(state is HouseholdFormUiState.Saved) {
        if (state is HouseholdFormUiState.Saved) onSaved()
    }
    Screen(title = stringResource(R.string.household_form_title), onBack = onBack) { padding ->
        when (val s = state) {
            HouseholdFormUiState.Loading, is HouseholdFormUiState.Saved -> Loading(padding)
            is HouseholdFormUiState.Error -> ErrorMessage(s.message, onRetry = null, padding = padding)
            is HouseholdFormUiState.Editing -> Column(
                Modifier.fillMaxSize().padding(padding).padding(16.dp).verticalScroll(rememberScrollState()),
            ) {
                ReviewerReason(s.reviewerReason)
                s.status?.let { Text(stringResource(it.label()), style = MaterialTheme.typography.labelLarge) }
                if (s.conflicts.isNotEmpty()) Text(stringResource(R.string.form_conflicts), color = MaterialTheme.colorScheme.error)
                GeneralErrors(s.errors.general)
                s.errors[HouseholdField.AREA]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }
                val enabled = !s.saving
                FormTextField(stringResource(R.string.field_head_name), s.form.headName, s.errors[HouseholdField.HEAD_NAME], vm::onHeadNameChanged, enabled)
                FormTextField(stringResource(R.string.field_address), s.form.address, s.errors[HouseholdField.ADDRESS], vm::onAddressChanged, enabled)
                FormTextField(stringResource(R.string.field_members), s.form.members, s.errors[HouseholdField.MEMBERS], vm::onMembersChanged, enabled, number = true)
                Text(stringResource(R.string.field_location), style = MaterialTheme.typography.labelLarge)
                Text(
                    s.form.location?.let { stringResource(R.string.location_value, it.lat, it.lon) } ?: stringResource(R.string.location_none),
                )
                s.errors[HouseholdField.LOCATION]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedButton(
                        onClick = {
                            if (location.permitted()) locate()
                            else askPermission.launch(arrayOf(android.Manifest.permission.ACCESS_FINE_LOCATION, android.Manifest.permission.ACCESS_COARSE_LOCATION))
                        },
                        enabled = enabled && !locating,
                    ) { Text(stringResource(if (locating) R.string.locating else R.string.use_gps)) }
                    if (s.form.location != null) TextButton(onClick = vm::clearLocation, enabled = enabled) { Text(stringResource(R.string.clear)) }
                }
                FormTextField(stringResource(R.string.field_note), s.form.note, s.errors[HouseholdField.NOTE], vm::onNoteChanged, enabled, singleLine = false)
                FormActions(s.saving, onDraft = { vm.save(submit = false) }, onSubmit = { vm.save(submit = true) })
            }
        }
    }
}
