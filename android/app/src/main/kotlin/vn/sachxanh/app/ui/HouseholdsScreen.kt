package vn.sachxanh.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material3.Card
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.FilterChip
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.sachxanh.app.R
import vn.sachxanh.core.AreaInfo
import vn.sachxanh.core.HouseholdRow
import vn.sachxanh.state.HouseholdsUiState
import vn.sachxanh.state.HouseholdsViewModel

@Composable
fun HouseholdsScreen(
    vm: HouseholdsViewModel,
    onAdd: (areaId: String) -> Unit,
    onOpen: (HouseholdRow) -> Unit,
    onCheck: (HouseholdRow) -> Unit,
    onBack: () -> Unit,
) {
    val state by vm.state.collectAsStateWithLifecycle()
    // The text field echoes keystrokes at once; the state holder searches after a pause.
    var query by rememberSaveable { mutableStateOf("") }
    LifecycleResumeEffect(Unit) {
        vm.refresh()
        onPauseOrDispose { }
    }
    val area: AreaInfo? = when (val s = state) {
        is HouseholdsUiState.Content -> s.area
        is HouseholdsUiState.Empty -> s.area
        else -> null
    }
    val areas: List<AreaInfo> = when (val s = state) {
        is HouseholdsUiState.Content -> s.areas
        is HouseholdsUiState.Empty -> s.areas
        else -> emptyList()
    }
    Screen(
        title = area?.name ?: stringResource(R.string.households_title),
        onBack = onBack,
        floating = {
            if (area != null) {
                ExtendedFloatingActionButton(onClick = { onAdd(area.id) }) { Text(stringResource(R.string.household_add)) }
            }
        },
    ) { padding ->
        Column(Modifier.fillMaxSize().padding(padding)) {
            if (areas.size > 1) {
                Row(Modifier.horizontalScroll(rememberScrollState()).padding(horizontal = 16.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    areas.forEach { a ->
                        FilterChip(selected = a.id == area?.id, onClick = { query = ""; vm.selectArea(a.id) }, label = { Text(a.name) })
                    }
                }
            }
            OutlinedTextField(
                value = query,
                onValueChange = { query = it; vm.onQueryChanged(it) },
                label = { Text(stringResource(R.string.households_search)) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp),
            )
            when (val s = state) {
                HouseholdsUiState.Loading -> Loading()
                HouseholdsUiState.NoAreas -> EmptyMessage(stringResource(R.string.households_no_areas))
                is HouseholdsUiState.Error -> ErrorMessage(s.message, onRetry = vm::refresh)
                is HouseholdsUiState.Empty -> EmptyMessage(
                    if (s.query.isBlank()) stringResource(R.string.households_empty) else stringResource(R.string.households_none_match, s.query),
                )
                is HouseholdsUiState.Content -> LazyColumn(Modifier.fillMaxSize()) {
                    items(s.items, key = { it.id }) { row ->
                        HouseholdCard(row, onOpen, onCheck)
                    }
                    item {
                        // The end of the list came into view: the next page, with the core's cursor.
                        if (s.canLoadMore) LaunchedEffect(s.items.size) { vm.loadMore() }
                        if (s.loadingMore) LinearProgressIndicator(Modifier.fillMaxWidth().padding(16.dp))
                        s.moreError?.let {
                            Column(Modifier.padding(16.dp)) {
                                Text(it.show(), color = MaterialTheme.colorScheme.error)
                                TextButton(onClick = vm::loadMore) { Text(stringResource(R.string.retry)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

@Composable
private fun HouseholdCard(row: HouseholdRow, onOpen: (HouseholdRow) -> Unit, onCheck: (HouseholdRow) -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp).clickable { onOpen(row) }) {
        Column(Modifier.padding(12.dp)) {
            Text(row.headName, style = MaterialTheme.typography.titleMedium)
            Text(row.address, style = MaterialTheme.typography.bodyMedium)
            Text(
                stringResource(R.string.household_line, row.members.toInt(), stringResource(row.status.label())),
                style = MaterialTheme.typography.bodyMedium,
            )
            TextButton(onClick = { onCheck(row) }) { Text(stringResource(R.string.sorting_check_new)) }
        }
    }
}
