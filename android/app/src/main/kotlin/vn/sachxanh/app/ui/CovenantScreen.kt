package vn.sachxanh.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import vn.sachxanh.state.AreaCovenantRow
import vn.sachxanh.state.CovenantUiState
import vn.sachxanh.state.CovenantViewModel
import vn.sachxanh.state.FormTarget

/** Each of my areas' covenant; area heads and staff open one to record it (the covenant's form). */
@Composable
fun CovenantScreen(vm: CovenantViewModel, onOpen: (FormTarget) -> Unit, onBack: () -> Unit) {
    val state by vm.state.collectAsState()
    CovenantContent(state, onOpen = { row -> vm.edit(row.areaId)?.let(onOpen) }, onRetry = vm::refresh, onBack = onBack)
}

@Composable
fun CovenantContent(state: CovenantUiState, onOpen: (AreaCovenantRow) -> Unit, onRetry: () -> Unit, onBack: () -> Unit) {
    Screen(title = tr("covenant_title"), onBack = onBack) {
        when (val s = state) {
            CovenantUiState.Loading -> Loading()
            CovenantUiState.Empty -> EmptyMessage(tr("covenant_empty"))
            is CovenantUiState.Error -> ErrorMessage(s.message, onRetry = onRetry)
            is CovenantUiState.Content -> LazyColumn(
                Modifier.fillMaxSize(),
                contentPadding = PaddingValues(16.dp),
                verticalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                items(s.rows, key = { it.areaId }) { row ->
                    RecordCard(
                        heading = row.areaName,
                        lines = listOfNotNull(
                            row.statusLabel.show(),
                            if (row.withEnvironment) tr("covenant_with_environment") else null,
                            row.reviewLabel?.show(),
                        ),
                        onClick = if (row.canEdit) ({ onOpen(row) }) else null,
                    ) {
                        if (row.canEdit) Text(tr("covenant_tap_to_record"), style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary)
                    }
                }
            }
        }
    }
}
