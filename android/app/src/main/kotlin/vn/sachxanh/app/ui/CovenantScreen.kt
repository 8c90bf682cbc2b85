package vn.sachxanh.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.foundation.layout.Row
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.sachxanh.app.R
import vn.sachxanh.core.CovenantStatus
import vn.sachxanh.state.AreaCovenantRow
import vn.sachxanh.state.CovenantEditor
import vn.sachxanh.state.CovenantField
import vn.sachxanh.state.CovenantUiState
import vn.sachxanh.state.CovenantViewModel

@Composable
fun CovenantScreen(vm: CovenantViewModel, onSaved: () -> Unit, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    val saved = (state as? CovenantUiState.Content)?.savedAreaId
    LaunchedEffect(saved) { if (saved != null) onSaved() }
    val editor = (state as? CovenantUiState.Content)?.editor
    Screen(
        title = stringResource(if (editor == null) R.string.covenant_title else R.string.covenant_edit_title),
        onBack = if (editor == null) onBack else vm::close,
    ) { padding ->
        when (val s = state) {
            CovenantUiState.Loading -> Loading(padding)
            CovenantUiState.Empty -> EmptyMessage(stringResource(R.string.covenant_empty), padding)
            is CovenantUiState.Error -> ErrorMessage(s.message, onRetry = vm::refresh, padding = padding)
            is CovenantUiState.Content ->
                if (s.editor != null) {
                    CovenantForm(vm, s.editor, Modifier.padding(padding))
                } else {
                    LazyColumn(Modifier.fillMaxSize().padding(padding)) {
                        item {
                            Text(
                                stringResource(R.string.covenant_summary, s.inForceWithEnvironment, s.rows.size),
                                style = MaterialTheme.typography.bodyLarge,
                                modifier = Modifier.padding(16.dp),
                            )
                        }
                        items(s.rows, key = { it.areaId }) { row -> CovenantRowCard(row) { vm.open(row.areaId) } }
                    }
                }
        }
    }
}

@Composable
private fun CovenantRowCard(row: AreaCovenantRow, onOpen: () -> Unit) {
    Card(
        Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp)
            .then(if (row.canEdit) Modifier.clickable(onClick = onOpen) else Modifier),
    ) {
        Column(Modifier.padding(12.dp)) {
            Text(row.areaName, style = MaterialTheme.typography.titleMedium)
            Text(stringResource(row.status.label()))
            if (row.withEnvironment) Text(stringResource(R.string.covenant_with_environment))
            row.reviewStatus?.let { Text(stringResource(it.label()), style = MaterialTheme.typography.bodyMedium) }
            if (row.canEdit) Text(stringResource(R.string.covenant_tap_to_record), style = MaterialTheme.typography.labelMedium)
        }
    }
}

private val ladder = listOf(
    CovenantStatus.NOT_STARTED,
    CovenantStatus.DRAFTING,
    CovenantStatus.CONSULTATION,
    CovenantStatus.APPROVED,
    CovenantStatus.IN_FORCE,
)

@Composable
private fun CovenantForm(vm: CovenantViewModel, e: CovenantEditor, modifier: Modifier) {
    val f = e.form
    val enabled = !e.saving
    Column(modifier.fillMaxSize().padding(16.dp).verticalScroll(rememberScrollState())) {
        Text(f.areaName, style = MaterialTheme.typography.titleLarge)
        ReviewerReason(e.reviewerReason)
        GeneralErrors(e.errors.general)
        Text(stringResource(R.string.field_covenant_status), style = MaterialTheme.typography.labelLarge)
        ladder.forEach { status ->
            Row(
                Modifier.fillMaxWidth().selectable(selected = f.status == status, enabled = enabled, onClick = { vm.onStatusChanged(status) }),
                verticalAlignment = Alignment.CenterVertically,
            ) {
                RadioButton(selected = f.status == status, onClick = null, enabled = enabled)
                Text(stringResource(status.label()))
            }
        }
        e.errors[CovenantField.STATUS]?.let { Text(it.show(), color = MaterialTheme.colorScheme.error) }
        FormTextField(stringResource(R.string.field_clauses), f.clauses, e.errors[CovenantField.CLAUSES], vm::onClausesChanged, enabled, singleLine = false)
        DateField(stringResource(R.string.field_drafting_started), f.draftingStarted, e.errors[CovenantField.DRAFTING_STARTED], vm::onDraftingStartedChanged, enabled)
        DateField(stringResource(R.string.field_consultation_date), f.consultationDate, e.errors[CovenantField.CONSULTATION_DATE], vm::onConsultationDateChanged, enabled)
        DateField(stringResource(R.string.field_approved_date), f.approvedDate, e.errors[CovenantField.APPROVED_DATE], vm::onApprovedDateChanged, enabled)
        DateField(stringResource(R.string.field_in_force_date), f.inForceDate, e.errors[CovenantField.IN_FORCE_DATE], vm::onInForceDateChanged, enabled)
        FormTextField(stringResource(R.string.field_note), f.note, e.errors[CovenantField.NOTE], vm::onNoteChanged, enabled, singleLine = false)
        FormActions(e.saving, onDraft = { vm.save(submit = false) }, onSubmit = { vm.save(submit = true) })
        TextButton(onClick = vm::close, enabled = enabled) { Text(stringResource(R.string.cancel)) }
    }
}
