package vn.sachxanh.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.sachxanh.app.R
import vn.sachxanh.state.SortingAnswer
import vn.sachxanh.state.SortingCheckField
import vn.sachxanh.state.SortingCheckUiState
import vn.sachxanh.state.SortingCheckViewModel

/** The three groups of art. 75 first, then what was seen. */
private val sorted = listOf(
    SortingAnswer.RECYCLABLE_SORTED,
    SortingAnswer.FOOD_SORTED,
    SortingAnswer.OTHER_SORTED,
    SortingAnswer.HAZARDOUS_SEPARATED,
    SortingAnswer.SERVED_BY_COLLECTION,
)
private val seen = listOf(SortingAnswer.BURNING_SEEN, SortingAnswer.DUMPING_SEEN)

@Composable
fun SortingCheckScreen(vm: SortingCheckViewModel, onSaved: () -> Unit, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    LaunchedEffect(state is SortingCheckUiState.Saved) {
        if (state is SortingCheckUiState.Saved) onSaved()
    }
    Screen(title = stringResource(R.string.sorting_check_title), onBack = onBack) { padding ->
        when (val s = state) {
            SortingCheckUiState.Loading, is SortingCheckUiState.Saved -> Loading(padding)
            is SortingCheckUiState.Error -> ErrorMessage(s.message, onRetry = null, padding = padding)
            is SortingCheckUiState.Editing -> Column(
                Modifier.fillMaxSize().padding(padding).padding(16.dp).verticalScroll(rememberScrollState()),
            ) {
                Text(s.form.householdName, style = MaterialTheme.typography.titleLarge)
                ReviewerReason(s.reviewerReason)
                s.status?.let { Text(stringResource(it.label()), style = MaterialTheme.typography.labelLarge) }
                GeneralErrors(s.errors.general)
                listOf(SortingCheckField.HOUSEHOLD, SortingCheckField.AREA, SortingCheckField.CHECKED_BY)
                    .mapNotNull { s.errors[it] }
                    .forEach { Text(it.show(), color = MaterialTheme.colorScheme.error) }
                val enabled = !s.saving
                DateField(stringResource(R.string.field_check_date), s.form.date, s.errors[SortingCheckField.DATE], vm::onDateChanged, enabled)
                Text(stringResource(R.string.sorting_sorted), style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 12.dp))
                sorted.forEach { a -> CheckRow(stringResource(a.label()), a in s.form.yes, { vm.onAnswer(a, it) }, enabled) }
                Text(stringResource(R.string.sorting_seen), style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 12.dp))
                seen.forEach { a -> CheckRow(stringResource(a.label()), a in s.form.yes, { vm.onAnswer(a, it) }, enabled) }
                FormTextField(stringResource(R.string.field_note), s.form.note, s.errors[SortingCheckField.NOTE], vm::onNoteChanged, enabled, singleLine = false)
                FormActions(s.saving, onDraft = { vm.save(submit = false) }, onSubmit = { vm.save(submit = true) })
            }
        }
    }
}
